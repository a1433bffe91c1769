#include "controller/labd/labd_flags.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <functional>
#include <map>
#include <vector>

#include "api/duration.h"
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

Status SetString(std::string LabdFlags::*field, const std::string& v, LabdFlags& f) {
  f.*field = v;
  return Status();
}

template <class Int>
Status SetInt(const char* flag, Int LabdFlags::*field, Int min, const std::string& v,
              LabdFlags& f) {
  auto n = ParseInt<Int>(flag, v, min);
  LABCTL_RETURN_IF_ERROR(n);
  f.*field = *n;
  return Status();
}

Status SetBool(const char* flag, bool LabdFlags::*field, const std::string& v, LabdFlags& f) {
  if (v != "true" && v != "false") return Status::BadRequest(std::string(flag) + ": true|false");
  f.*field = v == "true";
  return Status();
}

// A positive duration in the grammar labctl uses too (api/duration.h).
Status SetDuration(const char* flag, std::chrono::milliseconds LabdFlags::*field,
                   const std::string& v, LabdFlags& f) {
  auto d = api::ParseDuration(v);
  if (!d.ok()) return Status::BadRequest(std::string(flag) + ": " + d.status().message());
  if (d->count() <= 0) return Status::BadRequest(std::string(flag) + " must be positive");
  f.*field = *d;
  return Status();
}

// One flag that takes a value: its name, the value's name and help for --help, and the setter
// that checks the value and stores it (BadRequest naming the flag if it does not fit).
struct ValueFlag {
  const char* name;
  const char* value_name;
  const char* help;
  std::function<Status(const std::string& value, LabdFlags& f)> set;
};

const std::vector<ValueFlag>& ValueFlags() {
  static const std::vector<ValueFlag> flags = {
      {"--listen", "HOST:PORT",
       "address to serve the API on (default 127.0.0.1:7450); other than loopback only with TLS "
       "and authentication (--tls-cert, --tls-key, --tokens or --client-ca)",
       ParseListen},
      {"--data-dir", "DIR",
       "SQLite store and lock (default ~/.local/state/labctl, /var/lib/labctl as root)",
       [](const std::string& v, LabdFlags& f) { return SetString(&LabdFlags::data_dir, v, f); }},
      {"--docker-host", "URL", "Docker engine (default unix:///var/run/docker.sock)",
       [](const std::string& v, LabdFlags& f) { return SetString(&LabdFlags::docker_host, v, f); }},
      {"--slots", "N", "sessions Active at once (default 1)",
       [](const std::string& v, LabdFlags& f) {
         return SetInt<int>("--slots", &LabdFlags::slots, 1, v, f);
       }},
      {"--tokens", "FILE", "bearer tokens, lines \"token,user[,group...][,grant=value...]\"",
       [](const std::string& v, LabdFlags& f) { return SetString(&LabdFlags::tokens_file, v, f); }},
      {"--tls-cert", "FILE",
       "serve HTTPS with this PEM certificate chain (needs --tls-key); off loopback labd requires "
       "TLS and --tokens or --client-ca",
       [](const std::string& v, LabdFlags& f) { return SetString(&LabdFlags::tls_cert, v, f); }},
      {"--tls-key", "FILE", "the PEM private key of --tls-cert",
       [](const std::string& v, LabdFlags& f) { return SetString(&LabdFlags::tls_key, v, f); }},
      {"--client-ca", "FILE", "require client certificates signed by this PEM CA (mutual TLS)",
       [](const std::string& v, LabdFlags& f) { return SetString(&LabdFlags::client_ca, v, f); }},
      {"--log-level", "LEVEL", "trace|debug|info|warn|error|off (default info); logs go to stderr",
       [](const std::string& v, LabdFlags& f) {
         static const char* kLevels[] = {"trace", "debug", "info", "warn", "error", "off"};
         for (const char* l : kLevels)
           if (v == l) return f.log_level = v, Status();
         return Status::BadRequest("--log-level: want trace|debug|info|warn|error|off");
       }},
      {"--history-limit", "N", "changes kept for watch resumption (default 100000)",
       [](const std::string& v, LabdFlags& f) {
         return SetInt<size_t>("--history-limit", &LabdFlags::history_limit, 1, v, f);
       }},
      {"--history-bytes", "SIZE",
       "memory those changes may hold, e.g. 64Mi, 1Gi (default 64Mi); older changes are dropped "
       "first and a watch from before them gets 410",
       [](const std::string& v, LabdFlags& f) {
         auto n = ParseByteSize("--history-bytes", v);
         LABCTL_RETURN_IF_ERROR(n);
         if (*n < 1024) return Status::BadRequest("--history-bytes: want at least 1Ki");
         f.history_bytes = *n;
         return Status();
       }},
      {"--bookmark-interval", "D", "watch bookmark period, e.g. 60s, 1s, 500ms (default 60s)",
       [](const std::string& v, LabdFlags& f) {
         return SetDuration("--bookmark-interval", &LabdFlags::bookmark_interval, v, f);
       }},
      {"--max-watchers", "N", "watch streams held at once (default 1024); more get 429",
       [](const std::string& v, LabdFlags& f) {
         return SetInt<int>("--max-watchers", &LabdFlags::max_watchers, 1, v, f);
       }},
      {"--max-streams", "N",
       "long-running requests at once: exec, logs, capture, reset, facade bring-up (default 64); "
       "more get 429",
       [](const std::string& v, LabdFlags& f) {
         return SetInt<int>("--max-streams", &LabdFlags::max_streams, 1, v, f);
       }},
      {"--max-connections", "N",
       "client connections open at once (default 10000, or 256 below the fd limit); at the limit "
       "the idle or slowest one is closed",
       [](const std::string& v, LabdFlags& f) {
         return SetInt<size_t>("--max-connections", &LabdFlags::max_connections, 1, v, f);
       }},
      {"--max-client-connections", "N",
       "connections from one client address (default 2048); more get 429",
       [](const std::string& v, LabdFlags& f) {
         return SetInt<size_t>("--max-client-connections", &LabdFlags::max_client_connections, 1, v,
                               f);
       }},
      {"--request-timeout", "D",
       "a request's head and body must arrive within D (default 30s; 408)",
       [](const std::string& v, LabdFlags& f) {
         return SetDuration("--request-timeout", &LabdFlags::request_timeout, v, f);
       }},
      {"--idle-timeout", "D", "keep-alive connections idle longer are closed (default 30s)",
       [](const std::string& v, LabdFlags& f) {
         return SetDuration("--idle-timeout", &LabdFlags::idle_timeout, v, f);
       }},
      {"--sync", "FULL|NORMAL", "SQLite synchronous mode (default NORMAL)",
       [](const std::string& v, LabdFlags& f) {
         if (v != "FULL" && v != "NORMAL") return Status::BadRequest("--sync: want FULL|NORMAL");
         f.synchronous = v;
         return Status();
       }},
      {"--instance", "NAME",
       "names this labd on the Docker engine: stamped on every container and network it creates "
       "(label dev.labctl.instance); labds sharing an engine touch only their own objects "
       "(default: derived from the data directory's absolute path)",
       [](const std::string& v, LabdFlags& f) {
         if (!api::IsLabelValue(v) || v.empty())
           return Status::BadRequest(
               "--instance: want 1-63 characters of [A-Za-z0-9-_.], starting and ending with a "
               "letter or digit");
         return SetString(&LabdFlags::instance, v, f);
       }},
      {"--netlab", "PATH",
       "the netlab program that runs Labs of provider netlab (default: netlab on PATH)",
       [](const std::string& v, LabdFlags& f) {
         if (v.empty()) return Status::BadRequest("--netlab: want a program name or path");
         return SetString(&LabdFlags::netlab, v, f);
       }},
      {"--netlab-home", "DIR",
       "HOME for netlab, where its lab status file .netlab/status.yaml lives (default: labd's)",
       [](const std::string& v, LabdFlags& f) { return SetString(&LabdFlags::netlab_home, v, f); }},
      {"--orphan-lab-prefix", "P",
       "remove orphaned Docker objects only of labs named P* (for tests sharing one dockerd; "
       "default: every lab of this instance)",
       [](const std::string& v, LabdFlags& f) {
         return SetString(&LabdFlags::orphan_lab_prefix, v, f);
       }},
      {"--neops-facade", "BOOL", "serve the Neops Remote Lab API at / (default true)",
       [](const std::string& v, LabdFlags& f) {
         return SetBool("--neops-facade", &LabdFlags::neops_facade, v, f);
       }},
      {"--lab-controller", "BOOL",
       "run the Lab controller (default true; false: API and sessions only, labs are never "
       "realised)",
       [](const std::string& v, LabdFlags& f) {
         return SetBool("--lab-controller", &LabdFlags::lab_controller, v, f);
       }},
  };
  return flags;
}

// labd's command line as a CLI11 app writing into `f`. A setter's error is thrown as a
// ValidationError carrying its message (CLI11 reports errors by exception; ParseLabdFlags turns
// them back into a Status).
void DescribeFlags(CLI::App& app, LabdFlags& f) {
  app.set_help_flag();  // -h/--help is an ordinary flag here: main prints LabdUsage()
  app.allow_extras();   // reported by ParseLabdFlags in labd's words
  app.add_flag("-h,--help", f.help, "print this help and exit");
  app.add_flag("--version", f.version, "print the version and exit");
  for (const ValueFlag& flag : ValueFlags()) {
    app.add_option(
           flag.name,
           [&f, &flag](const CLI::results_t& values) {
             for (const std::string& v : values)
               if (Status st = flag.set(v, f); !st.ok()) throw CLI::ValidationError(st.message());
             return true;
           },
           flag.help)
        ->type_name(flag.value_name)
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  }
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

std::string DefaultDataDir() {
  if (geteuid() == 0) return "/var/lib/labctl";
  if (const char* state = std::getenv("XDG_STATE_HOME"); state && *state)
    return std::string(state) + "/labctl";
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : ".") + "/.local/state/labctl";
}

api::Result<LabdFlags> ParseLabdFlags(const std::vector<std::string>& args) {
  LabdFlags flags;
  CLI::App app("labd: the labctl controller daemon", "labd");
  DescribeFlags(app, flags);
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 takes them reversed
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    return Status::BadRequest(e.what());
  }
  for (const std::string& extra : app.remaining())
    return Status::BadRequest((extra.starts_with("-") ? "unknown flag " : "unexpected argument ") +
                              extra);
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
  LabdFlags unused;
  CLI::App app("labd: the labctl controller daemon", "labd");
  DescribeFlags(app, unused);
  app.get_formatter()->column_width(28);
  return app.help();
}

}  // namespace labctl::server
