#include "api/node_field_validation.h"

#include <cctype>

#include "api/ip.h"

namespace labctl::api {

namespace {

void ValidateEnv(const json& env, const std::string& path, FieldErrors& errs) {
  ExpectStringMap(env, path, errs);
  if (!env.is_object()) return;
  for (auto it = env.begin(); it != env.end(); ++it)
    if (it.key().empty() || it.key().find('=') != std::string::npos ||
        it.key().find('\0') != std::string::npos)
      errs.Add(Key(path, it.key()), "environment variable names must be non-empty without '='");
}

void ValidateCapAdd(const json& caps, const std::string& path, FieldErrors& errs) {
  if (!ExpectStringArray(caps, path, errs)) return;
  for (size_t i = 0; i < caps.size(); ++i) {
    std::string name = caps[i].get<std::string>();
    if (name.rfind("CAP_", 0) == 0) name = name.substr(4);
    bool ok = !name.empty();
    for (char c : name) ok = ok && (std::isupper(static_cast<unsigned char>(c)) || c == '_');
    if (!ok)
      errs.Add(At(path, i), Show(caps[i]) +
                                " is not a capability name (upper case, like NET_ADMIN or "
                                "CAP_NET_ADMIN)");
  }
}

void ValidateSysctls(const json& sysctls, const std::string& path, FieldErrors& errs) {
  ExpectStringMap(sysctls, path, errs);
  if (!sysctls.is_object()) return;
  for (auto it = sysctls.begin(); it != sysctls.end(); ++it) {
    bool ok = !it.key().empty() && it.key().front() != '.' && it.key().back() != '.';
    for (char c : it.key())
      ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' ||
                  c == '/');
    if (!ok) errs.Add(Key(path, it.key()), "not a sysctl name (like net.ipv4.ip_forward)");
  }
}

// "host:container[:ro|rw]" with an absolute container path.
void ValidateBinds(const json& binds, const std::string& path, FieldErrors& errs) {
  if (!ExpectStringArray(binds, path, errs)) return;
  for (size_t i = 0; i < binds.size(); ++i) {
    const std::string& b = binds[i].get_ref<const std::string&>();
    std::vector<std::string> parts;
    size_t start = 0;
    while (true) {
      size_t colon = b.find(':', start);
      parts.push_back(b.substr(start, colon == std::string::npos ? colon : colon - start));
      if (colon == std::string::npos) break;
      start = colon + 1;
    }
    bool ok = (parts.size() == 2 || parts.size() == 3) && !parts[0].empty() && !parts[1].empty() &&
              parts[1].front() == '/' &&
              (parts.size() == 2 || parts[2] == "ro" || parts[2] == "rw");
    if (!ok)
      errs.Add(At(path, i), Show(binds[i]) +
                                " must be \"host:container[:ro|rw]\" with an absolute container "
                                "path");
  }
}

void ValidateReadiness(const json& r, const std::string& path, FieldErrors& errs) {
  if (!ExpectObject(r, path, errs)) return;
  RejectUnknownFields(r, path, {"exec", "periodSeconds", "timeoutSeconds"}, errs);
  const json* exec = Find(r, "exec");
  if (!exec)
    errs.Add(Child(path, "exec"), "required");
  else if (ExpectStringArray(*exec, Child(path, "exec"), errs) &&
           (exec->empty() || (*exec)[0].get_ref<const std::string&>().empty()))
    errs.Add(Child(path, "exec"), "must name a command");
  if (const json* p = Find(r, "periodSeconds"))
    ExpectInteger(*p, Child(path, "periodSeconds"), 1, 86400, errs);
  if (const json* p = Find(r, "timeoutSeconds"))
    ExpectInteger(*p, Child(path, "timeoutSeconds"), 1, 86400, errs);
}

void ValidateRoutes(const json& routes, const std::string& path, FieldErrors& errs) {
  if (!ExpectArray(routes, path, errs)) return;
  for (size_t i = 0; i < routes.size(); ++i) {
    std::string rpath = At(path, i);
    const json& route = routes[i];
    if (!ExpectObject(route, rpath, errs)) continue;
    RejectUnknownFields(route, rpath, {"to", "via"}, errs);
    std::optional<Cidr> to;
    const json* p = Find(route, "to");
    if (!p) {
      errs.Add(Child(rpath, "to"), "required");
    } else if (ExpectString(*p, Child(rpath, "to"), errs)) {
      to = ParseCidr(p->get<std::string>());
      if (!to)
        errs.Add(Child(rpath, "to"), Show(*p) + " is not a CIDR (like 10.2.0.0/16 or fd00:2::/64)");
      else if (!to->IsNetworkCidr())
        errs.Add(Child(rpath, "to"),
                 Show(*p) + " has host bits set; did you mean " + to->NetworkString() + "?");
    }
    p = Find(route, "via");
    if (!p) {
      errs.Add(Child(rpath, "via"), "required");
    } else if (ExpectString(*p, Child(rpath, "via"), errs)) {
      auto via = ParseIp(p->get<std::string>());
      if (!via)
        errs.Add(Child(rpath, "via"), Show(*p) + " is not an IP address");
      else if (to && via->family != to->family())
        errs.Add(Child(rpath, "via"),
                 Show(*p) + " is not of the same IP family as " + to->NetworkString());
    }
  }
}

}  // namespace

void ValidateNodeFields(const json& node, const std::string& path, bool image_required,
                        FieldErrors& errs) {
  RejectUnknownFields(
      node, path,
      {"name", "image", "group", "interfaces", "nat", "command", "env", "capAdd", "sysctls",
       "privileged", "binds", "defaultGateway", "readiness", "dependsOn", "routes"},
      errs);
  if (const json* p = Find(node, "image"))
    ExpectNonEmptyString(*p, Child(path, "image"), errs);
  else if (image_required)
    errs.Add(Child(path, "image"), "required for provider docker");
  if (const json* p = Find(node, "group")) ExpectNonEmptyString(*p, Child(path, "group"), errs);
  if (const json* p = Find(node, "command")) ExpectStringArray(*p, Child(path, "command"), errs);
  if (const json* p = Find(node, "env")) ValidateEnv(*p, Child(path, "env"), errs);
  if (const json* p = Find(node, "capAdd")) ValidateCapAdd(*p, Child(path, "capAdd"), errs);
  if (const json* p = Find(node, "sysctls")) ValidateSysctls(*p, Child(path, "sysctls"), errs);
  if (const json* p = Find(node, "privileged")) ExpectBool(*p, Child(path, "privileged"), errs);
  if (const json* p = Find(node, "binds")) ValidateBinds(*p, Child(path, "binds"), errs);
  if (const json* p = Find(node, "readiness"))
    ValidateReadiness(*p, Child(path, "readiness"), errs);
  if (const json* p = Find(node, "routes")) ValidateRoutes(*p, Child(path, "routes"), errs);
}

}  // namespace labctl::api
