#include "api/lab_validation.h"

#include <cctype>
#include <set>

#include "api/file_paths.h"
#include "api/input_limits.h"
#include "api/lab_spec.h"

namespace labctl::api {

namespace {

void ValidateEnum(const json& v, const std::string& path,
                  std::initializer_list<const char*> allowed, FieldErrors& errs) {
  if (!ExpectString(v, path, errs)) return;
  std::string list;
  for (const char* a : allowed) {
    if (v.get_ref<const std::string&>() == a) return;
    list += (list.empty() ? "" : ", ") + std::string(a);
  }
  errs.Add(path, "unsupported value " + Show(v) + ": must be one of " + list);
}

// A netlab device name (netlab's own are lower-case words with digits, '_' and '-').
bool IsDeviceName(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (unsigned char c : s)
    if (!std::isalnum(c) && c != '_' && c != '-') return false;
  return true;
}

// A local image reference as Docker takes it: no whitespace, no '=' (netlab's -s key=value).
bool IsImageReference(const std::string& s) {
  if (s.empty() || s.size() > 255) return false;
  for (unsigned char c : s)
    if (std::isspace(c) || std::iscntrl(c) || c == '=') return false;
  return true;
}

// spec.netlab.images: device -> the local image netlab's clab provider runs for it.
void ValidateNetlabImages(const json& images, const std::string& path, FieldErrors& errs) {
  if (!ExpectStringMap(images, path, errs)) return;
  for (auto it = images.begin(); it != images.end(); ++it) {
    if (!IsDeviceName(it.key()))
      errs.Add(Key(path, it.key()), "not a netlab device name (letters, digits, '_', '-')");
    else if (!IsImageReference(it.value().get<std::string>()))
      errs.Add(path + "." + it.key(), "not an image reference (no spaces, no '=')");
  }
}

// spec.<provider> = {topology, files} of the providers that take a topology file (netlab,
// containerlab): present exactly when spec.provider names it. netlab's files are plain names;
// containerlab's keep their relative paths (binds name them), except the topology's own name.
void ValidateTopologyInput(const json& spec, const std::string& provider, const char* key,
                           FieldErrors& errs) {
  const std::string path = std::string("spec.") + key;
  const json* input = Find(spec, key);
  if (provider != key) {
    if (input) errs.Add(path, std::string("only allowed when spec.provider is ") + key);
    return;
  }
  if (!input) {
    errs.Add(path, std::string("required when spec.provider is ") + key);
    return;
  }
  if (!ExpectObject(*input, path, errs)) return;
  const bool netlab = provider == kNetlabProvider;
  if (netlab)
    RejectUnknownFields(*input, path, {"topology", "files", "images"}, errs);
  else
    RejectUnknownFields(*input, path, {"topology", "files"}, errs);
  if (const json* images = netlab ? Find(*input, "images") : nullptr)
    ValidateNetlabImages(*images, path + ".images", errs);
  const json* topology = Find(*input, "topology");
  if (!topology)
    errs.Add(path + ".topology", "required");
  else
    ExpectNonEmptyString(*topology, path + ".topology", errs);
  const json* files = Find(*input, "files");
  if (!files || !ExpectStringMap(*files, path + ".files", errs)) return;
  const bool nested = provider == kContainerlabProvider;
  for (auto it = files->begin(); it != files->end(); ++it) {
    const std::string& name = it.key();
    if (nested) {
      if (!IsSafeRelativePath(name))
        errs.Add(Key(path + ".files", name),
                 "must be a relative path inside the lab's directory (no '..', no leading '/')");
      else if (name == kContainerlabTopologyFile)
        errs.Add(Key(path + ".files", name), "is the name the topology itself is written to");
    } else if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
               name.find('\0') != std::string::npos) {
      errs.Add(Key(path + ".files", name), "must be a plain file name (no '/', not '..')");
    }
  }
}

}  // namespace

void ValidateLabSpec(const json& spec, FieldErrors& errs) {
  if (!ExpectObject(spec, "spec", errs)) return;
  RejectUnknownFields(
      spec, "spec",
      {"provider", "runPolicy", "idleTimeoutSeconds", "skipGroups", "networks", "nodes", "links",
       "netlab", "containerlab", "hostSelector", "warmPool", "onHostLost"},
      errs);
  LabIndex index;
  index.provider = kDefaultProvider;
  if (const json* p = Find(spec, "provider")) {
    ValidateEnum(*p, "spec.provider", {"docker", kNetlabProvider, "containerlab"}, errs);
    if (p->is_string()) index.provider = p->get<std::string>();
  }
  if (const json* p = Find(spec, "runPolicy"))
    ValidateEnum(*p, "spec.runPolicy", {"OnDemand", "Always"}, errs);
  if (const json* p = Find(spec, "onHostLost"))
    ValidateEnum(*p, "spec.onHostLost", {kOnHostLostFail, kOnHostLostReschedule}, errs);
  if (const json* p = Find(spec, "idleTimeoutSeconds"))
    ExpectInteger(*p, "spec.idleTimeoutSeconds", 0, kMaxDurationSeconds, errs);
  if (const json* p = Find(spec, "skipGroups")) ExpectStringArray(*p, "spec.skipGroups", errs);
  ValidateTopologyInput(spec, index.provider, kNetlabProvider, errs);
  ValidateTopologyInput(spec, index.provider, kContainerlabProvider, errs);
  if (index.provider == kContainerlabProvider)
    for (const char* key : {"networks", "nodes", "links"})
      if (Find(spec, key))
        errs.Add(std::string("spec.") + key,
                 "not used by provider containerlab: spec.containerlab.topology says what runs");
  ValidateNetworks(spec, index, errs);
  ValidateNodes(spec, index, errs);
  ValidateLinks(spec, index, errs);
}

void ValidateNetworks(const json& spec, LabIndex& index, FieldErrors& errs) {
  const json* networks = Find(spec, "networks");
  if (!networks || !ExpectArray(*networks, "spec.networks", errs)) return;
  struct Seen {
    std::string name;
    Cidr cidr;
  };
  std::vector<Seen> v4, v6;
  for (size_t i = 0; i < networks->size(); ++i) {
    const json& net = (*networks)[i];
    std::string path = At("spec.networks", i);
    if (!ExpectObject(net, path, errs)) continue;
    RejectUnknownFields(net, path, {"name", "subnet", "ipv6Subnet"}, errs);
    const json* name = Find(net, "name");
    bool named = false;
    if (!name) {
      errs.Add(Child(path, "name"), "required");
    } else if (ExpectDnsLabel(*name, Child(path, "name"), errs)) {
      named = true;
      if (index.networks.count(name->get<std::string>())) {
        errs.Add(Child(path, "name"), "duplicate network name " + Show(*name));
        named = false;
      }
    }
    NetworkInfo info;
    auto check_subnet = [&](const char* key, bool v6_family, bool required) -> std::optional<Cidr> {
      std::string field = Child(path, key);
      const json* s = Find(net, key);
      if (!s) {
        if (required) errs.Add(field, "required");
        return std::nullopt;
      }
      if (!ExpectString(*s, field, errs)) return std::nullopt;
      auto cidr =
          v6_family ? ParseCidrV6(s->get<std::string>()) : ParseCidrV4(s->get<std::string>());
      if (!cidr) {
        errs.Add(field, Show(*s) + (v6_family ? " is not an IPv6 CIDR (like fd00:1::/64)"
                                              : " is not an IPv4 CIDR (like 192.168.1.0/24)"));
        return std::nullopt;
      }
      if (!cidr->IsNetworkCidr()) {
        errs.Add(field,
                 Show(*s) + " has host bits set; did you mean " + cidr->NetworkString() + "?");
        return std::nullopt;
      }
      auto& seen = v6_family ? v6 : v4;
      for (const auto& other : seen)
        if (other.cidr.Overlaps(*cidr))
          errs.Add(field, cidr->NetworkString() + " overlaps network " + other.name + " (" +
                              other.cidr.NetworkString() + ")");
      seen.push_back({name && name->is_string() ? name->get<std::string>() : path, *cidr});
      return cidr;
    };
    info.subnet = check_subnet("subnet", false, index.provider == "docker");
    info.ipv6_subnet = check_subnet("ipv6Subnet", true, false);
    if (named) index.networks[name->get<std::string>()] = info;
  }
}

void ValidateImpairment(const json& v, const std::string& path, FieldErrors& errs) {
  if (!ExpectObject(v, path, errs)) return;
  RejectUnknownFields(v, path, {"delayMs", "jitterMs", "lossPercent", "rateKbit"}, errs);
  if (const json* p = Find(v, "delayMs")) ExpectInteger(*p, Child(path, "delayMs"), 0, 60000, errs);
  if (const json* p = Find(v, "jitterMs"))
    ExpectInteger(*p, Child(path, "jitterMs"), 0, 60000, errs);
  if (const json* p = Find(v, "lossPercent"))
    ExpectNumber(*p, Child(path, "lossPercent"), 0, 100, errs);
  if (const json* p = Find(v, "rateKbit"))
    ExpectInteger(*p, Child(path, "rateKbit"), 1, 100'000'000, errs);
}

bool IsInterfaceName(std::string_view s) {
  if (s.empty() || s.size() > 15 || s == "." || s == "..") return false;
  for (char c : s)
    if (c == '/' || c == ':' || std::isspace(static_cast<unsigned char>(c)) || c == '\0')
      return false;
  return true;
}

std::vector<std::string> InterfaceNames(const json& node) {
  std::vector<std::string> names;
  const json* ifaces = Find(node, "interfaces");
  if (!ifaces || !ifaces->is_array()) return names;
  for (size_t i = 0; i < ifaces->size(); ++i) {
    const json* ifname = Find((*ifaces)[i], "ifname");
    names.push_back(ifname && ifname->is_string() ? ifname->get<std::string>() : DefaultIfname(i));
  }
  return names;
}

}  // namespace labctl::api
