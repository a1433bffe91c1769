#include "api/openapi.h"

#include <gtest/gtest.h>

#include <functional>

namespace labctl::api {
namespace {

using json = nlohmann::json;

TEST(OpenApi, DescribesEveryPath) {
  json doc = OpenApiDocument();
  EXPECT_EQ(doc["openapi"], "3.0.3");
  const json& paths = doc["paths"];
  const std::string p = "/apis/labctl.dev/v1alpha1";
  struct Want {
    std::string path;
    std::vector<const char*> methods;
  };
  std::vector<Want> wants = {{p + "/labs", {"get", "post"}},
                             {p + "/sessions", {"get", "post"}},
                             {p + "/events", {"get"}},
                             {p + "/labs/{name}", {"get", "put", "patch", "delete"}},
                             {p + "/sessions/{name}", {"get", "put", "patch", "delete"}},
                             {p + "/events/{name}", {"get", "delete"}},
                             {p + "/labs/{name}/status", {"put"}},
                             {p + "/sessions/{name}/status", {"put"}},
                             {p + "/sessions/{name}/heartbeat", {"post"}},
                             {p + "/sessions/{name}/release", {"post"}},
                             {p + "/labs/{name}/exec", {"post"}},
                             {p + "/labs/{name}/exec/{execId}/stdin", {"post"}},
                             {p + "/labs/{name}/logs", {"get"}},
                             {p + "/labs/{name}/capture", {"get"}},
                             {p + "/labs/{name}/graph", {"get"}},
                             {p + "/whoami", {"get"}},
                             {"/healthz", {"get"}},
                             {"/readyz", {"get"}},
                             {"/version", {"get"}},
                             {"/metrics", {"get"}},
                             {"/openapi.json", {"get"}}};
  for (const auto& w : wants) {
    ASSERT_TRUE(paths.contains(w.path)) << w.path;
    for (const char* m : w.methods) EXPECT_TRUE(paths[w.path].contains(m)) << w.path << " " << m;
  }
}

TEST(OpenApi, ListTakesWatchParametersAndPatchIsMergePatch) {
  json doc = OpenApiDocument();
  const json& list = doc["paths"]["/apis/labctl.dev/v1alpha1/labs"]["get"];
  std::set<std::string> names;
  for (const auto& param : list["parameters"]) names.insert(param["name"]);
  for (const char* n : {"labelSelector", "limit", "watch", "resourceVersion", "allowWatchBookmarks",
                        "timeoutSeconds"})
    EXPECT_TRUE(names.count(n)) << n;
  EXPECT_TRUE(list["responses"]["200"]["content"].contains("application/x-ndjson"));
  EXPECT_TRUE(
      doc["paths"]["/apis/labctl.dev/v1alpha1/labs/{name}"]["patch"]["requestBody"]["content"]
          .contains("application/merge-patch+json"));
}

TEST(OpenApi, EveryReferenceResolves) {
  json doc = OpenApiDocument();
  const json& schemas = doc["components"]["schemas"];
  for (const char* s : {"Lab", "Session", "Event", "Status", "ObjectMeta", "Condition", "LabList",
                        "SessionList", "EventList", "WatchEvent"})
    EXPECT_TRUE(schemas.contains(s)) << s;
  int refs = 0;
  std::function<void(const json&)> walk = [&](const json& v) {
    if (v.is_object()) {
      if (v.contains("$ref")) {
        ++refs;
        std::string ref = v["$ref"];
        std::string prefix = "#/components/schemas/";
        ASSERT_EQ(ref.rfind(prefix, 0), 0u) << ref;
        EXPECT_TRUE(schemas.contains(ref.substr(prefix.size()))) << ref;
      }
      for (const auto& item : v) walk(item);
    } else if (v.is_array()) {
      for (const auto& item : v) walk(item);
    }
  };
  walk(doc);
  EXPECT_GT(refs, 20);
}

}  // namespace
}  // namespace labctl::api
