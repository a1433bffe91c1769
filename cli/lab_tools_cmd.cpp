// labctl capture lab/NAME NODE [--iface IF] [--filter BPF] [--duration S] [--count N] -w FILE
//   streams a pcap from labd (tcpdump on the lab host, inside the node's network namespace)
//   into FILE ("-": stdout).
// labctl lab collect NAME -d DIR
//   gathers CI artifacts: DIR/lab.yaml (spec and status), DIR/events.yaml (the lab's events),
//   DIR/nodes/NODE/logs.txt and DIR/nodes/NODE/inspect.json (container + network state).
#include <filesystem>
#include <fstream>
#include <iostream>

#include "api/yaml.h"
#include "cli/cli_common.h"
#include "cli/flags.h"
#include "cli/lab_tools.h"
#include "cli/util/printers.h"

namespace labctl::cli {
namespace {

using api::json;

constexpr char kCaptureUsage[] =
    "Usage: labctl capture lab/NAME NODE [--iface IF] [--filter BPF] [--duration S] [--count N]"
    " -w FILE.pcap\n";

bool WriteText(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return static_cast<bool>(out.flush());
}

}  // namespace

int RunCapture(const CliContext& ctx, const std::vector<std::string>& args) {
  Flags flags({{"iface", 'i', true, "interface inside the node (default eth0; \"any\" for all)"},
               {"filter", 'f', true, "a BPF filter expression, e.g. \"icmp or udp port 3478\""},
               {"duration", 0, true,
                "stop after S seconds (default 10; 0: until interrupted, at most 1 h)"},
               {"count", 'c', true, "stop after N packets"},
               {"write", 'w', true, "the pcap file to write (\"-\": stdout)"}});
  const std::string usage = flags.Help(kCaptureUsage);
  if (auto exit = flags.ParseOrExit(args, usage)) return *exit;
  if (flags.positional().size() != 2) return UsageError("capture needs lab/NAME NODE", usage);
  if (!flags.Has("write")) return UsageError("capture needs -w FILE", usage);
  auto lab = LabName(flags.positional()[0]);
  if (!lab.ok()) return UsageError(lab.status().message(), usage);
  const std::string duration = flags.Get("duration", "10");
  if (duration.empty() || duration.find_first_not_of("0123456789") != std::string::npos)
    return UsageError("--duration must be whole seconds", usage);
  std::string path = LabPath(*lab, "capture") +
                     "?node=" + client::UrlEncode(flags.positional()[1]) + "&seconds=" + duration;
  if (flags.Has("iface")) path += "&iface=" + client::UrlEncode(flags.Get("iface"));
  if (flags.Has("filter")) path += "&filter=" + client::UrlEncode(flags.Get("filter"));
  if (flags.Has("count")) path += "&count=" + client::UrlEncode(flags.Get("count"));

  const std::string file = flags.Get("write");
  std::ofstream out_file;
  std::ostream* out = &std::cout;
  if (file != "-") {
    out_file.open(file, std::ios::binary | std::ios::trunc);
    if (!out_file) {
      std::cerr << "error: cannot write " << file << "\n";
      return kExitError;
    }
    out = &out_file;
  }
  client::Options o = ctx.options;
  // No packets for a while is normal: read for as long as the capture may last.
  int seconds = std::atoi(duration.c_str());
  o.timeout = seconds == 0 ? std::chrono::hours(2)
                           : std::chrono::milliseconds(std::chrono::seconds(seconds + 30));
  client::Client client(o);
  size_t bytes = 0;
  auto st = client.StreamGet(path, [&](std::string_view chunk) {
    out->write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    out->flush();
    bytes += chunk.size();
    return static_cast<bool>(*out);
  });
  if (!st.ok()) {
    PrintError(st, ObjectRef(api::Kind::kLab, *lab));
    return kExitError;
  }
  if (file != "-") std::cerr << "wrote " << bytes << " bytes of pcap to " << file << "\n";
  return kExitOk;
}

int CollectLab(const CliContext& ctx, const std::string& lab, const std::string& dir) {
  namespace fs = std::filesystem;
  auto client = ctx.NewClient();
  auto object = client->Get(api::Kind::kLab, lab);
  if (!object.ok()) {
    PrintError(object.status(), ObjectRef(api::Kind::kLab, lab));
    return kExitError;
  }
  std::error_code ec;
  fs::create_directories(fs::path(dir) / "nodes", ec);
  if (ec) {
    std::cerr << "error: cannot create " << dir << ": " << ec.message() << "\n";
    return kExitError;
  }
  int problems = 0;
  auto note = [&](const std::string& what, const api::Status& st) {
    ++problems;
    std::cerr << "warning: " << what << ": " << st.message() << "\n";
  };
  if (!WriteText(fs::path(dir) / "lab.yaml", api::ToYaml(*object)))
    note("lab.yaml", api::Status::Internal("cannot write"));

  auto events = client->List(api::Kind::kEvent);
  json mine = json::array();
  if (events.ok()) {
    for (const auto& e : events->value("items", json::array())) {
      const json involved = e.value("involvedObject", json::object());
      if (involved.value("kind", "") == "Lab" && involved.value("name", "") == lab)
        mine.push_back(e);
    }
    WriteText(fs::path(dir) / "events.yaml", api::ToYaml(mine));
  } else {
    note("events", events.status());
  }

  int nodes = 0;
  for (const auto& node : LabNodes(*object)) {
    const std::string name = node.is_object() ? node.value("name", "") : "";
    if (name.empty()) continue;
    ++nodes;
    fs::path node_dir = fs::path(dir) / "nodes" / name;
    fs::create_directories(node_dir, ec);
    const std::string q = "?node=" + client::UrlEncode(name);
    auto logs = client->Request("GET", LabPath(lab, "logs") + q);
    if (logs.ok())
      WriteText(node_dir / "logs.txt", logs->is_string() ? logs->get<std::string>()
                                                         : (logs->is_null() ? "" : logs->dump()));
    else
      note(name + " logs", logs.status());
    auto inspect = client->Request("GET", LabPath(lab, "inspect") + q);
    if (inspect.ok())
      WriteText(node_dir / "inspect.json", inspect->dump(2) + "\n");
    else
      note(name + " inspect", inspect.status());
  }
  std::cout << ObjectRef(api::Kind::kLab, lab) << ": collected " << nodes << " nodes and "
            << mine.size() << " events into " << dir;
  if (problems > 0) std::cout << " (" << problems << " items missing, see warnings)";
  std::cout << std::endl;
  return kExitOk;
}

}  // namespace labctl::cli
