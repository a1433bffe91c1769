#include "cli/cli_common.h"

#include <algorithm>
#include <cctype>
#include <iostream>

#include "cli/commands.h"
#include "client/client.h"

namespace labctl::cli {

std::string KindLower(api::Kind kind) {
  std::string k = api::KindName(kind);
  std::transform(k.begin(), k.end(), k.begin(), [](unsigned char c) { return std::tolower(c); });
  return k;
}

std::string ObjectRef(api::Kind kind, const std::string& name) {
  return KindLower(kind) + "/" + name;
}

std::string FormatError(const api::Status& status, const std::string& ref) {
  std::string prefix = "error: " + (ref.empty() ? "" : ref + ": ");
  if (status.causes().empty()) return prefix + status.message() + "\n";
  std::string out;
  for (const auto& c : status.causes())
    out += prefix + (c.field.empty() ? "" : c.field + ": ") + c.message + "\n";
  return out;
}

void PrintError(const api::Status& status, const std::string& ref) {
  std::cerr << FormatError(status, ref);
}

int UsageError(const std::string& message, const std::string& usage) {
  std::cerr << "error: " << message << "\n\n" << usage;
  return kExitUsage;
}

api::Result<api::Kind> ParseKindArg(const std::string& text) {
  auto kind = api::ParseKind(text);
  if (!kind)
    return api::Status::BadRequest("unknown resource type \"" + text +
                                   "\" (use labs, sessions, events or hosts)");
  return *kind;
}

api::Result<KindAndName> ParseKindAndName(const std::vector<std::string>& args, size_t& i) {
  if (i >= args.size()) return api::Status::BadRequest("missing KIND/NAME");
  const std::string& a = args[i];
  if (auto slash = a.find('/'); slash != std::string::npos) {
    auto kind = ParseKindArg(a.substr(0, slash));
    if (!kind.ok()) return kind.status();
    ++i;
    return KindAndName{*kind, a.substr(slash + 1)};
  }
  auto kind = ParseKindArg(a);
  if (!kind.ok()) return kind.status();
  ++i;
  std::string name;
  if (i < args.size()) name = args[i++];
  return KindAndName{*kind, name};
}

std::string LabPath(const std::string& lab, const std::string& sub) {
  return client::ResourcePath(api::Kind::kLab, lab) + "/" + sub;
}

api::Result<std::string> LabName(const std::string& arg) {
  if (arg.rfind("lab/", 0) == 0) return arg.substr(4);
  if (arg.rfind("labs/", 0) == 0) return arg.substr(5);
  if (arg.find('/') != std::string::npos) return api::Status::BadRequest("expected lab/NAME");
  return arg;
}

}  // namespace labctl::cli
