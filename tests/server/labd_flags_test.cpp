// labd's command line: every flag docs/api.md lists, in both spellings (--flag value and
// --flag=value), its defaults, its errors, and the generated --help.
#include "controller/labd/labd_flags.h"

#include <gtest/gtest.h>

namespace labctl::server {
namespace {

using std::chrono::milliseconds;

LabdFlags Parse(const std::vector<std::string>& args) {
  auto flags = ParseLabdFlags(args);
  EXPECT_TRUE(flags.ok()) << flags.status().ToString();
  return flags.ok() ? *flags : LabdFlags{};
}

std::string Error(const std::vector<std::string>& args) {
  auto flags = ParseLabdFlags(args);
  EXPECT_FALSE(flags.ok());
  return flags.ok() ? "" : flags.status().message();
}

TEST(LabdFlags, Defaults) {
  LabdFlags f = Parse({});
  EXPECT_EQ(f.listen_host, "127.0.0.1");
  EXPECT_EQ(f.listen_port, 7450);
  EXPECT_EQ(f.data_dir, DefaultDataDir());
  EXPECT_EQ(f.docker_host, "unix:///var/run/docker.sock");
  EXPECT_EQ(f.slots, 1);
  EXPECT_EQ(f.tls_cert, "");
  EXPECT_EQ(f.tls_key, "");
  EXPECT_EQ(f.client_ca, "");
  EXPECT_EQ(f.log_level, "info");
  EXPECT_EQ(f.history_limit, 100'000u);
  EXPECT_EQ(f.bookmark_interval, std::chrono::seconds(60));
  EXPECT_EQ(f.history_bytes, size_t{64} << 20);
  EXPECT_EQ(f.max_watchers, 1024);
  EXPECT_EQ(f.max_streams, 64);
  EXPECT_EQ(f.max_connections, 0u);
  EXPECT_EQ(f.max_client_connections, 2048u);
  EXPECT_EQ(f.request_timeout, std::chrono::seconds(30));
  EXPECT_EQ(f.idle_timeout, std::chrono::seconds(30));
  EXPECT_EQ(f.synchronous, "NORMAL");
  EXPECT_EQ(f.orphan_lab_prefix, "");
  EXPECT_EQ(f.netlab, "netlab");
  EXPECT_EQ(f.netlab_home, "");
  EXPECT_TRUE(f.neops_facade);
  EXPECT_TRUE(f.lab_controller);
  EXPECT_FALSE(f.help);
  EXPECT_FALSE(f.version);
}

TEST(LabdFlags, EveryFlagInBothSpellings) {
  const std::vector<std::pair<std::string, std::string>> given = {
      {"--listen", "0.0.0.0:8080"},
      {"--data-dir", "/tmp/d"},
      {"--docker-host", "unix:///x"},
      {"--slots", "3"},
      {"--tokens", "/tmp/t"},
      {"--tls-cert", "/tmp/c.pem"},
      {"--tls-key", "/tmp/k.pem"},
      {"--client-ca", "/tmp/ca.pem"},
      {"--log-level", "debug"},
      {"--history-limit", "50"},
      {"--history-bytes", "16Mi"},
      {"--bookmark-interval", "500ms"},
      {"--max-watchers", "7"},
      {"--max-streams", "9"},
      {"--max-connections", "300"},
      {"--max-client-connections", "11"},
      {"--request-timeout", "5s"},
      {"--idle-timeout", "2m"},
      {"--sync", "FULL"},
      {"--orphan-lab-prefix", "t1234-"},
      {"--netlab", "/opt/netlab/bin/netlab"},
      {"--netlab-home", "/var/lib/netlab-home"},
      {"--neops-facade", "false"},
      {"--lab-controller", "false"}};
  std::vector<std::string> separate, joined;
  for (const auto& [flag, value] : given) {
    separate.insert(separate.end(), {flag, value});
    joined.push_back(flag + "=" + value);
  }
  for (const auto& args : {separate, joined}) {
    LabdFlags f = Parse(args);
    EXPECT_EQ(f.listen_host, "0.0.0.0");
    EXPECT_EQ(f.listen_port, 8080);
    EXPECT_EQ(f.data_dir, "/tmp/d");
    EXPECT_EQ(f.docker_host, "unix:///x");
    EXPECT_EQ(f.slots, 3);
    EXPECT_EQ(f.tokens_file, "/tmp/t");
    EXPECT_EQ(f.tls_cert, "/tmp/c.pem");
    EXPECT_EQ(f.tls_key, "/tmp/k.pem");
    EXPECT_EQ(f.client_ca, "/tmp/ca.pem");
    EXPECT_EQ(f.log_level, "debug");
    EXPECT_EQ(f.history_limit, 50u);
    EXPECT_EQ(f.bookmark_interval, milliseconds(500));
    EXPECT_EQ(f.history_bytes, size_t{16} << 20);
    EXPECT_EQ(f.max_watchers, 7);
    EXPECT_EQ(f.max_streams, 9);
    EXPECT_EQ(f.max_connections, 300u);
    EXPECT_EQ(f.max_client_connections, 11u);
    EXPECT_EQ(f.request_timeout, std::chrono::seconds(5));
    EXPECT_EQ(f.idle_timeout, std::chrono::minutes(2));
    EXPECT_EQ(f.synchronous, "FULL");
    EXPECT_EQ(f.orphan_lab_prefix, "t1234-");
    EXPECT_EQ(f.netlab, "/opt/netlab/bin/netlab");
    EXPECT_EQ(f.netlab_home, "/var/lib/netlab-home");
    EXPECT_FALSE(f.neops_facade);
    EXPECT_FALSE(f.lab_controller);
  }
}

// One duration grammar for labd and labctl: labd used to reject what labctl accepts.
TEST(LabdFlags, DurationsUseTheSharedGrammar) {
  EXPECT_EQ(Parse({"--bookmark-interval", "1h30m"}).bookmark_interval, std::chrono::minutes(90));
  EXPECT_EQ(Parse({"--bookmark-interval=1.5s"}).bookmark_interval, milliseconds(1500));
  EXPECT_EQ(Parse({"--bookmark-interval", "2"}).bookmark_interval, std::chrono::seconds(2));
  EXPECT_NE(Error({"--bookmark-interval", "soon"}).find("--bookmark-interval"), std::string::npos);
  EXPECT_NE(Error({"--bookmark-interval", "0s"}).find("positive"), std::string::npos);
  EXPECT_EQ(Parse({"--request-timeout=1m30s"}).request_timeout, std::chrono::seconds(90));
  EXPECT_NE(Error({"--idle-timeout", "-1s"}).find("--idle-timeout"), std::string::npos);
}

TEST(LabdFlags, ByteSizes) {
  EXPECT_EQ(Parse({"--history-bytes", "1Gi"}).history_bytes, size_t{1} << 30);
  EXPECT_EQ(Parse({"--history-bytes=2048"}).history_bytes, 2048u);
  EXPECT_NE(Error({"--history-bytes", "1023"}).find("--history-bytes"), std::string::npos);
  EXPECT_NE(Error({"--history-bytes", "64MB"}).find("--history-bytes"), std::string::npos);
}

TEST(LabdFlags, TheLastOfARepeatedFlagWins) {
  EXPECT_EQ(Parse({"--slots", "2", "--slots=5"}).slots, 5);
}

TEST(LabdFlags, BadInputNamesTheFlag) {
  EXPECT_NE(Error({"--slots", "0"}).find("--slots"), std::string::npos);
  EXPECT_NE(Error({"--slots", "x"}).find("--slots"), std::string::npos);
  EXPECT_NE(Error({"--sync", "OFF"}).find("--sync"), std::string::npos);
  EXPECT_NE(Error({"--log-level", "loud"}).find("--log-level"), std::string::npos);
  EXPECT_NE(Error({"--neops-facade", "yes"}).find("--neops-facade"), std::string::npos);
  EXPECT_NE(Error({"--listen", "nocolon"}).find("--listen"), std::string::npos);
  EXPECT_NE(Error({"--listen", "127.0.0.1:70000"}).find("--listen"), std::string::npos);
  EXPECT_EQ(Error({"--no-such-flag"}), "unknown flag --no-such-flag");
  EXPECT_NE(Error({"--slots"}).find("--slots"), std::string::npos);  // value missing
  EXPECT_NE(Error({"stray"}).find("stray"), std::string::npos);
}

// The flag checks that look at several flags at once run on the parsed flags, after CLI11.
TEST(LabdFlags, TlsFlagsGoTogetherAndOffLoopbackNeedsThem) {
  EXPECT_NE(Error({"--tls-cert", "c.pem"}).find("go together"), std::string::npos);
  EXPECT_NE(Error({"--client-ca=ca.pem"}).find("--client-ca needs"), std::string::npos);
  EXPECT_NE(Error({"--listen", "0.0.0.0:1", "--tokens", "t"}).find("without TLS"),
            std::string::npos);
  EXPECT_NE(Error({"--listen=0.0.0.0:1", "--tls-cert=c", "--tls-key=k"}).find("authentication"),
            std::string::npos);
  EXPECT_EQ(Parse({"--listen", "0.0.0.0:1", "--tls-cert", "c", "--tls-key", "k", "--tokens", "t"})
                .listen_port,
            1);
}

TEST(LabdFlags, HelpAndVersion) {
  EXPECT_TRUE(Parse({"--help"}).help);
  EXPECT_TRUE(Parse({"-h"}).help);
  EXPECT_TRUE(Parse({"--version"}).version);
}

TEST(LabdFlags, GeneratedHelpListsEveryFlag) {
  const std::string usage = LabdUsage();
  for (const char* flag : {"--listen",
                           "--data-dir",
                           "--docker-host",
                           "--slots",
                           "--tokens",
                           "--tls-cert",
                           "--tls-key",
                           "--client-ca",
                           "--log-level",
                           "--history-limit",
                           "--history-bytes",
                           "--bookmark-interval",
                           "--max-watchers",
                           "--max-streams",
                           "--max-connections",
                           "--max-client-connections",
                           "--request-timeout",
                           "--idle-timeout",
                           "--sync",
                           "--orphan-lab-prefix",
                           "--netlab",
                           "--netlab-home",
                           "--neops-facade",
                           "--lab-controller",
                           "--version",
                           "--help"})
    EXPECT_NE(usage.find(flag), std::string::npos) << flag << " missing from:\n" << usage;
}

}  // namespace
}  // namespace labctl::server
