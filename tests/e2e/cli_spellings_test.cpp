// Every command-line spelling docs/cli.md shows (and kubectl users type) reaches labctl's
// commands the same way: short and long flags, -o yaml / -oyaml / -o=yaml / --output=yaml,
// -f - (stdin), flags after positional arguments, repeated flags, --flag=true|false, global
// --server/--token anywhere before "--", and "--" passing the rest to the command untouched.
#include <gmock/gmock.h>

#include "e2e/e2e_util.h"

namespace labctl::e2e {
namespace {

using ::testing::HasSubstr;

class CliSpellingsTest : public LabctlE2eTest {
 protected:
  void SetUp() override {
    LabctlE2eTest::SetUp();
    name_ = UniqueName();
    auto r = Labctl({"apply", "-f", "-"}, LabYaml(name_));
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  std::string name_;
};

TEST_F(CliSpellingsTest, OutputFlagInEverySpelling) {
  const std::string expected = Labctl({"get", "lab", name_, "-o", "yaml"}).out;
  ASSERT_THAT(expected, HasSubstr("name: " + name_));
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"get", "lab", name_, "-oyaml"},
        {"get", "lab", name_, "-o=yaml"},
        {"get", "lab", name_, "--output", "yaml"},
        {"get", "lab", name_, "--output=yaml"},
        {"get", "-o", "yaml", "lab", name_},  // flags before, between and after positionals
        {"get", "lab", "-o", "yaml", name_},
        {"get", "lab", name_, "-o", "json", "-o", "yaml"}}) {  // the last one wins
    auto r = Labctl(args);
    EXPECT_EQ(r.exit_code, 0) << ::testing::PrintToString(args) << r.err;
    EXPECT_EQ(r.out, expected) << ::testing::PrintToString(args);
  }
}

TEST_F(CliSpellingsTest, SelectorsAndJsonpath) {
  std::string jsonpath = "jsonpath={.items[*].metadata.name}";
  auto a = Labctl({"get", "labs", "-l", "step=one", "-o", jsonpath});
  auto b = Labctl({"get", "labs", "--selector=step=one", "--output=" + jsonpath});
  EXPECT_EQ(a.exit_code, 0) << a.err;
  EXPECT_THAT(a.out, HasSubstr(name_));
  EXPECT_EQ(a.out, b.out);
}

TEST_F(CliSpellingsTest, GlobalFlagsAnywhereBeforeTheCommandsOwnArguments) {
  // A wrong LABCTL_SERVER shows that --server (in each spelling and place) is what is used.
  const std::map<std::string, std::string> env = {{"LABCTL_SERVER", "http://127.0.0.1:1"}};
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--server", url(), "get", "lab", name_},
        {"--server=" + url(), "get", "lab", name_},
        {"get", "lab", name_, "--server", url()},
        {"get", "--server=" + url(), "lab", name_}}) {
    auto r = Labctl(args, "", env);
    EXPECT_EQ(r.exit_code, 0) << ::testing::PrintToString(args) << r.err;
    EXPECT_THAT(r.out, HasSubstr(name_));
  }
  auto missing = Labctl({"get", "labs", "--server"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("--server"));
}

TEST_F(CliSpellingsTest, DurationsAndBooleanFlags) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"wait", "lab/" + name_, "--for=jsonpath={.metadata.name}=" + name_,
                                 "--timeout=1h30m"},
        {"wait", "lab/" + name_, "--for", "jsonpath={.metadata.name}=" + name_, "--timeout",
         "90"}}) {
    auto r = Labctl(args);
    EXPECT_EQ(r.exit_code, 0) << ::testing::PrintToString(args) << r.err;
  }
  auto bad = Labctl({"wait", "lab/" + name_, "--for=delete", "--timeout=soon"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("soon"));
  // --client=false is the same as leaving --client out: the server is asked too.
  auto client_only = Labctl({"version", "--client", "-o", "json"});
  auto both = Labctl({"version", "--client=false", "-o", "json"});
  EXPECT_EQ(client_only.exit_code, 0) << client_only.err;
  EXPECT_EQ(both.exit_code, 0) << both.err;
  EXPECT_THAT(both.out, HasSubstr("server"));
  EXPECT_THAT(client_only.out, ::testing::Not(HasSubstr("server")));
}

TEST_F(CliSpellingsTest, DeleteWithRepeatedFilesFromStdinAndFlagsAfterNames) {
  auto r = Labctl({"delete", "-f", "-", "--wait", "--timeout=1m"}, LabYaml(name_));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("lab/" + name_ + " deleted"));
  auto again = Labctl({"delete", "lab", name_, "--ignore-not-found"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
}

TEST_F(CliSpellingsTest, UnknownFlagsAndMissingValuesAreUsageErrors) {
  auto unknown = Labctl({"get", "labs", "--no-such-flag"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("unknown flag --no-such-flag"));
  auto missing = Labctl({"get", "labs", "-o"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("--output"));
}

TEST_F(CliSpellingsTest, HelpIsGeneratedFromTheFlags) {
  auto r = Labctl({"get", "--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* flag : {"--output", "-o", "--selector", "-l", "--watch", "--help"})
    EXPECT_THAT(r.out, HasSubstr(flag));
}

}  // namespace
}  // namespace labctl::e2e
