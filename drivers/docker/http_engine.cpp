#include "drivers/docker/http_engine.h"

#include <httplib.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>

#include "api/mux_frames.h"
#include "drivers/docker/docker_metrics.h"
#include "drivers/docker/engine_json.h"
#include "drivers/docker/event_stream.h"
#include "drivers/docker/hijacked_exec.h"

namespace labctl::docker {
namespace {

constexpr int kMaxApiMinor = 41;  // we speak API 1.41 (Docker 20.10)
constexpr time_t kStreamTimeoutSeconds = 24 * 3600;

// Escapes everything but unreserved characters: every id or name put in a path segment or a
// query value goes through this, so a name with '/', '?', '#' or '%' stays one segment.
std::string UrlEncode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

bool IsSuccess(int http_status) {
  return (http_status >= 200 && http_status < 300) || http_status == 304;
}

struct Reply {
  int status = 0;
  std::string body;
};

}  // namespace

std::string EngineAddress::ToString() const {
  return socket.empty() ? host + ":" + std::to_string(port) : socket;
}

Result<EngineAddress> ParseDockerHost(const std::string& docker_host) {
  std::string host = docker_host;
  if (host.empty()) {
    const char* env = std::getenv("DOCKER_HOST");
    host = env && *env ? env : "unix:///var/run/docker.sock";
  }
  EngineAddress address;
  if (host.rfind("unix://", 0) == 0) {
    address.socket = host.substr(7);
    return address;
  }
  const size_t colon = host.rfind(':');
  if (host.rfind("tcp://", 0) == 0 && colon > 6) {
    address.host = host.substr(6, colon - 6);
    address.port = std::atoi(host.c_str() + colon + 1);
    if (!address.host.empty() && address.port > 0 && address.port < 65536) return address;
  }
  return Status::BadRequest("docker host " + host + ": use unix:///path or tcp://host:port");
}

struct HttpEngine::Impl {
  HttpEngineOptions options;
  Result<EngineAddress> address{Status::Internal("unset")};
  std::mutex mu;
  std::vector<std::unique_ptr<httplib::Client>> idle;
  std::string prefix;  // "/v1.41" once negotiated
  VersionInfo version;
  std::mutex events_mu;
  httplib::Client* events_client = nullptr;
  bool events_stopped = false;

  std::unique_ptr<httplib::Client> NewClient(time_t read_timeout) {
    const EngineAddress& a = address.value();
    std::unique_ptr<httplib::Client> c;
    if (!a.socket.empty()) {
      c = std::make_unique<httplib::Client>(a.socket, 80);
      c->set_address_family(AF_UNIX);
    } else if (options.tls) {
      c = std::make_unique<httplib::Client>("https://" + a.ToString(), options.tls->cert,
                                            options.tls->key);
      c->set_ca_cert_path(options.tls->ca);
      c->enable_server_certificate_verification(true);
    } else {
      c = std::make_unique<httplib::Client>(a.host, a.port);
    }
    c->set_keep_alive(true);
    c->set_connection_timeout(options.timeout_seconds, 0);
    c->set_read_timeout(read_timeout, 0);
    c->set_write_timeout(options.timeout_seconds, 0);
    c->set_default_headers({{"Host", "docker"}});
    return c;
  }

  std::unique_ptr<httplib::Client> Acquire() {
    {
      std::lock_guard<std::mutex> l(mu);
      if (!idle.empty()) {
        auto c = std::move(idle.back());
        idle.pop_back();
        return c;
      }
    }
    return NewClient(options.timeout_seconds);
  }

  void Release(std::unique_ptr<httplib::Client> c) {
    std::lock_guard<std::mutex> l(mu);
    idle.push_back(std::move(c));
  }

  Status Unreachable(const std::string& what) {
    return Status::Unavailable("cannot reach docker engine at " + address->ToString() + ": " +
                               what);
  }

  // One request on `client`; streams the body to `receiver` when given (2xx only).
  Result<Reply> Send(httplib::Client& client, const std::string& method, const std::string& path,
                     const std::string& body,
                     const std::function<bool(const char*, size_t)>& receiver) {
    httplib::Request req;
    req.method = method;
    req.path = path;
    if (!body.empty() || method == "POST") {
      req.body = body;
      req.headers.emplace("Content-Type", "application/json");
    }
    Reply reply;
    std::string error_body;
    // Docker answers 304 (e.g. start of a running container) without Content-Length; httplib
    // would then read the body until the connection closes, i.e. hang for the read timeout.
    // Stop reading there: the call still succeeds and the client reconnects next time.
    req.response_handler = [&](const httplib::Response& r) {
      reply.status = r.status;
      return !(r.status == 304 && !r.has_header("Content-Length"));
    };
    if (receiver) {
      req.content_receiver = [&](const char* data, size_t n, uint64_t, uint64_t) {
        if (!IsSuccess(reply.status)) {
          error_body.append(data, n);
          return true;
        }
        return receiver(data, n);
      };
    }
    auto res = client.send(req);
    if (!res) {
      if (res.error() == httplib::Error::Canceled) return reply;
      return Unreachable(httplib::to_string(res.error()));
    }
    reply.status = res->status;
    reply.body = receiver ? error_body : res->body;
    return reply;
  }

  Result<std::string> ApiPrefix() {
    {
      std::lock_guard<std::mutex> l(mu);
      if (!prefix.empty()) return prefix;
    }
    return Negotiate();
  }

  // Asks the engine's /version and keeps the API version to use (calls meanwhile keep the one
  // they have: no window in which every caller negotiates again).
  Result<std::string> Negotiate() {
    if (!address.ok()) return address.status();
    auto client = NewClient(options.timeout_seconds);
    auto reply = Send(*client, "GET", "/version", "", nullptr);
    if (!reply.ok()) return reply.status();
    if (!IsSuccess(reply->status)) return ErrorStatus(reply->status, reply->body);
    auto j = json::parse(reply->body, nullptr, false);
    if (!j.is_object()) return Status::Internal("docker /version: unexpected answer");
    VersionInfo v;
    v.version = j.value("Version", "");
    v.api_version = j.value("ApiVersion", "1.41");
    int major = 1, minor = kMaxApiMinor;
    if (sscanf(v.api_version.c_str(), "%d.%d", &major, &minor) != 2) minor = kMaxApiMinor;
    if (major > 1) minor = kMaxApiMinor;
    v.used_api = "1." + std::to_string(std::min(minor, kMaxApiMinor));
    std::lock_guard<std::mutex> l(mu);
    version = v;
    prefix = "/v" + v.used_api;
    return prefix;
  }

  // An ordinary call on a pooled keep-alive connection. A stale pooled connection (dockerd
  // restarted) fails once; the call is then retried on a fresh one.
  Result<Reply> Call(const std::string& method, const std::string& path,
                     const std::string& body = "") {
    auto p = ApiPrefix();
    if (!p.ok()) return p.status();
    for (int attempt = 0;; ++attempt) {
      auto client = Acquire();
      const auto start = std::chrono::steady_clock::now();
      auto reply = Send(*client, method, *p + path, body, nullptr);
      RecordDockerCall(OperationOf(method, path), start, reply.ok() ? reply->status : 0);
      if (reply.ok()) {
        Release(std::move(client));
        return reply;
      }
      if (attempt == 1) {
        std::lock_guard<std::mutex> l(mu);
        prefix.clear();  // renegotiate after a reconnect
        return reply.status();
      }
    }
  }

  // Call expecting JSON back.
  Result<json> CallJson(const std::string& method, const std::string& path,
                        const std::string& body = "") {
    auto reply = Call(method, path, body);
    if (!reply.ok()) return reply.status();
    if (!IsSuccess(reply->status)) return ErrorStatus(reply->status, reply->body);
    if (reply->body.empty()) return json();
    auto j = json::parse(reply->body, nullptr, false);
    if (j.is_discarded()) return Status::Internal("docker " + path + ": malformed JSON answer");
    return j;
  }

  Status CallOk(const std::string& method, const std::string& path, const std::string& body = "") {
    auto reply = Call(method, path, body);
    if (!reply.ok()) return reply.status();
    if (!IsSuccess(reply->status)) return ErrorStatus(reply->status, reply->body);
    return Status::Ok();
  }

  // A streaming call on its own connection; the body goes through `receiver`.
  Status Stream(const std::string& method, const std::string& path, const std::string& body,
                const std::function<bool(const char*, size_t)>& receiver,
                httplib::Client** registered = nullptr) {
    auto p = ApiPrefix();
    if (!p.ok()) return p.status();
    auto client = NewClient(kStreamTimeoutSeconds);
    client->set_keep_alive(false);
    if (registered) {
      std::lock_guard<std::mutex> l(events_mu);
      if (events_stopped) return Status::Ok();
      *registered = client.get();
    }
    auto reply = Send(*client, method, *p + path, body, receiver);
    if (registered) {
      std::lock_guard<std::mutex> l(events_mu);
      *registered = nullptr;
      if (events_stopped) return Status::Ok();
    }
    if (!reply.ok()) return reply.status();
    if (!IsSuccess(reply->status)) return ErrorStatus(reply->status, reply->body);
    return Status::Ok();
  }
};

HttpEngine::HttpEngine(HttpEngineOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->address = ParseDockerHost(impl_->options.docker_host);
}

HttpEngine::~HttpEngine() = default;

Result<VersionInfo> HttpEngine::Version() {
  auto p = impl_->Negotiate();  // always asks the engine: Version() doubles as a health check
  if (!p.ok()) return p.status();
  std::lock_guard<std::mutex> l(impl_->mu);
  return impl_->version;
}

Result<std::vector<NetworkInfo>> HttpEngine::ListNetworks(const LabelMap& labels) {
  auto j = impl_->CallJson("GET", "/networks?filters=" + UrlEncode(LabelFilters(labels)));
  if (!j.ok()) return j.status();
  std::vector<NetworkInfo> out;
  for (const auto& n : *j) out.push_back(ParseNetwork(n));
  return out;
}

Result<std::string> HttpEngine::CreateNetwork(const NetworkSpec& spec) {
  auto j = impl_->CallJson("POST", "/networks/create", NetworkCreateBody(spec).dump());
  if (!j.ok()) return j.status();
  return j->value("Id", "");
}

Status HttpEngine::RemoveNetwork(const std::string& id_or_name) {
  return impl_->CallOk("DELETE", "/networks/" + UrlEncode(id_or_name));
}

Result<NetworkInfo> HttpEngine::InspectNetwork(const std::string& id_or_name) {
  auto j = impl_->CallJson("GET", "/networks/" + UrlEncode(id_or_name));
  if (!j.ok()) return j.status();
  return ParseNetwork(*j);
}

Result<std::vector<ContainerSummary>> HttpEngine::ListContainers(const LabelMap& labels) {
  auto j =
      impl_->CallJson("GET", "/containers/json?all=1&filters=" + UrlEncode(LabelFilters(labels)));
  if (!j.ok()) return j.status();
  std::vector<ContainerSummary> out;
  for (const auto& c : *j) out.push_back(ParseContainerSummary(c));
  return out;
}

Result<std::string> HttpEngine::CreateContainer(const ContainerSpec& spec) {
  auto j = impl_->CallJson("POST", "/containers/create?name=" + UrlEncode(spec.name),
                           ContainerCreateBody(spec).dump());
  if (!j.ok()) {
    const auto& m = j.status().message();
    if (j.status().code() == api::Code::kNotFound && m.find("image") != std::string::npos)
      return Status::NotFound(ImageNotFoundMessage(spec.image));
    return j.status();
  }
  return j->value("Id", "");
}

Status HttpEngine::ConnectNetwork(const std::string& container, const EndpointSpec& endpoint) {
  json body = {{"Container", container}, {"EndpointConfig", EndpointConfig(endpoint)}};
  return impl_->CallOk("POST", "/networks/" + UrlEncode(endpoint.network) + "/connect",
                       body.dump());
}

Status HttpEngine::StartContainer(const std::string& id) {
  return impl_->CallOk("POST", "/containers/" + UrlEncode(id) + "/start");
}

Status HttpEngine::StopContainer(const std::string& id, int timeout_seconds) {
  return impl_->CallOk(
      "POST", "/containers/" + UrlEncode(id) + "/stop?t=" + std::to_string(timeout_seconds));
}

Status HttpEngine::KillContainer(const std::string& id) {
  return impl_->CallOk("POST", "/containers/" + UrlEncode(id) + "/kill");
}

Status HttpEngine::RemoveContainer(const std::string& id, bool force) {
  return impl_->CallOk("DELETE",
                       "/containers/" + UrlEncode(id) + "?v=1&force=" + (force ? "1" : "0"));
}

Result<ContainerInfo> HttpEngine::InspectContainer(const std::string& id) {
  auto j = impl_->CallJson("GET", "/containers/" + UrlEncode(id) + "/json");
  if (!j.ok()) return j.status();
  return ParseContainerInspect(*j);
}

Result<std::string> HttpEngine::Logs(const std::string& id, int tail) {
  std::string out;
  Status s = StreamLogs(id, tail, false, [&](int, std::string_view d) {
    out.append(d);
    return true;
  });
  if (!s.ok()) return s;
  return out;
}

Status HttpEngine::StreamLogs(const std::string& id, int tail, bool follow,
                              const OutputCallback& callback) {
  std::string path = "/containers/" + UrlEncode(id) + "/logs?stdout=1&stderr=1&tail=" +
                     (tail < 0 ? std::string("all") : std::to_string(tail)) +
                     "&follow=" + (follow ? "1" : "0");
  api::MuxDemuxer demux(callback);
  return impl_->Stream("GET", path, "",
                       [&](const char* d, size_t n) { return demux.Feed(std::string_view(d, n)); });
}

Result<std::string> HttpEngine::ExecCreate(const std::string& id,
                                           const std::vector<std::string>& cmd) {
  auto j = impl_->CallJson("POST", "/containers/" + UrlEncode(id) + "/exec",
                           ExecCreateBody(cmd, false).dump());
  if (!j.ok()) return j.status();
  return j->value("Id", "");
}

Status HttpEngine::ExecStart(const std::string& exec_id, const OutputCallback& callback) {
  json body = {{"Detach", false}, {"Tty", false}};
  api::MuxDemuxer demux(callback);
  return impl_->Stream("POST", "/exec/" + UrlEncode(exec_id) + "/start", body.dump(),
                       [&](const char* d, size_t n) { return demux.Feed(std::string_view(d, n)); });
}

Result<ExecInfo> HttpEngine::ExecInspect(const std::string& exec_id) {
  auto j = impl_->CallJson("GET", "/exec/" + UrlEncode(exec_id) + "/json");
  if (!j.ok()) return j.status();
  ExecInfo info;
  info.running = j->value("Running", false);
  info.exit_code = (*j)["ExitCode"].is_number() ? (*j)["ExitCode"].get<int>() : -1;
  info.pid = j->value("Pid", 0);
  return info;
}

Result<std::unique_ptr<ExecSession>> HttpEngine::ExecAttach(const std::string& id,
                                                            const std::vector<std::string>& cmd) {
  if (impl_->address.ok() && impl_->address->socket.empty())
    return Status::BadRequest("exec with stdin needs an engine on a unix:// socket, not " +
                              impl_->address->ToString());
  auto j = impl_->CallJson("POST", "/containers/" + UrlEncode(id) + "/exec",
                           ExecCreateBody(cmd, true).dump());
  if (!j.ok()) return j.status();
  auto prefix = impl_->ApiPrefix();
  if (!prefix.ok()) return prefix.status();
  return StartHijackedExec(impl_->address->socket, *prefix, j->value("Id", ""));
}

Status HttpEngine::StreamEvents(const LabelMap& labels, const EventCallback& callback) {
  std::string path = "/events?filters=" + UrlEncode(LabelFilters(labels, {"container", "network"}));
  EventStreamReader reader;
  return impl_->Stream(
      "GET", path, "",
      [&](const char* d, size_t n) { return reader.Feed(std::string_view(d, n), callback); },
      &impl_->events_client);
}

void HttpEngine::StopEvents() {
  std::lock_guard<std::mutex> l(impl_->events_mu);
  impl_->events_stopped = true;
  if (impl_->events_client) impl_->events_client->stop();
}

}  // namespace labctl::docker
