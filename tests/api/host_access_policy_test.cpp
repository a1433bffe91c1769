// The host-access rule (api/host_access_policy.h) and the lexical path checks it stands on
// (api/file_paths.h): which node fields are host requests, which grants cover them, how grants
// are read from tokens-file fields.
#include "api/host_access_policy.h"

#include <gtest/gtest.h>

#include "api/file_paths.h"

namespace labctl::api {
namespace {

json LabWithNode(const json& node_fields) {
  json node = {{"name", "n"}, {"image", "labbox:latest"}};
  if (!node_fields.is_null()) node.update(node_fields);
  return {{"apiVersion", kApiVersion},
          {"kind", "Lab"},
          {"metadata", {{"name", "l"}}},
          {"spec", {{"nodes", json::array({{{"name", "a"}}, node})}}}};
}

// The fields of the refusal's causes.
std::vector<std::string> RefusedFields(const Status& st) {
  std::vector<std::string> fields;
  for (const auto& c : st.causes()) fields.push_back(c.field);
  return fields;
}

HostAccessGrant Grant(std::initializer_list<std::pair<const char*, const char*>> fields) {
  HostAccessGrant g;
  for (const auto& [key, value] : fields) EXPECT_TRUE(AddGrantField(g, key, value).ok()) << key;
  return g;
}

TEST(HostAccessPolicy, NothingAskedNothingNeeded) {
  EXPECT_TRUE(CheckHostAccess(LabWithNode({}), {}).ok());
  EXPECT_TRUE(CheckHostAccess(LabWithNode({{"privileged", false}}), {}).ok());
  json netlab = {{"spec", {{"provider", "netlab"}, {"netlab", {{"topology", "nodes: [a]"}}}}}};
  EXPECT_TRUE(CheckHostAccess(netlab, {}).ok());
}

TEST(HostAccessPolicy, SafeCapabilitiesAreDockersDefaultsAndNetAdmin) {
  json lab = LabWithNode({{"capAdd", {"NET_ADMIN", "CAP_NET_RAW", "net_bind_service", "KILL"}}});
  EXPECT_TRUE(CheckHostAccess(lab, {}).ok());
  for (const char* unsafe : {"SYS_ADMIN", "CAP_SYS_MODULE", "SYS_PTRACE", "ALL", "BPF"}) {
    Status st = CheckHostAccess(LabWithNode({{"capAdd", {"NET_ADMIN", unsafe}}}), {});
    EXPECT_EQ(st.code(), Code::kForbidden) << unsafe;
    EXPECT_EQ(RefusedFields(st), std::vector<std::string>{"spec.nodes[1].capAdd[1]"}) << unsafe;
  }
  json sys_admin = LabWithNode({{"capAdd", {"SYS_ADMIN"}}});
  EXPECT_TRUE(CheckHostAccess(sys_admin, Grant({{"caps", "SYS_ADMIN:SYS_PTRACE"}})).ok());
  EXPECT_TRUE(CheckHostAccess(sys_admin, Grant({{"caps", "ALL"}})).ok());
  EXPECT_FALSE(
      CheckHostAccess(LabWithNode({{"capAdd", {"ALL"}}}), Grant({{"caps", "SYS_ADMIN"}})).ok());
}

TEST(HostAccessPolicy, PrivilegedNeedsItsGrant) {
  json lab = LabWithNode({{"privileged", true}});
  Status st = CheckHostAccess(lab, {});
  EXPECT_EQ(st.code(), Code::kForbidden);
  EXPECT_EQ(RefusedFields(st), std::vector<std::string>{"spec.nodes[1].privileged"});
  EXPECT_NE(st.message().find("spec.nodes[1].privileged"), std::string::npos) << st.message();
  EXPECT_TRUE(CheckHostAccess(lab, Grant({{"privileged", "true"}})).ok());
  // A grant of everything else does not include it.
  EXPECT_FALSE(CheckHostAccess(lab, Grant({{"caps", "ALL"}, {"binds", "/"}})).ok());
}

TEST(HostAccessPolicy, BindsInsideGrantedDirectoriesOnly) {
  json lab = LabWithNode({{"binds",
                           {"/srv/labs/a:/a", "/srv/labsx:/b", "/etc/ssl/certs:/c:ro",
                            "/etc/ssl/certs:/d:rw", "/srv/labs/../../etc:/e", "/:/host:rw"}}});
  Status none = CheckHostAccess(lab, {});
  EXPECT_EQ(RefusedFields(none).size(), 6u);
  Status some = CheckHostAccess(lab, Grant({{"binds", "/srv/labs"}, {"binds-ro", "/etc/ssl"}}));
  EXPECT_EQ(RefusedFields(some),
            (std::vector<std::string>{"spec.nodes[1].binds[1]", "spec.nodes[1].binds[3]",
                                      "spec.nodes[1].binds[4]", "spec.nodes[1].binds[5]"}));
  EXPECT_NE(some.message().find("spec.nodes[1].binds[1]"), std::string::npos) << some.message();
  EXPECT_NE(some.message().find("(and 3 more)"), std::string::npos) << some.message();
  EXPECT_TRUE(CheckHostAccess(LabWithNode({{"binds", {"/srv/labs/a:/a"}}}),
                              Grant({{"binds", "/opt:/srv/labs/"}}))
                  .ok());
}

TEST(HostAccessPolicy, NamedVolumesNeedTheirGrantLabFilesAreAllowed) {
  json lab = LabWithNode({{"binds", {"data:/data"}}});
  EXPECT_EQ(RefusedFields(CheckHostAccess(lab, {})),
            std::vector<std::string>{"spec.nodes[1].binds[0]"});
  EXPECT_TRUE(CheckHostAccess(lab, Grant({{"volumes", "true"}})).ok());
  // The allowance a provider that resolves relative binds inside the lab's directory uses.
  using K = HostRequest::Kind;
  EXPECT_TRUE(CheckHostRequests({{K::kLabFile, "f", "configs/r1/init.cfg", true}}, {}).ok());
  for (const char* escape : {"../x", "configs/../../x", "/etc/passwd", "./x", ""})
    EXPECT_FALSE(CheckHostRequests({{K::kLabFile, "f", escape}}, {}).ok()) << escape;
}

TEST(HostAccessPolicy, NamespacesAndDevicesForProvidersThatOfferThem) {
  using K = HostRequest::Kind;
  std::vector<HostRequest> asks = {{K::kHostNamespace, "x.networkMode", "network"},
                                   {K::kDevice, "x.devices[0]", "/dev/kvm"}};
  EXPECT_EQ(RefusedFields(CheckHostRequests(asks, {})),
            (std::vector<std::string>{"x.networkMode", "x.devices[0]"}));
  EXPECT_TRUE(
      CheckHostRequests(asks, Grant({{"host-namespaces", "true"}, {"devices", "true"}})).ok());
}

TEST(HostAccessPolicy, AllGrantsEverything) {
  json lab = LabWithNode({{"privileged", true},
                          {"capAdd", {"ALL"}},
                          {"binds", {"/:/host:rw", "/var/run/docker.sock:/s", "v:/v"}}});
  EXPECT_TRUE(CheckHostAccess(lab, HostAccessGrant::All()).ok());
  EXPECT_EQ(Grant({{"host-access", "all"}}), HostAccessGrant::All());
  EXPECT_EQ(Grant({{"host-access", "none"}}), HostAccessGrant());
}

TEST(HostAccessPolicy, MalformedValuesAreRefusedNotSkipped) {
  json lab = LabWithNode({{"privileged", "yes"}, {"capAdd", {7}}, {"binds", {42}}});
  EXPECT_EQ(RefusedFields(CheckHostAccess(lab, {})).size(), 3u);
}

TEST(HostAccessGrantFields, BadKeysAndValuesNameTheKey) {
  HostAccessGrant g;
  for (auto [key, value] :
       std::vector<std::pair<const char*, const char*>>{{"privileged", "yes"},
                                                        {"binds", "relative/dir"},
                                                        {"binds", "/srv/../etc"},
                                                        {"binds-ro", ""},
                                                        {"caps", "sys admin"},
                                                        {"host-access", "some"},
                                                        {"bind", "/srv"}}) {
    Status st = AddGrantField(g, key, value);
    EXPECT_EQ(st.code(), Code::kBadRequest) << key << "=" << value;
    EXPECT_NE(st.message().find(key), std::string::npos) << st.message();
  }
  EXPECT_TRUE(AddGrantField(g, "caps", "cap_sys_admin").ok());
  EXPECT_TRUE(g.capabilities.count("SYS_ADMIN"));
}

TEST(FilePaths, RelativeAbsoluteAndWithin) {
  EXPECT_TRUE(IsSafeRelativePath("configs/r1/init.cfg"));
  for (const char* bad : {"", "/a", "a/../b", "..", "./a", "a//b", "a\\b", "a/"})
    EXPECT_FALSE(IsSafeRelativePath(bad)) << bad;
  for (const char* good : {"/", "/srv", "/srv/labs/", "/srv/labs"})
    EXPECT_TRUE(IsNormalAbsolutePath(good)) << good;
  for (const char* bad : {"", "srv", "/srv/../etc", "/srv//x", "/./srv", "/srv/."})
    EXPECT_FALSE(IsNormalAbsolutePath(bad)) << bad;
  EXPECT_TRUE(IsPathWithin("/srv/labs/x", "/srv/labs"));
  EXPECT_TRUE(IsPathWithin("/srv/labs", "/srv/labs/"));
  EXPECT_TRUE(IsPathWithin("/etc", "/"));
  EXPECT_FALSE(IsPathWithin("/srv/labsx", "/srv/labs"));
  EXPECT_FALSE(IsPathWithin("/srv/labs/../x", "/srv/labs"));
  EXPECT_FALSE(IsPathWithin("/srv", "/srv/labs"));
}

}  // namespace
}  // namespace labctl::api
