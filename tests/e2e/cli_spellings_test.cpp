// Every command-line spelling docs/cli.md shows (and kubectl users type) reaches labctl's
// commands the same way: short and long flags, -o yaml / -oyaml / -o=yaml / --output=yaml,
// -f - (stdin), flags after positional arguments, repeated flags, --flag=true|false, global
// --server/--token anywhere before "--", and "--" passing the rest to the command untouched;
// and every flag of every command in each spelling it takes.
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

// Every flag of every command in every spelling it takes reaches the command's parser: each
// spelling followed by --help must parse (exit 0, the help names the flag). No server is needed:
// a command parses its whole command line before it contacts one.
struct FlagCase {
  std::vector<std::string> command;
  std::string name;
  char short_name;     // 0: long only
  std::string sample;  // "": a boolean flag
};

std::vector<std::vector<std::string>> Spellings(const FlagCase& c) {
  const std::string l = "--" + c.name;
  if (c.sample.empty()) {
    std::vector<std::vector<std::string>> s = {{l}, {l + "=true"}, {l + "=false"}};
    if (c.short_name) s.push_back({std::string("-") + c.short_name});
    return s;
  }
  std::vector<std::vector<std::string>> s = {{l, c.sample}, {l + "=" + c.sample}};
  if (c.short_name) {
    const std::string sh = std::string("-") + c.short_name;
    s.insert(s.end(), {{sh, c.sample}, {sh + c.sample}, {sh + "=" + c.sample}});
  }
  return s;
}

TEST(CliSpellings, EveryFlagOfEveryCommandInEverySpelling) {
  const std::vector<FlagCase> cases = {
      {{"apply"}, "filename", 'f', "m.yaml"},
      {{"delete"}, "filename", 'f', "m.yaml"},
      {{"delete"}, "wait", 0, ""},
      {{"delete"}, "timeout", 0, "1h30m"},
      {{"delete"}, "ignore-not-found", 0, ""},
      {{"diff"}, "filename", 'f', "m.yaml"},
      {{"exec"}, "timeout", 0, "5"},
      {{"exec"}, "stdin", 'i', ""},
      {{"get"}, "output", 'o', "yaml"},
      {{"get"}, "selector", 'l', "a=b"},
      {{"get"}, "watch", 'w', ""},
      {{"get"}, "watch-only", 0, ""},
      {{"graph"}, "filename", 'f', "m.yaml"},
      {{"graph"}, "format", 0, "dot"},
      {{"lab"}, "node", 0, "n1"},
      {{"lab"}, "dir", 'd', "out"},
      {{"logs"}, "follow", 'f', ""},
      {{"logs"}, "tail", 0, "10"},
      {{"capture"}, "iface", 'i', "eth0"},
      {{"capture"}, "filter", 'f', "icmp"},
      {{"capture"}, "duration", 0, "5"},
      {{"capture"}, "count", 'c', "3"},
      {{"capture"}, "write", 'w', "out.pcap"},
      {{"session", "run"}, "lab", 0, "l1"},
      {{"session", "run"}, "holder", 0, "me"},
      {{"session", "run"}, "heartbeat", 0, "10s"},
      {{"session", "run"}, "timeout", 0, "1m"},
      {{"session", "acquire"}, "lab", 0, "l1"},
      {{"session", "acquire"}, "holder", 0, "me"},
      {{"session", "acquire"}, "timeout", 0, "1m"},
      {{"version"}, "client", 0, ""},
      {{"version"}, "output", 'o', "json"},
      {{"wait"}, "for", 0, "delete"},
      {{"wait"}, "timeout", 0, "30s"},
  };
  const std::string nowhere = "http://127.0.0.1:1";
  for (const FlagCase& c : cases) {
    for (const std::vector<std::string>& spelling : Spellings(c)) {
      std::vector<std::string> args = c.command;
      args.insert(args.end(), spelling.begin(), spelling.end());
      args.push_back("--help");
      auto r = testing::RunLabctl(nowhere, args);
      EXPECT_EQ(r.exit_code, 0) << ::testing::PrintToString(args) << r.err;
      EXPECT_THAT(r.out, HasSubstr("--" + c.name)) << ::testing::PrintToString(args);
    }
    std::vector<std::string> typo = c.command;
    typo.insert(typo.end(), {"--" + c.name + "-typo", "--help"});
    EXPECT_EQ(testing::RunLabctl(nowhere, typo).exit_code, 2) << ::testing::PrintToString(typo);
  }
  // The global flags, before and after the command, in both spellings.
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--server", nowhere, "version", "--client"},
        {"--server=" + nowhere, "version", "--client"},
        {"version", "--client", "--token", "t"},
        {"version", "--token=t", "--client"},
        {"--insecure-skip-tls-verify", "version", "--client"},
        {"version", "--client", "--certificate-authority", "ca.pem"},
        {"--certificate-authority=ca.pem", "version", "--client"},
        {"version", "--client-certificate", "c.pem", "--client-key=k.pem", "--client"}}) {
    auto r = testing::RunLabctl("http://127.0.0.1:2", args);
    EXPECT_EQ(r.exit_code, 0) << ::testing::PrintToString(args) << r.err;
  }
}

}  // namespace
}  // namespace labctl::e2e
