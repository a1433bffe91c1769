// How labctl finds its server and token: --server, LABCTL_SERVER, the config file; LABCTL_TOKEN
// against labd --tokens; and labctl version.
#include <gmock/gmock.h>

#include <filesystem>

#include "e2e/e2e_util.h"

namespace labctl::e2e {
namespace {

using ::testing::HasSubstr;

constexpr char kUnreachable[] = "http://127.0.0.1:1";

TEST_F(LabctlE2eTest, ServerFromFlagEnvAndConfigFile) {
  // --server beats LABCTL_SERVER.
  auto r = testing::RunLabctl(kUnreachable, {"--server", url(), "get", "labs"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = testing::RunLabctl(kUnreachable, {"get", "labs", "--server=" + url()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // LABCTL_SERVER alone.
  r = testing::RunLabctl(url(), {"get", "labs"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // Unreachable server: a readable error, exit 1.
  r = testing::RunLabctl(kUnreachable, {"get", "labs"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("cannot reach labd at http://127.0.0.1:1"));
  // The config file, when neither flag nor env is set; the env beats it.
  std::string home = tmp_ + "/home";
  std::filesystem::create_directories(home + "/.config/labctl");
  WriteFile(home + "/.config/labctl", "config", "server: " + url() + "\n");
  std::map<std::string, std::string> env = {
      {"HOME", home}, {"XDG_CONFIG_HOME", ""}, {"LABCTL_CONFIG", ""}};
  r = testing::RunLabctl("", {"get", "labs"}, "", env);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = testing::RunLabctl(kUnreachable, {"get", "labs"}, "", env);
  EXPECT_EQ(r.exit_code, 1);
  WriteFile(home + "/.config/labctl", "config", "server: [broken\n");
  r = testing::RunLabctl("", {"get", "labs"}, "", env);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("config file"));
}

TEST(LabctlE2eAuth, TokenFromEnvFlagAndConfig) {
  std::string dir = testing::MakeTempDir("labctl-e2e-auth");
  std::string tokens = WriteFile(dir, "tokens", "s3cret-token,alice,admin\n");
  testing::LabdProcess labd(
      {.data_dir = "", .extra_args = {"--tokens", tokens}, .wait_ready = true});
  ASSERT_TRUE(labd.running());
  auto r = testing::RunLabctl(labd.url(), {"get", "labs"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("error: "));
  r = testing::RunLabctl(labd.url(), {"get", "labs"}, "", {{"LABCTL_TOKEN", "wrong"}});
  EXPECT_EQ(r.exit_code, 1);
  r = testing::RunLabctl(labd.url(), {"get", "labs"}, "", {{"LABCTL_TOKEN", "s3cret-token"}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = testing::RunLabctl(labd.url(), {"--token", "s3cret-token", "apply", "-f", "-"},
                         LabYaml(UniqueName()));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::string home = dir + "/home";
  std::filesystem::create_directories(home + "/.config/labctl");
  WriteFile(home + "/.config/labctl", "config",
            "server: " + labd.url() + "\ntoken: s3cret-token\n");
  r = testing::RunLabctl(
      "", {"get", "labs"}, "",
      {{"HOME", home}, {"XDG_CONFIG_HOME", ""}, {"LABCTL_CONFIG", ""}, {"LABCTL_TOKEN", ""}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(LabctlE2eTest, VersionShowsClientAndServer) {
  auto r = Labctl({"version"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Client Version: "));
  EXPECT_THAT(r.out, HasSubstr("Server Version: "));
  r = Labctl({"version", "-o", "json"});
  auto j = json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  EXPECT_TRUE(j.contains("serverVersion"));
  r = testing::RunLabctl(kUnreachable, {"version", "--client"});
  EXPECT_EQ(r.exit_code, 0);
  r = testing::RunLabctl(kUnreachable, {"version"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("Client Version: "));
}

TEST(LabctlE2eUsage, HelpAndUnknownCommands) {
  auto r = testing::RunLabctl(kUnreachable, {"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("apply -f"));
  EXPECT_EQ(testing::RunLabctl(kUnreachable, {}).exit_code, 2);
  EXPECT_EQ(testing::RunLabctl(kUnreachable, {"frobnicate"}).exit_code, 2);
  r = testing::RunLabctl(kUnreachable, {"get", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("jsonpath"));
  EXPECT_EQ(testing::RunLabctl(kUnreachable, {"get", "labs", "--bogus"}).exit_code, 2);
}

}  // namespace
}  // namespace labctl::e2e
