#include "e2e/e2e_util.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

namespace labctl::e2e {

std::string UniqueName(const std::string& prefix) {
  static std::atomic<int> n{0};
  return prefix + "-" + std::to_string(getpid()) + "-" + std::to_string(++n);
}

std::string LabYaml(const std::string& name, const std::string& step, const std::string& image) {
  return "apiVersion: labctl.dev/v1alpha1\n"
         "kind: Lab\n"
         "metadata:\n"
         "  name: " +
         name +
         "\n"
         "  labels:\n"
         "    e2e: labctl\n"
         "    step: " +
         step +
         "\n"
         "spec:\n"
         "  provider: docker\n"
         "  runPolicy: OnDemand\n"
         "  networks:\n"
         "    - {name: lan1, subnet: 192.168.101.0/24}\n"
         "  nodes:\n"
         "    - name: client-01\n"
         "      image: " +
         image +
         "\n"
         "      interfaces: [{network: lan1, ipv4: 192.168.101.10}]\n";
}

std::string WriteFile(const std::string& dir, const std::string& name, const std::string& text) {
  std::string path = dir + "/" + name;
  std::ofstream(path) << text;
  return path;
}

namespace {
void ReadModifyWrite(client::Client& c, api::Kind kind, const std::string& name,
                     const std::function<void(json&)>& mutate, bool status) {
  for (int attempt = 0; attempt < 20; ++attempt) {
    auto o = c.Get(kind, name);
    ASSERT_TRUE(o.ok()) << o.status().ToString();
    json obj = *o;
    mutate(obj);
    auto r = status ? c.ReplaceStatus(kind, obj) : c.Replace(kind, obj);
    if (r.ok()) return;
    ASSERT_EQ(r.status().code(), api::Code::kConflict) << r.status().ToString();
  }
  FAIL() << "kept conflicting on " << name;
}
}  // namespace

void UpdateStatus(client::Client& c, api::Kind kind, const std::string& name,
                  const std::function<void(json&)>& mutate) {
  ReadModifyWrite(c, kind, name, mutate, true);
}

void UpdateObject(client::Client& c, api::Kind kind, const std::string& name,
                  const std::function<void(json&)>& mutate) {
  ReadModifyWrite(c, kind, name, mutate, false);
}

BackgroundLabctl::BackgroundLabctl(const std::string& server,
                                   const std::vector<std::string>& args) {
  out_path_ = testing::MakeTempDir("labctl-bg") + "/out";
  std::vector<std::string> argv = {LABCTL_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  pid_ = fork();
  if (pid_ == 0) {
    int fd = open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, STDIN_FILENO);
    setenv("LABCTL_SERVER", server.c_str(), 1);
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    execv(cargv[0], cargv.data());
    _exit(127);
  }
}

BackgroundLabctl::~BackgroundLabctl() { Kill(); }

int BackgroundLabctl::Wait(std::chrono::milliseconds limit) {
  if (pid_ <= 0) return exit_code_;
  int status = 0;
  if (!testing::WaitExit(pid_, limit, &status)) return -1;
  pid_ = -1;
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return exit_code_;
}

void BackgroundLabctl::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

void LabctlE2eTest::SetUp() {
  labd_ = std::make_unique<testing::LabdProcess>();
  ASSERT_TRUE(labd_->running());
  client::Options o;
  o.server = labd_->url();
  client_ = std::make_unique<client::Client>(o);
  tmp_ = testing::MakeTempDir("labctl-e2e");
}

testing::CommandResult LabctlE2eTest::Labctl(const std::vector<std::string>& args,
                                             const std::string& input,
                                             const std::map<std::string, std::string>& env) {
  return testing::RunLabctl(labd_->url(), args, input, env);
}

}  // namespace labctl::e2e
