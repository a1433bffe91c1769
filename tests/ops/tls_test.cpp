// TLS on labd's listener (--tls-cert/--tls-key/--client-ca) with a throw-away CA made by the
// openssl CLI: the API and the Neops facade over https with labctl's --certificate-authority
// (flag and config file), a certificate from another CA refused with a message saying what to
// do, plain HTTP to the TLS port answered with a plain 400 naming https, client certificates,
// and labd's refusal to listen off loopback without TLS and authentication.
#include <gmock/gmock.h>

#include <chrono>
#include <fstream>

#include "support/labd_process.h"
#include "support/poll.h"

namespace labctl::ops {
namespace {

using testing::CommandResult;
using ::testing::HasSubstr;
using testing::RunLabctl;
using testing::RunProgram;

// Two CAs (the second one "wrong"), a server certificate for 127.0.0.1 and a client certificate
// signed by the first.
constexpr char kMakeCerts[] = R"(set -e
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
ca() { key $1.key; openssl req -x509 -new -key $1.key -out $1.crt -days 2 -subj "/CN=$2"; }
ca ca "labctl test CA"
ca wrong-ca "another CA"
leaf() {
  key $1.key
  openssl req -new -key $1.key -out $1.csr -subj "/CN=$2"
  printf 'basicConstraints=CA:FALSE\nextendedKeyUsage=%s\n%s\n' "$3" "$4" > $1.ext
  openssl x509 -req -in $1.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
    -extfile $1.ext -out $1.crt 2>/dev/null
}
leaf server 127.0.0.1 serverAuth 'subjectAltName=IP:127.0.0.1,DNS:localhost'
leaf client alice clientAuth ''
)";

class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(testing::MakeTempDir("labctl-tls"));
    CommandResult r = RunProgram({"sh", "-c", std::string("cd ") + *dir_ + " && " + kMakeCerts});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() {
    RunProgram({"rm", "-rf", *dir_});
    delete dir_;
  }
  static std::string File(const std::string& name) { return *dir_ + "/" + name; }
  // A fresh directory inside the suite's, which TearDownTestSuite removes.
  static std::string NewDir() {
    static int n = 0;
    std::string dir = File("data-" + std::to_string(++n));
    RunProgram({"mkdir", "-p", dir});
    return dir;
  }
  // labd's flags for a run that must never reach Docker, whatever else it is given.
  static std::vector<std::string> Labd(std::vector<std::string> flags) {
    flags.insert(flags.begin(),
                 {LABD_BIN, "--data-dir", NewDir(), "--docker-host",
                  "unix:///nonexistent/labctl-test-no-docker.sock", "--lab-controller", "false"});
    return flags;
  }

  // labd serving TLS on loopback, with `extra` flags; waits until labctl gets through.
  std::unique_ptr<testing::LabdProcess> StartLabd(std::vector<std::string> extra,
                                                  std::vector<std::string> client_flags) {
    std::vector<std::string> args = {"--tls-cert", File("server.crt"), "--tls-key",
                                     File("server.key")};
    args.insert(args.end(), extra.begin(), extra.end());
    auto labd = std::make_unique<testing::LabdProcess>(testing::LabdProcess::Options{
        .data_dir = NewDir(), .extra_args = args, .wait_ready = false});
    url_ = "https://127.0.0.1:" + std::to_string(labd->port());
    client_flags.insert(client_flags.end(), {"get", "labs"});
    CommandResult r;
    testing::PollUntil([&] {
      if (!labd->running()) return true;
      r = Labctl(client_flags);
      return r.exit_code == 0;
    });
    if (r.exit_code == 0) return labd;
    ADD_FAILURE() << "labd over TLS not reachable: " << r.err << "\nlog:\n"
                  << testing::ReadFile(labd->log_path());
    return labd;
  }

  CommandResult Labctl(std::vector<std::string> args,
                       const std::map<std::string, std::string>& env = {
                           {"LABCTL_CONFIG", "/nonexistent"}}) {
    args.insert(args.begin(), {"--server", url_});
    return RunLabctl("", args, "", env);
  }

  static std::string* dir_;
  std::string url_;
};

std::string* TlsTest::dir_ = nullptr;

TEST_F(TlsTest, GoodCertificateServesTheApiAndTheFacadeOnOneListener) {
  auto labd = StartLabd({}, {"--certificate-authority", File("ca.crt")});
  CommandResult r = Labctl({"--certificate-authority", File("ca.crt"), "version"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Server Version: ")) << r.out;
  // The facade, by curl trusting the same CA.
  r = RunProgram({"curl", "-sS", "--cacert", File("ca.crt"), url_ + "/debug/health"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"status\"")) << r.out;
  // The CA from the config file.
  std::string config = File("config");
  std::ofstream(config) << "server: " << url_ << "\ncertificate-authority: " << File("ca.crt")
                        << "\n";
  r = RunLabctl("", {"get", "labs"}, "", {{"LABCTL_CONFIG", config}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // Without verification (testing only).
  r = Labctl({"--insecure-skip-tls-verify", "get", "labs"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(TlsTest, CertificateOfAnotherCaFailsSayingWhatToDo) {
  auto labd = StartLabd({}, {"--certificate-authority", File("ca.crt")});
  for (const std::vector<std::string>& flags :
       {std::vector<std::string>{"--certificate-authority", File("wrong-ca.crt")},
        std::vector<std::string>{}}) {
    auto args = flags;
    args.insert(args.end(), {"get", "labs"});
    CommandResult r = Labctl(args);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_THAT(r.err, HasSubstr("cannot reach labd at " + url_));
    EXPECT_THAT(r.err, HasSubstr("certificate is not trusted"));
    EXPECT_THAT(r.err, HasSubstr("--certificate-authority"));
  }
}

TEST_F(TlsTest, PlainHttpToTheTlsPortGetsAPlainAnswerNamingHttps) {
  auto labd = StartLabd({}, {"--certificate-authority", File("ca.crt")});
  std::string plain = "http://127.0.0.1:" + std::to_string(labd->port());
  CommandResult r = RunLabctl(plain, {"get", "labs"}, "", {{"LABCTL_CONFIG", "/nonexistent"}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("labd serves HTTPS on this port")) << r.err;
  r = RunProgram({"curl", "-sS", "-w", "\n%{http_code}", plain + "/healthz"});
  EXPECT_THAT(r.out, HasSubstr("use an https:// URL")) << r.out << r.err;
  EXPECT_THAT(r.out, ::testing::EndsWith("\n400")) << r.out;
  // The TLS side still works after that.
  r = Labctl({"--certificate-authority", File("ca.crt"), "get", "labs"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(TlsTest, ClientCaRequiresAClientCertificateItSigned) {
  std::vector<std::string> with_cert = {
      "--certificate-authority", File("ca.crt"), "--client-certificate",
      File("client.crt"),        "--client-key", File("client.key")};
  auto labd = StartLabd({"--client-ca", File("ca.crt")}, with_cert);
  CommandResult r = Labctl({"--certificate-authority", File("ca.crt"), "get", "labs"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("give --client-certificate and --client-key")) << r.err;
  with_cert.insert(with_cert.end(), {"get", "labs"});
  r = Labctl(with_cert);
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(TlsTest, LabdRefusesToListenOffLoopbackWithoutTlsAndAuthentication) {
  std::string tokens = File("tokens");
  std::ofstream(tokens) << "s3cret,alice,admin\n";
  const std::string any = "0.0.0.0:" + std::to_string(testing::FreePort());
  struct Case {
    std::vector<std::string> flags;
    std::string says;
  };
  const std::vector<Case> cases = {
      {{}, "without TLS"},
      {{"--tokens", tokens}, "without TLS"},
      {{"--tls-cert", File("server.crt"), "--tls-key", File("server.key")},
       "without authentication"},
      {{"--tls-cert", File("server.crt")}, "--tls-cert and --tls-key go together"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> flags = {"--listen", any};
    flags.insert(flags.end(), c.flags.begin(), c.flags.end());
    CommandResult r = RunProgram(Labd(flags));
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_THAT(r.err, HasSubstr(c.says));
  }
}

TEST_F(TlsTest, UnreadableKeyStopsLabdNamingTheFile) {
  CommandResult r =
      RunProgram(Labd({"--listen", "127.0.0.1:" + std::to_string(testing::FreePort()), "--tls-cert",
                       File("server.crt"), "--tls-key", File("client.key")}));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("--tls-key " + File("client.key") + ": ")) << r.err;
}

}  // namespace
}  // namespace labctl::ops
