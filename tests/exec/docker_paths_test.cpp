// What labd sends to the Docker Engine API: every name or id in a request path is one escaped
// segment, so a node name like "../x" or "n?all=1" never reaches another endpoint of dockerd.
// HttpEngine talks to a fake engine (cpp-httplib on a unix socket) that records request lines.
#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/socket.h>

#include <filesystem>
#include <mutex>
#include <thread>

#include "drivers/docker/http_engine.h"
#include "tests/support/labd_process.h"
#include "tests/support/poll.h"

namespace labctl {
namespace {

class FakeDockerd {
 public:
  explicit FakeDockerd(const std::string& socket) : socket_(socket) {
    server_.set_address_family(AF_UNIX);
    server_.Get("/version", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(R"({"Version":"20.10.0","ApiVersion":"1.41"})", "application/json");
    });
    auto record = [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> l(mu_);
      targets_.push_back(req.target);
      res.status = 404;
      res.set_content(R"({"message":"No such container"})", "application/json");
    };
    server_.Get(".*", record);
    server_.Post(".*", record);
    server_.Delete(".*", record);
    EXPECT_TRUE(server_.bind_to_port(socket_, 80));
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    EXPECT_TRUE(::labctl::testing::PollUntil([this] { return server_.is_running(); }));
  }
  ~FakeDockerd() {
    server_.stop();
    thread_.join();
    std::filesystem::remove(socket_);
  }
  std::vector<std::string> targets() {
    std::lock_guard<std::mutex> l(mu_);
    return targets_;
  }

 private:
  std::string socket_;
  httplib::Server server_;
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::string> targets_;
};

TEST(DockerPaths, NamesAndIdsAreOneEscapedSegment) {
  std::string dir = testing::MakeTempDir("docker-paths");
  FakeDockerd dockerd(dir + "/docker.sock");
  docker::HttpEngine engine(docker::HttpEngineOptions{"unix://" + dir + "/docker.sock", 10});
  const std::string name = "labctl-lab-../x?all=1#f";
  EXPECT_FALSE(engine.InspectContainer(name).ok());
  EXPECT_FALSE(engine.StartContainer(name).ok());
  EXPECT_FALSE(engine.RemoveContainer(name, true).ok());
  EXPECT_FALSE(engine.Logs(name, 5).ok());
  EXPECT_FALSE(engine.ExecInspect("e/../1").ok());
  const std::string segment = "labctl-lab-..%2Fx%3Fall%3D1%23f";
  EXPECT_EQ(dockerd.targets(),
            (std::vector<std::string>{
                "/v1.41/containers/" + segment + "/json",
                "/v1.41/containers/" + segment + "/start",
                "/v1.41/containers/" + segment + "?v=1&force=1",
                "/v1.41/containers/" + segment + "/logs?stdout=1&stderr=1&tail=5&follow=0",
                "/v1.41/exec/e%2F..%2F1/json",
            }));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace labctl
