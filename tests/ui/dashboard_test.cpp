// The dashboard (/ui/) in Debian's chromium, headless, against the real labd: the queue and the
// labs show what the API holds and follow it live — a release moves the queue on, a node
// becoming ready recolours the topology — in the same document, never reloaded. Auth: the page
// files are public, every data request needs the token; a readonly token gets no write buttons
// and the API refuses its writes anyway. Each page's screenshot is kept under
// build/test-artifacts/dashboard/.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "docker/labd_docker.h"
#include "ui/headless_browser.h"

namespace labctl {
namespace {

using api::json;
using namespace std::chrono_literals;

const std::string kPrefix = "dkui" + testing::CheckoutTag();
const std::string kApi = "/apis/labctl.dev/v1alpha1";
constexpr auto kPageTimeout = 60s;

std::string ArtifactDir() {
  std::string dir = std::string(LABCTL_BINARY_DIR) + "/test-artifacts/dashboard";
  std::filesystem::create_directories(dir);
  return dir;
}

// A JavaScript string literal of `text`.
std::string Js(const std::string& text) { return json(text).dump(); }

std::string Row(const std::string& kind, const std::string& name) {
  return "document.querySelector('tr[data-" + kind + "=" + Js(name) + "]')";
}

std::unique_ptr<testing::HeadlessBrowser> StartBrowser(const std::string& log_name) {
  testing::HeadlessBrowser::Options options;
  options.log_path = ArtifactDir() + "/" + log_name;
  auto browser = std::make_unique<testing::HeadlessBrowser>(options);
  EXPECT_EQ(browser->error(), "");
  return browser;
}

// Waits for `expression`; on failure names it and the last value seen.
void ExpectPage(testing::HeadlessBrowser& browser, const std::string& expression) {
  std::string last;
  EXPECT_TRUE(browser.WaitFor(expression, kPageTimeout, &last))
      << "page never satisfied: " << expression << "\nlast: " << last;
}

void Shoot(testing::HeadlessBrowser& browser, const std::string& name) {
  api::Status st = browser.Screenshot(ArtifactDir() + "/" + name);
  EXPECT_TRUE(st.ok()) << st.ToString();
}

json Session(const std::string& name, const std::string& lab, const std::string& holder) {
  json session = {{"apiVersion", api::kApiVersion},
                  {"kind", "Session"},
                  {"metadata", {{"name", name}}},
                  {"spec", {{"holder", holder}}}};
  if (!lab.empty()) session["spec"]["lab"] = lab;
  return session;
}

// The value of a JavaScript expression in the page (null, and a failure, if it threw).
json Value(testing::HeadlessBrowser& browser, const std::string& expression) {
  auto value = browser.Evaluate(expression);
  EXPECT_TRUE(value.ok()) << expression << ": " << value.status().ToString();
  return value.ok() ? *value : json();
}

// A NAT gateway whose readiness waits for a file the test creates, and a client behind it.
json DashboardLab(const std::string& name) {
  json gw = {{"name", "gw"},
             {"image", "labbox:latest"},
             {"capAdd", {"NET_ADMIN"}},
             {"command", {"sh", "-c", "echo dashboard-log-line-gw; exec sleep infinity"}},
             {"nat", {{"type", "cone"}, {"inside", "lan"}, {"outside", "wan"}}},
             {"readiness", {{"exec", {"sh", "-c", "test -f /tmp/ready"}}, {"timeoutSeconds", 600}}},
             {"interfaces",
              {{{"network", "lan"}, {"ipv4", "10.219.1.254"}},
               {{"network", "wan"}, {"ipv4", "10.219.2.254"}}}}};
  json client = {{"name", "client"},
                 {"image", "labbox:latest"},
                 {"capAdd", {"NET_ADMIN"}},
                 {"interfaces", {{{"network", "lan"}, {"ipv4", "10.219.1.10"}}}},
                 {"defaultGateway", "gw"}};
  return {{"apiVersion", api::kApiVersion},
          {"kind", "Lab"},
          {"metadata", {{"name", name}}},
          {"spec",
           {{"provider", "docker"},
            {"runPolicy", "Always"},
            {"networks",
             {{{"name", "lan"}, {"subnet", "10.219.1.0/24"}},
              {{"name", "wan"}, {"subnet", "10.219.2.0/24"}}}},
            {"nodes", {gw, client}}}}};
}

// Stops labd and removes its data directory.
void RemoveLabd(std::unique_ptr<testing::LabdProcess>& labd) {
  if (!labd) return;
  std::string dir = labd->data_dir();
  labd.reset();
  std::filesystem::remove_all(dir);
}

class DashboardLabTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto r = testing::RunProgram({std::string(LABCTL_SOURCE_DIR) + "/scripts/build-labbox"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }
  void SetUp() override {
    ASSERT_NE(testing::HeadlessBrowser::FindChromium(), "")
        << "chromium is not installed (apt-get install chromium; scripts/lib.sh PACKAGES)";
    testing::SweepPrefix(engine_, kPrefix);
    labd_ = std::make_unique<testing::LabdProcess>(
        testing::DockerLabdOptions(testing::kSystemDockerHost, kPrefix));
  }
  void TearDown() override {
    browser_.reset();
    if (!lab_.empty()) {
      (void)testing::LabdClient(*labd_).Delete(api::Kind::kLab, lab_);
      EXPECT_TRUE(testing::PollGone(*labd_, lab_));
    }
    RemoveLabd(labd_);
    EXPECT_EQ(testing::LeftoversOf(engine_, kPrefix), std::vector<std::string>{});
    testing::SweepPrefix(engine_, kPrefix);
  }

  docker::HttpEngine engine_;
  std::unique_ptr<testing::LabdProcess> labd_;
  std::unique_ptr<testing::HeadlessBrowser> browser_;
  std::string lab_;
};

TEST_F(DashboardLabTest, LabPageAndQueueFollowTheApiLiveWithoutAReload) {
  lab_ = kPrefix + "-lab";
  auto client = testing::LabdClient(*labd_);
  auto created = client.Create(api::Kind::kLab, DashboardLab(lab_));
  ASSERT_TRUE(created.ok()) << created.status().ToString();

  browser_ = StartBrowser("chromium-lab.log");
  ASSERT_EQ(browser_->error(), "");
  api::Status loaded = browser_->Navigate(labd_->url() + "/ui/#/labs/" + lab_);
  ASSERT_TRUE(loaded.ok()) << loaded.ToString();
  // The topology as labd drew it: both nodes and both networks, the gateway's NAT role.
  const std::string topology = "document.getElementById('topology')";
  ExpectPage(*browser_, topology + ".querySelector('svg g.node#net-lan') !== null");
  ExpectPage(*browser_, topology + ".textContent.includes('NAT cone')");
  ExpectPage(*browser_, topology + ".textContent.includes('(outside)')");
  // The client runs and is ready; the gateway runs but its readiness file is missing.
  ExpectPage(*browser_, "document.getElementById('node-client')?.classList.contains('st-ready')");
  ExpectPage(*browser_, "document.getElementById('node-gw')?.classList.contains('st-starting')");
  ASSERT_EQ(Value(*browser_, "window.sameDocument = 'lab page'; true"), true);

  // The gateway becomes ready: its box turns green in the same document.
  auto touched = engine_.Exec(docker::ContainerName(lab_, "gw"), {"touch", "/tmp/ready"});
  ASSERT_TRUE(touched.ok()) << touched.status().ToString();
  ExpectPage(*browser_, "document.getElementById('node-gw')?.classList.contains('st-ready')");
  ExpectPage(*browser_, "document.querySelector('#lab-phase .phase')?.textContent === 'Ready'");
  ExpectPage(*browser_, "document.querySelectorAll('#lab-events li').length > 0");
  ExpectPage(*browser_, "window.sameDocument === 'lab page'");

  // A node's last log lines through the logs action.
  Value(*browser_, Row("node", "gw") + ".querySelector('button.logs-button').click()");
  ExpectPage(*browser_,
             "document.getElementById('logs').textContent.includes('dashboard-log-line-gw')");
  Shoot(*browser_, "lab.png");

  // The queue: A holds the lab, B waits behind it.
  const std::string a = kPrefix + "-a", b = kPrefix + "-b";
  ASSERT_TRUE(client.Create(api::Kind::kSession, Session(a, lab_, "pipeline 4711")).ok());
  ASSERT_TRUE(client.Create(api::Kind::kSession, Session(b, lab_, "alice laptop")).ok());
  Value(*browser_, "location.hash = '#/'; true");
  ExpectPage(*browser_, Row("session", a) + "?.dataset.phase === 'Active'");
  ExpectPage(*browser_, Row("session", b) + "?.dataset.phase === 'Waiting'");
  ExpectPage(*browser_, Row("session", b) + "?.querySelector('.position').textContent === '1'");
  ExpectPage(*browser_, Row("session", b) +
                            "?.querySelector('.holder').textContent === " + Js("alice laptop"));
  ExpectPage(*browser_, Row("lab", lab_) + "?.querySelector('.held-by').textContent === " + Js(a));
  ExpectPage(*browser_, Row("lab", lab_) + "?.querySelector('.ready').textContent === '2/2'");
  ExpectPage(*browser_, Row("lab", lab_) + "?.dataset.phase === 'Ready'");
  // anonymous is an admin without --tokens: the release buttons are there.
  ExpectPage(*browser_,
             Row("session", a) + "?.querySelector('button.release') instanceof HTMLButtonElement");
  Shoot(*browser_, "overview.png");

  // A release moves the queue on, in the same document.
  ASSERT_TRUE(client.Post(kApi + "/sessions/" + a + "/release", json::object()).ok());
  ExpectPage(*browser_, Row("session", b) + "?.dataset.phase === 'Active'");
  ExpectPage(*browser_, "document.querySelector('#finished tr[data-session=" + Js(a) +
                            "]')?.dataset.phase === 'Released'");
  ExpectPage(*browser_, "document.querySelector('#queue tr[data-session=" + Js(a) + "]') === null");
  ExpectPage(*browser_, Row("lab", lab_) + "?.querySelector('.held-by').textContent === " + Js(b));
  EXPECT_EQ(Value(*browser_, "window.sameDocument"), "lab page");
  Shoot(*browser_, "overview-after-release.png");
  // One watch stream per kind shown, however many pages were visited.
  EXPECT_EQ(Value(*browser_, "document.querySelectorAll('#streams [data-state=live]').length"), 3);
  EXPECT_EQ(browser_->PageErrors(), json::array());
}

// Auth: labd with a tokens file (no Docker needed).
class DashboardAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(testing::HeadlessBrowser::FindChromium(), "")
        << "chromium is not installed (apt-get install chromium; scripts/lib.sh PACKAGES)";
    tokens_dir_ = testing::MakeTempDir("labd-ui-tokens");
    std::ofstream(tokens_dir_ + "/tokens") << kAdminToken << ",root,admin\n"
                                           << kViewerToken << ",viewer,readonly\n";
    testing::LabdProcess::Options options;
    options.extra_args = {"--tokens", tokens_dir_ + "/tokens"};
    labd_ = std::make_unique<testing::LabdProcess>(options);
  }
  void TearDown() override {
    browser_.reset();
    RemoveLabd(labd_);
    std::filesystem::remove_all(tokens_dir_);
  }

  client::Client As(const std::string& token) {
    return client::Client(client::Options{labd_->url(), token, 10s});
  }

  // Signs in through the page's login form.
  void SignIn(const std::string& token) {
    ExpectPage(*browser_, "!document.getElementById('login').hidden");
    ASSERT_TRUE(browser_
                    ->Evaluate("document.getElementById('token').value = " + Js(token) +
                               "; document.getElementById('login-form').requestSubmit(); true")
                    .ok());
  }

  static constexpr char kAdminToken[] = "admin-token-0123456789";
  static constexpr char kViewerToken[] = "viewer-token-0123456789";
  std::string tokens_dir_;
  std::unique_ptr<testing::LabdProcess> labd_;
  std::unique_ptr<testing::HeadlessBrowser> browser_;
};

TEST_F(DashboardAuthTest, PageFilesArePublicAndItsDataNeedsAToken) {
  auto anonymous = As("");
  for (const char* path : {"/ui/", "/ui/app.js", "/ui/style.css"}) {
    auto file = anonymous.Request("GET", path);
    EXPECT_TRUE(file.ok()) << path << " " << file.status().ToString();
  }
  for (const std::string& path :
       {kApi + "/whoami", kApi + "/sessions?watch=1", kApi + "/labs?watch=1",
        kApi + "/events?watch=1", kApi + "/labs/x/graph?format=svg",
        kApi + "/labs/x/logs?node=n"}) {
    auto data = anonymous.Request("GET", path);
    EXPECT_EQ(data.status().code(), api::Code::kUnauthorized) << path;
  }
  // The topology picture, for any token (a readonly one too), in the three formats.
  json lab = DashboardLab("ui-auth-lab");
  ASSERT_TRUE(As(kAdminToken).Create(api::Kind::kLab, lab).ok());
  auto svg = As(kViewerToken).Request("GET", kApi + "/labs/ui-auth-lab/graph?format=svg");
  ASSERT_TRUE(svg.ok()) << svg.status().ToString();
  EXPECT_NE(svg->get<std::string>().find("<g id=\"node&#45;gw\" class=\"node\">"),
            std::string::npos)
      << *svg;
  auto dot = As(kViewerToken).Request("GET", kApi + "/labs/ui-auth-lab/graph?format=dot");
  ASSERT_TRUE(dot.ok()) << dot.status().ToString();
  EXPECT_NE(dot->get<std::string>().find("graph \"ui-auth-lab\""), std::string::npos) << *dot;
  EXPECT_EQ(
      As(kViewerToken).Request("GET", kApi + "/labs/ui-auth-lab/graph?format=png").status().code(),
      api::Code::kBadRequest);
  EXPECT_EQ(As(kViewerToken).Request("GET", kApi + "/labs/missing/graph").status().code(),
            api::Code::kNotFound);

  auto me = As(kViewerToken).Request("GET", kApi + "/whoami");
  ASSERT_TRUE(me.ok()) << me.status().ToString();
  EXPECT_EQ((*me)["user"], "viewer");
  EXPECT_EQ((*me)["canWrite"], false);
}

TEST_F(DashboardAuthTest, AReadonlyTokenSeesTheQueueButCannotWrite) {
  const std::string name = "ui-auth-a";
  ASSERT_TRUE(As(kAdminToken).Create(api::Kind::kSession, Session(name, "", "nightly")).ok());
  browser_ = StartBrowser("chromium-auth.log");
  ASSERT_EQ(browser_->error(), "");
  api::Status loaded = browser_->Navigate(labd_->url() + "/ui/");
  ASSERT_TRUE(loaded.ok()) << loaded.ToString();
  SignIn("wrong-token");
  ExpectPage(*browser_, "document.getElementById('login-error').textContent.includes('unknown')");
  Shoot(*browser_, "login.png");

  SignIn(kViewerToken);
  ExpectPage(*browser_, Row("session", name) + "?.dataset.phase === 'Active'");
  ExpectPage(*browser_, "document.getElementById('me').textContent === 'viewer (read-only)'");
  EXPECT_EQ(Value(*browser_, "document.querySelectorAll('button.release').length"), 0);
  // The token lives in this tab's sessionStorage, never in the address.
  EXPECT_EQ(Value(*browser_, "sessionStorage.getItem('labctl.token')"), kViewerToken);
  EXPECT_EQ(Value(*browser_, "location.href.includes('token')"), false);
  // A write sent with the page's token anyway is refused by the API.
  auto code = Value(
      *browser_, "fetch('" + kApi + "/sessions/" + name +
                     "/release', {method: 'POST', body: '{}', headers: {Authorization: 'Bearer ' + "
                     "sessionStorage.getItem('labctl.token')}}).then((r) => r.status)");
  EXPECT_EQ(code, 403);
  auto session = As(kAdminToken).Get(api::Kind::kSession, name);
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  EXPECT_EQ((*session)["status"]["phase"], "Active");
  Shoot(*browser_, "overview-readonly.png");

  // An admin signs in (same tab, after logging out) and gets the buttons.
  Value(*browser_, "document.getElementById('logout').click(); true");
  SignIn(kAdminToken);
  ExpectPage(*browser_, Row("session", name) +
                            "?.querySelector('button.release') instanceof HTMLButtonElement");
  Value(*browser_, Row("session", name) + ".querySelector('button.release').click()");
  ExpectPage(*browser_, "document.querySelector('#finished tr[data-session=" + Js(name) +
                            "]')?.dataset.phase === 'Released'");
  EXPECT_EQ(browser_->PageErrors(), json::array());
}

// The harness itself: a script error in the page is reported, not lost.
TEST(HeadlessBrowserTest, ReportsUncaughtPageErrors) {
  ASSERT_NE(testing::HeadlessBrowser::FindChromium(), "") << "chromium is not installed";
  auto browser = StartBrowser("chromium-harness.log");
  ASSERT_EQ(browser->error(), "");
  ASSERT_TRUE(
      browser->Navigate("data:text/html,<p>x</p><script>throw new Error('boom')</script>").ok());
  EXPECT_EQ(Value(*browser, "document.querySelector('p').textContent"), "x");
  json errors = browser->PageErrors();
  ASSERT_EQ(errors.size(), 1u) << errors;
  EXPECT_NE(errors[0].get<std::string>().find("boom"), std::string::npos) << errors;
}

}  // namespace
}  // namespace labctl
