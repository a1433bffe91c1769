#include "client/client.h"

#include <httplib.h>

#include <algorithm>
#include <cstdio>

#include "client/tls_settings.h"

namespace labctl::client {

namespace {

bool IsSuccess(int status) { return status >= 200 && status < 300; }

std::string Describe(httplib::Error err) {
  switch (err) {
    case httplib::Error::Connection:
      return "connection refused or host unreachable";
    case httplib::Error::ConnectionTimeout:
      return "connection timed out";
    case httplib::Error::Read:
      return "reading the response failed (timed out or closed)";
    case httplib::Error::Write:
      return "sending the request failed";
    default:
      return httplib::to_string(err);
  }
}

// TLS failures say what to do about them: they are setup mistakes, not outages.
std::string DescribeTls(httplib::Client& http, httplib::Error err) {
  if (err == httplib::Error::SSLServerVerification) {
    long result = http.get_openssl_verify_result();
    return std::string("the server's TLS certificate is not trusted (") +
           X509_verify_cert_error_string(result) +
           "): give the CA that signed it with --certificate-authority FILE (or "
           "certificate-authority: in the config file)";
  }
  return "TLS handshake failed (is labd serving HTTPS on this port, and does it want a client "
         "certificate?)";
}

api::Status CannotReach(const Options& o, httplib::Client& http, httplib::Error err) {
  const bool tls =
      err == httplib::Error::SSLServerVerification || err == httplib::Error::SSLConnection;
  std::string why = tls ? DescribeTls(http, err) : Describe(err);
  // With TLS 1.3 labd refuses a missing client certificate after the handshake: the request
  // fails to go out or its answer never comes.
  const bool io = err == httplib::Error::Write || err == httplib::Error::Read;
  if (io && o.server.rfind("https://", 0) == 0 && CurrentTlsSettings().client_certificate.empty())
    why += " (if labd runs with --client-ca, give --client-certificate and --client-key)";
  return api::Status::Unavailable("cannot reach labd at " + o.server + ": " + why);
}

// An HTTP client for o.server; for https:// with the CA, verification and client certificate
// of the TLS settings.
httplib::Client MakeHttp(const Options& o) {
  const TlsSettings& tls = CurrentTlsSettings();
  httplib::Client http = tls.client_certificate.empty()
                             ? httplib::Client(o.server)
                             : httplib::Client(o.server, tls.client_certificate, tls.client_key);
  if (!tls.certificate_authority.empty()) http.set_ca_cert_path(tls.certificate_authority);
  http.enable_server_certificate_verification(!tls.insecure_skip_verify);
  return http;
}

// A non-2xx answer as the server's Status object (or the raw body when it is not one).
api::Status StatusFromResponse(int http_code, const std::string& body) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) j = body.empty() ? json("HTTP " + std::to_string(http_code)) : json(body);
  return api::Status::FromJson(http_code, j);
}

json BodyAsJson(const std::string& body) {
  if (body.empty()) return nullptr;
  json j = json::parse(body, nullptr, false);
  return j.is_discarded() ? json(body) : j;
}

// Timeouts, and TCP_NODELAY: httplib writes a request's headers and body in separate writes, so
// with Nagle on every request with a body waits ~40 ms for the server's delayed ACK.
void ApplyTimeouts(httplib::Client& c, std::chrono::milliseconds connect,
                   std::chrono::milliseconds read) {
  c.set_tcp_nodelay(true);
  c.set_connection_timeout(connect);
  c.set_read_timeout(read);
  c.set_write_timeout(connect);
}

// A connection of its own for a long request (watch, streams, uploads), with the client's
// timeouts (reads: `read`) and bearer token.
api::Status SetUpOwnConnection(httplib::Client& http, const Options& o,
                               std::chrono::milliseconds read) {
  if (!http.is_valid()) return api::Status::BadRequest("invalid server URL " + o.server);
  ApplyTimeouts(http, o.timeout, read);
  if (!o.token.empty()) http.set_bearer_token_auth(o.token);
  return api::Status::Ok();
}

// Splits a chunked NDJSON stream into lines.
class LineSplitter {
 public:
  template <class F>
  bool Feed(const char* data, size_t n, F&& on_line) {
    buf_.append(data, n);
    size_t start = 0;
    for (size_t nl; (nl = buf_.find('\n', start)) != std::string::npos; start = nl + 1) {
      std::string line = buf_.substr(start, nl - start);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!on_line(line)) {
        buf_.erase(0, nl + 1);
        return false;
      }
    }
    buf_.erase(0, start);
    return true;
  }

 private:
  std::string buf_;
};

TlsSettings& MutableTlsSettings() {
  static TlsSettings settings;
  return settings;
}

}  // namespace

void SetTlsSettings(TlsSettings settings) { MutableTlsSettings() = std::move(settings); }

const TlsSettings& CurrentTlsSettings() { return MutableTlsSettings(); }

std::string ResourcePath(api::Kind kind, const std::string& name) {
  std::string p = std::string(api::kApiPrefix) + "/" + api::Plural(kind);
  if (!name.empty()) p += "/" + name;
  return p;
}

std::string UrlEncode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

struct Client::Impl {
  explicit Impl(const Options& o) : http(MakeHttp(o)) {
    ApplyTimeouts(http, o.timeout, o.timeout);
    http.set_keep_alive(true);
    if (!o.token.empty()) http.set_bearer_token_auth(o.token);
  }
  httplib::Client http;
};

Client::Client(Options options)
    : options_(std::move(options)), impl_(std::make_unique<Impl>(options_)) {}

Client::~Client() = default;

api::Result<json> Client::Request(const std::string& method, const std::string& path,
                                  const std::string& body, const std::string& content_type) {
  if (!impl_->http.is_valid())
    return api::Status::BadRequest("invalid server URL " + options_.server);
  httplib::Request req;
  req.method = method;
  req.path = path;
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    req.body = body;
    req.set_header("Content-Type", content_type);
  }
  req.set_header("Accept", "application/json");
  auto res = impl_->http.send(req);
  if (!res) return CannotReach(options_, impl_->http, res.error());
  if (!IsSuccess(res->status)) return StatusFromResponse(res->status, res->body);
  return BodyAsJson(res->body);
}

api::Result<json> Client::Get(api::Kind kind, const std::string& name) {
  return Request("GET", ResourcePath(kind, name));
}

api::Result<json> Client::List(api::Kind kind, const std::string& label_selector, int limit) {
  std::string path = ResourcePath(kind);
  std::string sep = "?";
  if (!label_selector.empty()) {
    path += sep + "labelSelector=" + UrlEncode(label_selector);
    sep = "&";
  }
  if (limit > 0) path += sep + "limit=" + std::to_string(limit);
  return Request("GET", path);
}

api::Result<json> Client::Create(api::Kind kind, const json& object) {
  return Request("POST", ResourcePath(kind), object.dump());
}

api::Result<json> Client::Replace(api::Kind kind, const json& object) {
  return Request("PUT", ResourcePath(kind, api::Name(object)), object.dump());
}

api::Result<json> Client::Patch(api::Kind kind, const std::string& name, const json& patch) {
  return Request("PATCH", ResourcePath(kind, name), patch.dump(), "application/merge-patch+json");
}

api::Result<json> Client::ReplaceStatus(api::Kind kind, const json& object) {
  return Request("PUT", ResourcePath(kind, api::Name(object)) + "/status", object.dump());
}

api::Result<json> Client::Delete(api::Kind kind, const std::string& name) {
  return Request("DELETE", ResourcePath(kind, name));
}

api::Result<json> Client::Post(const std::string& path, const json& body) {
  return Request("POST", path, body.is_null() ? "" : body.dump());
}

namespace {

std::string WatchPath(api::Kind kind, const WatchParams& p, int timeout_seconds) {
  std::string path = ResourcePath(kind) + "?watch=1";
  if (!p.resource_version.empty()) path += "&resourceVersion=" + UrlEncode(p.resource_version);
  if (!p.label_selector.empty()) path += "&labelSelector=" + UrlEncode(p.label_selector);
  if (!p.name.empty()) path += "&fieldSelector=" + UrlEncode("metadata.name=" + p.name);
  if (p.bookmarks) path += "&allowWatchBookmarks=1";
  if (timeout_seconds > 0) path += "&timeoutSeconds=" + std::to_string(timeout_seconds);
  return path;
}

// An event for another object than the one asked for (the server may ignore fieldSelector).
bool IsForOtherObject(const json& event, const std::string& name) {
  if (name.empty()) return false;
  std::string type = event.value("type", "");
  if (type != "ADDED" && type != "MODIFIED" && type != "DELETED") return false;
  return api::Name(event.value("object", json::object())) != name;
}

}  // namespace

api::Status Client::Watch(api::Kind kind, const WatchParams& params,
                          const WatchCallback& callback) {
  using Clock = std::chrono::steady_clock;
  // Without a deadline a watch may be quiet for long: bookmarks come about every 60 s.
  auto read_timeout = std::max(options_.timeout, std::chrono::milliseconds(90'000));
  int timeout_seconds = params.timeout_seconds;
  if (params.deadline) {
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(*params.deadline - Clock::now());
    if (left.count() <= 0) return api::Status::Timeout("watch deadline passed");
    read_timeout = std::min(read_timeout, left + std::chrono::milliseconds(200));
    int left_s = static_cast<int>((left.count() + 999) / 1000);
    if (timeout_seconds == 0 || left_s < timeout_seconds) timeout_seconds = left_s;
  }
  httplib::Client http = MakeHttp(options_);
  LABCTL_RETURN_IF_ERROR(SetUpOwnConnection(http, options_, read_timeout));

  int http_status = 0;
  std::string error_body;
  api::Status stream_status;
  LineSplitter lines;
  auto deadline_passed = [&] { return params.deadline && Clock::now() >= *params.deadline; };
  auto on_line = [&](const std::string& line) {
    if (deadline_passed()) {
      stream_status = api::Status::Timeout("watch deadline passed");
      return false;
    }
    if (line.find_first_not_of(" \t") == std::string::npos) return true;  // keep-alive
    json event = json::parse(line, nullptr, false);
    if (event.is_discarded() || !event.is_object()) {
      stream_status = api::Status::Internal("malformed watch event: " + line.substr(0, 200));
      return false;
    }
    if (event.value("type", "") == "ERROR") {
      const json obj = event.value("object", json::object());
      int code = obj.is_object() ? obj.value("code", 500) : 500;
      stream_status = code == 410
                          ? api::Status::Gone(obj.value("message", "too old resource version"))
                          : api::Status::FromJson(code, obj);
      return false;
    }
    if (IsForOtherObject(event, params.name)) return true;
    return callback(event);
  };
  httplib::Headers headers = {{"Accept", "application/x-ndjson"}};
  auto res = http.Get(
      WatchPath(kind, params, timeout_seconds), headers,
      [&](const httplib::Response& r) {
        http_status = r.status;
        return true;
      },
      [&](const char* data, size_t n) {
        if (!IsSuccess(http_status)) {
          error_body.append(data, n);
          return true;
        }
        return lines.Feed(data, n, on_line);
      });
  if (!stream_status.ok()) return stream_status;
  if (http_status != 0 && !IsSuccess(http_status)) {
    if (http_status == 410) return api::Status::Gone(StatusFromResponse(410, error_body).message());
    return StatusFromResponse(http_status, error_body);
  }
  if (!res) {
    if (res.error() == httplib::Error::Canceled) return api::Status::Ok();
    if (deadline_passed()) return api::Status::Timeout("watch deadline passed");
    return CannotReach(options_, http, res.error());
  }
  if (deadline_passed()) return api::Status::Timeout("watch deadline passed");
  return api::Status::Ok();
}

api::Status Client::StreamGet(const std::string& path, const ChunkCallback& callback) {
  return StreamRequest("GET", path, "", callback);
}

api::Status Client::StreamPost(const std::string& path, const json& body,
                               const ChunkCallback& callback) {
  return StreamRequest("POST", path, body.dump(), callback);
}

api::Status Client::StreamUpload(const std::string& path, const std::string& content_type,
                                 const BodyProducer& produce) {
  httplib::Client http = MakeHttp(options_);
  LABCTL_RETURN_IF_ERROR(SetUpOwnConnection(http, options_, options_.timeout));
  http.set_write_timeout(std::chrono::hours(24));
  bool abandoned = false;
  bool write_failed = false;
  auto provider = [&](size_t, httplib::DataSink& sink) {
    bool complete = produce([&](std::string_view piece) {
      if (piece.empty() || sink.write(piece.data(), piece.size())) return true;
      write_failed = true;
      return false;
    });
    if (complete) sink.done();
    abandoned = !complete;
    return complete;
  };
  auto res = http.Post(path, httplib::ContentProviderWithoutLength(provider), content_type);
  if (res && !IsSuccess(res->status)) return StatusFromResponse(res->status, res->body);
  // The server stopped reading before the body was complete (the exec ended, or it refused the
  // request and closed before its answer could be read).
  if (write_failed) return api::Status::Unavailable("labd stopped reading the upload");
  if (abandoned) return api::Status::Ok();
  if (!res) return CannotReach(options_, http, res.error());
  return api::Status::Ok();
}

api::Status Client::StreamRequest(const std::string& method, const std::string& path,
                                  const std::string& body, const ChunkCallback& callback) {
  httplib::Client http = MakeHttp(options_);
  LABCTL_RETURN_IF_ERROR(SetUpOwnConnection(
      http, options_, std::max(options_.timeout, std::chrono::milliseconds(300000))));
  int http_status = 0;
  std::string error_body;
  httplib::Request req;
  req.method = method;
  req.path = path;
  if (method != "GET") {
    req.body = body;
    req.set_header("Content-Type", "application/json");
  }
  req.response_handler = [&](const httplib::Response& r) {
    http_status = r.status;
    return true;
  };
  req.content_receiver = [&](const char* data, size_t n, uint64_t, uint64_t) {
    if (!IsSuccess(http_status)) {
      error_body.append(data, n);
      return true;
    }
    return callback(std::string_view(data, n));
  };
  auto res = http.send(req);
  if (http_status != 0 && !IsSuccess(http_status))
    return StatusFromResponse(http_status, error_body);
  if (!res) {
    if (res.error() == httplib::Error::Canceled) return api::Status::Ok();
    return CannotReach(options_, http, res.error());
  }
  return api::Status::Ok();
}

}  // namespace labctl::client
