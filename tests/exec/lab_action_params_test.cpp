// Parameters of the lab actions (logs, inspect, exec) over real HTTP with the FakeEngine: bad
// node names, numbers and types are 400s naming the parameter, never a 500 and never a request
// to the engine; output that is not UTF-8 still answers as JSON.
#include <gtest/gtest.h>
#include <httplib.h>

#include "controller/server/api_server.h"
#include "drivers/docker/naming.h"
#include "reconcilers/providers/docker/docker_provider.h"
#include "tests/support/fake_docker/fake_engine.h"
#include "tests/support/temp_store.h"

namespace labctl {
namespace {

using api::json;

constexpr char kLabPath[] = "/apis/labctl.dev/v1alpha1/labs/lab1";

class LabActionParamsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    json lab = {{"apiVersion", api::kApiVersion},
                {"kind", "Lab"},
                {"metadata", {{"name", "lab1"}}},
                {"spec", {{"nodes", {{{"name", "n"}, {"image", "labbox:latest"}}}}}}};
    auto created = store_->Create(api::Kind::kLab, lab);
    ASSERT_TRUE(created.ok());
    docker::ContainerSpec c;
    c.name = docker::ContainerName("lab1", "n");
    c.image = "labbox:latest";
    c.labels = docker::ContainerLabels("lab1", api::Uid(*created), "n", "h", "labd");
    auto id = engine_.CreateContainer(c);
    ASSERT_TRUE(id.ok() && engine_.StartContainer(*id).ok());
    provider_ = reconcilers::MakeDockerProvider(*store_, engine_);
    server::ServerOptions server_options;
    server_options.port = 0;
    server_ = std::make_unique<server::ApiServer>(*store_, server_options);
    server_->SetLabActions(&provider_->Actions());
    ASSERT_TRUE(server_->Start().ok());
    server_->SetReady(true);
  }
  void TearDown() override {
    if (server_) server_->Stop();
    server_.reset();
    provider_.reset();
  }

  // Expects a 400 Status whose message contains `part`.
  void Expect400(const httplib::Result& r, const std::string& part) {
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << r->body;
    json body = json::parse(r->body, nullptr, false);
    EXPECT_NE(body.value("message", "").find(part), std::string::npos) << r->body;
  }
  httplib::Client Client() { return httplib::Client("127.0.0.1", server_->port()); }
  httplib::Result Exec(const std::string& body) {
    return Client().Post(std::string(kLabPath) + "/exec", body, "application/json");
  }

  docker::FakeEngine engine_;
  testing::TempStore store_{{.prefix = "lab-action-params"}};
  std::unique_ptr<reconcilers::DockerRealisation> provider_;
  std::unique_ptr<server::ApiServer> server_;
};

TEST_F(LabActionParamsTest, NodeNamesThatAreNotNodeNamesAre400) {
  const std::string logs = std::string(kLabPath) + "/logs?node=";
  Expect400(Client().Get(logs + "..%2Fx"), "is not a node name");
  Expect400(Client().Get(logs + "n%3Fall%3D1"), "is not a node name");
  Expect400(Client().Get(std::string(kLabPath) + "/inspect?node=%FF"), "is not a node name");
  Expect400(Exec(R"({"node": 5, "command": ["true"]})"), "node must be a string");
  Expect400(Client().Get(logs + "n&tailLines=abc"), "tailLines");
}

TEST_F(LabActionParamsTest, ExecTimeoutBeyondTenYearsIs400) {
  // get<int>() made 4294967297 a one-second timeout.
  Expect400(Exec(R"({"node": "n", "command": ["true"], "timeoutSeconds": 4294967297})"),
            "timeoutSeconds must be an integer from 0 to 315360000");
  Expect400(Exec(R"({"node": "n", "command": ["true"], "timeoutSeconds": -1})"), "timeoutSeconds");
}

TEST_F(LabActionParamsTest, OutputThatIsNotUtf8StillAnswersJson) {
  engine_.SetExecHandler([](const std::string&, const std::vector<std::string>&) {
    return docker::ExecResult{0, "bin\xff\xfe", ""};
  });
  auto r = Exec(R"({"node": "n", "command": ["cat", "/bin/true"]})");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(json::parse(r->body)["stdout"], "bin\xef\xbf\xbd\xef\xbf\xbd");
}

}  // namespace
}  // namespace labctl
