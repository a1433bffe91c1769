#include "controller/labd/labd_flags.h"

#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <functional>
#include <map>

#include "api/labels.h"
#include "controller/server/auth.h"

namespace labctl::server {
namespace {

using api::Status;

template <class Int>
api::Result<Int> ParseInt(const std::string& flag, const std::string& text, Int min) {
  Int value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < min) {
    return Status::BadRequest(flag + ": want an integer >= " + std::to_string(min) + ", got \"" +
                              text + "\"");
  }
  return value;
}

Status ParseListen(const std::string& text, LabdFlags& f) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos) return Status::BadRequest("--listen: want HOST:PORT");
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  auto port = ParseInt<int>("--listen", text.substr(colon + 1), 0);
  LABCTL_RETURN_IF_ERROR(port);
  if (*port > 65535) return Status::BadRequest("--listen: port out of range");
  f.listen_host = host.empty() ? "0.0.0.0" : host;
  f.listen_port = *port;
  return Status::Ok();
}

using Setter = std::function<Status(const std::string& value, LabdFlags& f)>;

const std::map<std::string, Setter>& ValueFlags() {
  static const std::map<std::string, Setter> flags = {
      {"--listen", ParseListen},
      {"--data-dir",
       [](const std::string& v, LabdFlags& f) {
         f.data_dir = v;
         return Status();
       }},
      {"--docker-host",
       [](const std::string& v, LabdFlags& f) {
         f.docker_host = v;
         return Status();
       }},
      {"--tokens",
       [](const std::string& v, LabdFlags& f) {
         f.tokens_file = v;
         return Status();
       }},
      {"--tls-cert",
       [](const std::string& v, LabdFlags& f) {
         f.tls_cert = v;
         return Status();
       }},
      {"--tls-key",
       [](const std::string& v, LabdFlags& f) {
         f.tls_key = v;
         return Status();
       }},
      {"--client-ca",
       [](const std::string& v, LabdFlags& f) {
         f.client_ca = v;
         return Status();
       }},
      {"--log-level",
       [](const std::string& v, LabdFlags& f) {
         static const char* kLevels[] = {"trace", "debug", "info", "warn", "error", "off"};
         for (const char* l : kLevels)
           if (v == l) return f.log_level = v, Status();
         return Status::BadRequest("--log-level: want trace|debug|info|warn|error|off");
       }},
      {"--slots",
       [](const std::string& v, LabdFlags& f) {
         auto n = ParseInt<int>("--slots", v, 1);
         LABCTL_RETURN_IF_ERROR(n);
         f.slots = *n;
         return Status();
       }},
      {"--history-limit",
       [](const std::string& v, LabdFlags& f) {
         auto n = ParseInt<size_t>("--history-limit", v, 1);
         LABCTL_RETURN_IF_ERROR(n);
         f.history_limit = *n;
         return Status();
       }},
      {"--history-bytes",
       [](const std::string& v, LabdFlags& f) {
         auto n = ParseByteSize("--history-bytes", v);
         LABCTL_RETURN_IF_ERROR(n);
         if (*n < 1024) return Status::BadRequest("--history-bytes: want at least 1Ki");
         f.history_bytes = *n;
         return Status();
       }},
      {"--max-watchers",
       [](const std::string& v, LabdFlags& f) {
         auto n = ParseInt<int>("--max-watchers", v, 1);
         LABCTL_RETURN_IF_ERROR(n);
         f.max_watchers = *n;
         return Status();
       }},
      {"--max-connections",
       [](const std::string& v, LabdFlags& f) {
         auto n = ParseInt<size_t>("--max-connections", v, 1);
         LABCTL_RETURN_IF_ERROR(n);
         f.max_connections = *n;
         return Status();
       }},
      {"--max-client-connections",
       [](const std::string& v, LabdFlags& f) {
         auto n = ParseInt<size_t>("--max-client-connections", v, 1);
         LABCTL_RETURN_IF_ERROR(n);
         f.max_client_connections = *n;
         return Status();
       }},
      {"--max-streams",
       [](const std::string& v, LabdFlags& f) {
         auto n = ParseInt<int>("--max-streams", v, 1);
         LABCTL_RETURN_IF_ERROR(n);
         f.max_streams = *n;
         return Status();
       }},
      {"--request-timeout",
       [](const std::string& v, LabdFlags& f) {
         auto d = ParseDuration(v);
         LABCTL_RETURN_IF_ERROR(d);
         if (d->count() <= 0) return Status::BadRequest("--request-timeout must be positive");
         f.request_timeout = *d;
         return Status();
       }},
      {"--idle-timeout",
       [](const std::string& v, LabdFlags& f) {
         auto d = ParseDuration(v);
         LABCTL_RETURN_IF_ERROR(d);
         if (d->count() <= 0) return Status::BadRequest("--idle-timeout must be positive");
         f.idle_timeout = *d;
         return Status();
       }},
      {"--bookmark-interval",
       [](const std::string& v, LabdFlags& f) {
         auto d = ParseDuration(v);
         LABCTL_RETURN_IF_ERROR(d);
         if (d->count() <= 0) return Status::BadRequest("--bookmark-interval must be positive");
         f.bookmark_interval = *d;
         return Status();
       }},
      {"--instance",
       [](const std::string& v, LabdFlags& f) {
         if (!api::IsLabelValue(v) || v.empty())
           return Status::BadRequest(
               "--instance: want 1-63 characters of [A-Za-z0-9-_.], starting and ending with a "
               "letter or digit");
         f.instance = v;
         return Status();
       }},
      {"--orphan-lab-prefix",
       [](const std::string& v, LabdFlags& f) {
         f.orphan_lab_prefix = v;
         return Status();
       }},
      {"--neops-facade",
       [](const std::string& v, LabdFlags& f) {
         if (v != "true" && v != "false") return Status::BadRequest("--neops-facade: true|false");
         f.neops_facade = v == "true";
         return Status();
       }},
      {"--lab-controller",
       [](const std::string& v, LabdFlags& f) {
         if (v != "true" && v != "false") return Status::BadRequest("--lab-controller: true|false");
         f.lab_controller = v == "true";
         return Status();
       }},
      {"--sync",
       [](const std::string& v, LabdFlags& f) {
         if (v != "FULL" && v != "NORMAL") return Status::BadRequest("--sync: want FULL|NORMAL");
         f.synchronous = v;
         return Status();
       }},
  };
  return flags;
}

}  // namespace

api::Result<size_t> ParseByteSize(const std::string& flag, const std::string& text) {
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  static const std::map<std::string, int> kShift = {{"", 0}, {"Ki", 10}, {"Mi", 20}, {"Gi", 30}};
  auto unit = kShift.find(text.substr(digits));
  auto number = ParseInt<size_t>(flag, text.substr(0, digits), 0);
  if (unit == kShift.end() || !number.ok() || *number > (SIZE_MAX >> unit->second))
    return Status::BadRequest(flag + ": want a size like 67108864 or 64Mi, got \"" + text + "\"");
  return *number << unit->second;
}

api::Result<std::chrono::milliseconds> ParseDuration(const std::string& text) {
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  auto number = ParseInt<int64_t>("duration", text.substr(0, digits), 0);
  if (!number.ok()) return Status::BadRequest("bad duration \"" + text + "\"");
  std::string unit = text.substr(digits);
  static const std::map<std::string, int64_t> kMillis = {
      {"", 1000}, {"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}};
  auto it = kMillis.find(unit);
  if (it == kMillis.end()) return Status::BadRequest("bad duration unit in \"" + text + "\"");
  return std::chrono::milliseconds(*number * it->second);
}

std::string DefaultDataDir() {
  if (geteuid() == 0) return "/var/lib/labctl";
  if (const char* state = std::getenv("XDG_STATE_HOME"); state && *state)
    return std::string(state) + "/labctl";
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : ".") + "/.local/state/labctl";
}

api::Result<LabdFlags> ParseLabdFlags(const std::vector<std::string>& args) {
  LabdFlags flags;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string name = args[i];
    std::string value;
    bool has_value = false;
    if (size_t eq = name.find('='); name.starts_with("--") && eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    if (name == "--help" || name == "-h") {
      flags.help = true;
      continue;
    }
    if (name == "--version") {
      flags.version = true;
      continue;
    }
    auto it = ValueFlags().find(name);
    if (it == ValueFlags().end()) return Status::BadRequest("unknown flag " + name);
    if (!has_value) {
      if (i + 1 >= args.size()) return Status::BadRequest(name + " needs a value");
      value = args[++i];
    }
    LABCTL_RETURN_IF_ERROR(it->second(value, flags));
  }
  if (flags.data_dir.empty()) flags.data_dir = DefaultDataDir();
  LABCTL_RETURN_IF_ERROR(CheckListenSecurity(flags));
  return flags;
}

// Tokens or client certificates would cross the network in clear text without TLS, and without
// them anyone who reaches the port is admin with every host grant.
Status CheckListenSecurity(const LabdFlags& f) {
  if (f.tls_cert.empty() != f.tls_key.empty())
    return Status::BadRequest("--tls-cert and --tls-key go together");
  if (!f.client_ca.empty() && f.tls_cert.empty())
    return Status::BadRequest("--client-ca needs --tls-cert and --tls-key");
  if (IsLoopbackHost(f.listen_host)) return Status::Ok();
  if (f.tls_cert.empty())
    return Status::BadRequest(
        "refusing to listen on " + f.listen_host +
        " without TLS: off loopback labd needs --tls-cert and --tls-key (and --tokens or "
        "--client-ca), or listen on 127.0.0.1 behind a TLS-terminating proxy");
  if (f.tokens_file.empty() && f.client_ca.empty())
    return Status::BadRequest("refusing to listen on " + f.listen_host +
                              " without authentication: give --tokens or --client-ca");
  return Status::Ok();
}

std::string LabdUsage() {
  return R"(usage: labd [flags]

  --listen HOST:PORT        address to serve the API on (default 127.0.0.1:7450); other than
                            loopback only with TLS and authentication (below)
  --data-dir DIR            SQLite store and lock (default ~/.local/state/labctl,
                            /var/lib/labctl as root)
  --docker-host URL         Docker engine (default unix:///var/run/docker.sock)
  --slots N                 sessions Active at once (default 1)
  --tokens FILE             bearer tokens, lines "token,user[,group...][,grant=value...]"
  --tls-cert FILE           serve HTTPS with this PEM certificate chain (needs --tls-key);
                            off loopback labd requires TLS and --tokens or --client-ca
  --tls-key FILE            the PEM private key of --tls-cert
  --client-ca FILE          require client certificates signed by this PEM CA (mutual TLS)
  --log-level LEVEL         trace|debug|info|warn|error|off (default info); logs go to stderr
  --history-limit N         changes kept for watch resumption (default 100000)
  --history-bytes SIZE      memory those changes may hold, e.g. 64Mi, 1Gi (default 64Mi); older
                            changes are dropped first and a watch from before them gets 410
  --bookmark-interval D     watch bookmark period, e.g. 60s, 1s, 500ms (default 60s)
  --max-watchers N          watch streams held at once (default 1024); more get 429
  --max-streams N           long-running requests at once: exec, logs, capture, reset, facade
                            bring-up (default 64); more get 429
  --max-connections N       client connections open at once (default 10000, or 256 below the
                            fd limit); at the limit the idle or slowest one is closed
  --max-client-connections N  connections from one client address (default 2048); more get 429
  --request-timeout D       a request's head and body must arrive within D (default 30s; 408)
  --idle-timeout D          keep-alive connections idle longer are closed (default 30s)
  --sync FULL|NORMAL        SQLite synchronous mode (default NORMAL)
  --instance NAME           names this labd on the Docker engine: stamped on every container
                            and network it creates (label dev.labctl.instance); labds sharing
                            an engine touch only their own objects (default: derived from the
                            data directory's absolute path)
  --orphan-lab-prefix P     remove orphaned Docker objects only of labs named P* (for tests
                            sharing one dockerd; default: every lab of this instance)
  --neops-facade BOOL       serve the Neops Remote Lab API at / (default true)
  --lab-controller BOOL     run the Lab controller (default true; false: API and sessions only)
  --version                 print the version and exit
)";
}

}  // namespace labctl::server
