// Bad request bodies and parameters against the real labd binary over HTTP: each answer is a
// 4xx Status naming what is wrong, and labd keeps serving (and stops on SIGTERM) afterwards.
// Every input here once crashed labd, hung it, ate gigabytes or got a 500.
#include <gtest/gtest.h>

#include "server/server_test_util.h"
#include "tests/support/labd_process.h"

namespace labctl::servertest {
namespace {

using testing::LabdProcess;

std::string Repeat(const std::string& s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

class BadInputTest : public ::testing::Test {
 protected:
  // Fails unless the answer is a Status with `code` whose message contains `part`.
  static void ExpectStatus(const Reply& r, int code, const std::string& part) {
    EXPECT_EQ(r.status, code) << r.body.substr(0, 300);
    json body = r.Json();
    ASSERT_TRUE(body.is_object()) << r.body.substr(0, 300);
    EXPECT_EQ(body["kind"], "Status");
    EXPECT_NE(body.value("message", "").find(part), std::string::npos) << body.dump();
  }
  // labd still answers and still writes (its store writer thread is alive).
  void ExpectLabdServes() {
    ASSERT_EQ(api.Get("/healthz").status, 200);
    std::string name = UniqueName("alive");
    EXPECT_EQ(api.Post(labs, SampleLab(name).dump()).status, 201);
  }
  // A Neops facade session that is active (labd has one slot and no other session).
  std::string FacadeSession() {
    auto r = facade.Post("/session");
    EXPECT_TRUE(r && r->status == 201);
    return r ? json::parse(r->body, nullptr, false).value("session_id", "") : "";
  }
  httplib::Result Upload(const std::string& session, const std::string& topology,
                         std::vector<std::pair<std::string, std::string>> extra = {}) {
    httplib::MultipartFormDataItems items = {{"topology", topology, "topo.yml", "text/yaml"}};
    for (auto& [name, content] : extra) items.push_back({"extra_files", content, name, ""});
    return facade.Post("/lab", {{"X-Session-ID", session}}, items);
  }
  static std::string Detail(const httplib::Result& r) {
    return r ? json::parse(r->body, nullptr, false).value("detail", "") : "no answer";
  }

  LabdProcess labd;
  Api api{labd.port()};
  httplib::Client facade{"127.0.0.1", labd.port()};
  std::string labs = std::string(kApi) + "/labs";
};

// yaml-cpp's LoadAll looped forever on ",", growing ~200 MB/s; SIGTERM then hung on it.
TEST_F(BadInputTest, YamlThatLoopedTheParserIsRefusedAndLabdStillStops) {
  ExpectStatus(api.Post(labs, ",", "application/yaml"), 400, "invalid YAML at line 1, column 1");
  std::string session = FacadeSession();
  auto r = Upload(session, ",");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;
  EXPECT_NE(Detail(r).find("topology: invalid YAML"), std::string::npos) << r->body;
  ExpectLabdServes();
  labd.Terminate();
  EXPECT_FALSE(labd.running());
}

TEST_F(BadInputTest, YamlBombsAreRefused) {
  std::string laughs = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (char c = 'b'; c <= 'i'; ++c) {
    std::string prev(1, static_cast<char>(c - 1));
    laughs +=
        std::string(1, c) + ": &" + c + " [" + Repeat("*" + prev + ", ", 8) + "*" + prev + "]\n";
  }
  ExpectStatus(api.Post(labs, laughs, "application/yaml"), 400, "aliases copy more than");
  ExpectStatus(api.Post(labs, "a: " + std::string(1'000'000, '['), "application/yaml"), 400,
               "longer than 131072 bytes");
  ExpectLabdServes();
}

// Bytes that are not UTF-8 reached the store writer thread: type_error 316, std::terminate.
TEST_F(BadInputTest, InvalidUtf8IsRefusedNamingTheField) {
  std::string annotated = R"({"metadata":{"name":"u1","annotations":{"a":")"
                          "\xc3\x28"
                          R"("}}})";
  ExpectStatus(api.Post(labs, annotated), 400, "metadata.annotations.a");
  ExpectStatus(
      api.Post(labs, "metadata:\n  name: u2\n  labels:\n    a: \"\xff\"\n", "application/yaml"),
      400, "invalid UTF-8 in metadata.labels.a");
  std::string session = FacadeSession();
  auto r = Upload(session, "name: t\nx: \"\xff\"\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;
  EXPECT_NE(Detail(r).find("topology: invalid UTF-8 at line 2"), std::string::npos) << r->body;
  r = Upload(session, "name: t\n", {{"configs/init.cfg", "\xfe\xff"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;
  EXPECT_NE(Detail(r).find("extra file 'configs/init.cfg'"), std::string::npos) << r->body;
  // A name in the path that is not UTF-8: 404, and the answer is still JSON.
  ExpectStatus(api.Get(labs + "/%FF"), 404, "not found");
  ExpectStatus(api.Get(labs + "?labelSelector=a%3D%FF"), 400, "labelSelector: invalid UTF-8");
  ExpectLabdServes();
}

// 50,000 levels overflowed the stack in the serializer; a merge patch 100,000 levels deep in
// json::merge_patch.
TEST_F(BadInputTest, DeepNestingIsRefused) {
  std::string deep =
      "{\"apiVersion\": " + std::string(50'000, '[') + std::string(50'000, ']') + "}";
  ExpectStatus(api.Post(labs, deep), 400, "nested deeper than 64 levels");
  std::string name = UniqueName("deep");
  api.MustCreate("labs", SampleLab(name));
  std::string patch = Repeat("{\"a\":", 100'000) + "1" + std::string(100'000, '}');
  ExpectStatus(api.Patch(labs + "/" + name, patch), 400, "nested deeper than 64 levels");
  ExpectLabdServes();
}

TEST_F(BadInputTest, NumbersAndTypesOutOfRangeAre4xx) {
  // timeoutSeconds overflowed the deadline and ended the watch at once.
  ExpectStatus(api.Get(labs + "?watch=1&timeoutSeconds=18446744073709551615"), 400,
               "timeoutSeconds must be at most 315360000");
  // A future revision made a watch that never delivered anything.
  ExpectStatus(api.Get(labs + "?watch=1&resourceVersion=18446744073709551615"), 400,
               "is newer than the store's revision");
  json lab = SampleLab(UniqueName("idle"));
  std::string body = lab.dump();
  body.replace(body.find("\"spec\":{"), 8, "\"spec\":{\"idleTimeoutSeconds\":9223372036854775808,");
  Reply r = api.Post(labs, body);
  ExpectStatus(r, 422, "spec.idleTimeoutSeconds");
  body = lab.dump();
  body.replace(body.find("\"spec\":{"), 8, "\"spec\":{\"idleTimeoutSeconds\":1e400,");
  ExpectStatus(api.Post(labs, body), 400, "(spec.idleTimeoutSeconds): number overflow");
  json generated = SampleLab("x");
  generated["metadata"] = {{"generateName", 5}};
  ExpectStatus(api.Post(labs, generated.dump()), 422, "metadata.generateName");
  ExpectLabdServes();
}

TEST_F(BadInputTest, ClashingFacadeFileNamesAre400) {
  std::string session = FacadeSession();
  auto r = Upload(session, "name: t\n", {{"a", "x"}, {"a/b", "y"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;
  EXPECT_NE(Detail(r).find("needs a folder 'a' that is also a file"), std::string::npos) << r->body;
  r = Upload(session, "name: t\n", {{"topo.yml", "x"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;
  EXPECT_NE(Detail(r).find("has the topology file's name"), std::string::npos) << r->body;
  ExpectLabdServes();
}

}  // namespace
}  // namespace labctl::servertest
