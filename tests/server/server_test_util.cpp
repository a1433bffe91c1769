#include "server/server_test_util.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "tests/support/poll.h"

namespace labctl::servertest {

Api::Api(int port, std::string token) : client_("127.0.0.1", port), token_(std::move(token)) {
  client_.set_keep_alive(true);
  client_.set_read_timeout(std::chrono::seconds(30));
}

httplib::Headers Api::Headers() const {
  if (token_.empty()) return {};
  return {{"Authorization", "Bearer " + token_}};
}

Reply Api::From(const httplib::Result& r) {
  if (!r) return {};
  return {r->status, r->body};
}

Reply Api::Get(const std::string& path) { return From(client_.Get(path, Headers())); }
Reply Api::Post(const std::string& path, const std::string& body, const std::string& type) {
  return From(client_.Post(path, Headers(), body, type));
}
Reply Api::Put(const std::string& path, const std::string& body) {
  return From(client_.Put(path, Headers(), body, "application/json"));
}
Reply Api::Patch(const std::string& path, const std::string& body, const std::string& type) {
  return From(client_.Patch(path, Headers(), body, type));
}
Reply Api::Delete(const std::string& path, const std::string& body) {
  return From(client_.Delete(path, Headers(), body, "application/json"));
}

json Api::MustCreate(const std::string& plural, const json& object) {
  Reply r = Post(std::string(kApi) + "/" + plural, object.dump());
  EXPECT_EQ(r.status, 201) << r.body;
  return r.Json();
}

NeopsClient::NeopsClient(int port, std::string token)
    : http_("127.0.0.1", port), token_(std::move(token)) {
  http_.set_read_timeout(std::chrono::seconds(30));
}

httplib::Headers NeopsClient::Headers(const std::string& session) const {
  httplib::Headers h;
  if (!token_.empty()) h.emplace("Authorization", "Bearer " + token_);
  if (!session.empty()) h.emplace("X-Session-ID", session);
  return h;
}

Reply NeopsClient::Post(const std::string& path, const std::string& session) {
  return Api::From(http_.Post(path, Headers(session), "", "application/json"));
}
Reply NeopsClient::Get(const std::string& path, const std::string& session) {
  return Api::From(http_.Get(path, Headers(session)));
}
Reply NeopsClient::Delete(const std::string& path, const std::string& session) {
  return Api::From(http_.Delete(path, Headers(session)));
}
Reply NeopsClient::Upload(const std::string& session, const std::string& topology) {
  httplib::MultipartFormDataItems items = {{"topology", topology, "lab.yml", "text/yaml"}};
  return Api::From(http_.Post("/lab", Headers(session), items));
}

std::string NeopsClient::NewSession() {
  Reply r = Post("/session");
  EXPECT_EQ(r.status, 201) << r.body;
  return r.status == 201 ? r.Json().value("session_id", "") : "";
}

std::string WriteTokensFile() {
  std::string path = testing::MakeTempDir("labd-tokens") + "/tokens";
  std::ofstream out(path);
  out << "# token,user,groups,grants\n\n"
      << "root-token,root,admin\n"
      << "alice-token,alice\n"
      << "bob-token,bob,dev\n"
      << "view-token,viewer,readonly\n"
      << "ops-token,ops,binds=/srv/labs,binds-ro=/etc/ssl,caps=SYS_ADMIN,privileged=true\n";
  return path;
}

json SampleLab(const std::string& name, const json& labels) {
  json lab = {{"apiVersion", "labctl.dev/v1alpha1"},
              {"kind", "Lab"},
              {"metadata", {{"name", name}}},
              {"spec",
               {{"provider", "docker"},
                {"networks", {{{"name", "lan1"}, {"subnet", "192.168.101.0/24"}}}},
                {"nodes",
                 {{{"name", "client-01"},
                   {"image", "labbox:latest"},
                   {"interfaces", {{{"network", "lan1"}, {"ipv4", "192.168.101.10"}}}}}}}}}};
  if (!labels.empty()) lab["metadata"]["labels"] = labels;
  return lab;
}

json SampleSession(const std::string& name, const std::string& lab) {
  json session = {{"apiVersion", "labctl.dev/v1alpha1"},
                  {"kind", "Session"},
                  {"metadata", {{"name", name}}},
                  {"spec", {{"holder", "server test"}}}};
  if (!lab.empty()) session["spec"]["lab"] = lab;
  return session;
}

bool WaitHeld(Api& api, const std::string& lab, const std::string& session) {
  return ::labctl::testing::PollUntil([&] {
    json got = api.Get(std::string(kApi) + "/labs/" + lab).Json();
    return got.value("/status/heldBy"_json_pointer, std::string()) == session;
  });
}

std::string UniqueName(const std::string& prefix) {
  static std::atomic<int> counter{0};
  return prefix + "-" + std::to_string(getpid()) + "-" + std::to_string(++counter);
}

WatchReader::WatchReader(int port, const std::string& path_and_query, std::string token)
    : client_("127.0.0.1", port) {
  client_.set_read_timeout(std::chrono::seconds(30));
  httplib::Headers headers;
  if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
  thread_ = std::thread([this, path_and_query, headers] {
    client_.Get(
        path_and_query, headers,
        [this](const httplib::Response& res) {
          std::lock_guard<std::mutex> lock(mu_);
          status_ = res.status;
          cv_.notify_all();
          return true;
        },
        [this](const char* data, size_t size) {
          OnData(data, size);
          return !stop_.load();
        });
    std::lock_guard<std::mutex> lock(mu_);
    ended_ = true;
    cv_.notify_all();
  });
}

WatchReader::~WatchReader() { Stop(); }

void WatchReader::Stop() {
  stop_ = true;
  client_.stop();
  if (thread_.joinable()) thread_.join();
}

void WatchReader::OnData(const char* data, size_t size) {
  std::lock_guard<std::mutex> lock(mu_);
  body_.append(data, size);
  partial_.append(data, size);
  size_t nl;
  while ((nl = partial_.find('\n')) != std::string::npos) {
    std::string line = partial_.substr(0, nl);
    partial_.erase(0, nl + 1);
    if (line.empty()) {
      ++keepalives_;
      continue;
    }
    json event = json::parse(line, nullptr, false);
    if (status_ == 200) events_.push_back(std::move(event));
  }
  cv_.notify_all();
}

std::vector<json> WatchReader::WaitForEvents(size_t n, std::chrono::seconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, timeout, [&] { return events_.size() >= n || ended_; });
  return events_;
}

bool WatchReader::WaitEnded(std::chrono::seconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return ended_; });
}

int WatchReader::status() {
  std::lock_guard<std::mutex> lock(mu_);
  return status_;
}
std::string WatchReader::body() {
  std::lock_guard<std::mutex> lock(mu_);
  return body_;
}
std::vector<json> WatchReader::events() {
  std::lock_guard<std::mutex> lock(mu_);
  return events_;
}
size_t WatchReader::keepalive_lines() {
  std::lock_guard<std::mutex> lock(mu_);
  return keepalives_;
}

std::string RawRequest(int port, const std::string& request) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string response;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      send(fd, request.data(), request.size(), MSG_NOSIGNAL) == ssize_t(request.size())) {
    pollfd p{fd, POLLIN, 0};
    char buf[4096];
    while (poll(&p, 1, 5000) > 0) {
      ssize_t n = recv(fd, buf, sizeof(buf), 0);
      if (n <= 0) break;
      response.append(buf, static_cast<size_t>(n));
    }
  }
  close(fd);
  return response;
}

double Metric(int port, const std::string& name) {
  httplib::Client client("127.0.0.1", port);
  auto res = client.Get("/metrics");
  if (!res) return -1;
  std::istringstream lines(res->body);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(name + " ", 0) == 0) return std::stod(line.substr(name.size() + 1));
  }
  return -1;
}

}  // namespace labctl::servertest
