#include "docker/private_dockerd.h"

#include <fcntl.h>
#include <glob.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "drivers/docker/http_engine.h"
#include "support/labd_process.h"
#include "support/poll.h"

namespace labctl::testing {
namespace {

using namespace std::chrono_literals;

constexpr char kDirPrefix[] = "labctl-dockerd";

int ReadPid(const std::string& path) {
  std::ifstream in(path);
  int pid = -1;
  in >> pid;
  return in ? pid : -1;
}

bool Alive(int pid) { return pid > 0 && ::kill(pid, 0) == 0; }

// Whether the command line of `pid` names `dir`: how the dockerd started for it (and its
// containerd and shims) are told apart from anything else — a pid file outlives its process, and
// the number may since belong to anything, the host's dockerd too.
bool NamesDir(int pid, const std::string& dir) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline");
  std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return cmdline.find(dir) != std::string::npos;
}

// Waits for a process that is not our child (a leftover) to disappear.
void WaitGone(int pid, std::chrono::seconds timeout) {
  PollUntil([pid] { return !Alive(pid); }, timeout, 100ms);
}

// pid -> parent pid of every process.
std::map<int, int> ParentsOfAll() {
  std::map<int, int> parents;
  std::error_code ec;  // processes come and go while /proc is read
  for (auto entry = std::filesystem::directory_iterator("/proc", ec);
       !ec && entry != std::filesystem::directory_iterator(); entry.increment(ec)) {
    const std::string name = entry->path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry->path() / "stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    size_t close = stat.rfind(')');  // the command may hold spaces and parentheses
    if (close == std::string::npos) continue;
    std::istringstream rest(stat.substr(close + 2));
    std::string state;
    int ppid = 0;
    rest >> state >> ppid;
    parents[std::stoi(name)] = ppid;
  }
  return parents;
}

// SIGKILLs every process whose command line names the daemon's exec root `dir`/exec (dockerd,
// its containerd, containerd-shims; not a labd that only names `dir`/docker.sock) together with
// all of its descendants (the containers' processes, whose command lines do not name it), and
// waits until they are gone.
void KillProcessTreesOf(const std::string& dir) {
  auto parents = ParentsOfAll();
  std::set<int> doomed;
  for (const auto& [pid, ppid] : parents)
    if (pid != ::getpid() && NamesDir(pid, dir + "/exec")) doomed.insert(pid);
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& [pid, ppid] : parents)
      if (doomed.count(ppid) && doomed.insert(pid).second) grew = true;
  }
  for (int pid : doomed) ::kill(pid, SIGKILL);
  for (int pid : doomed) {
    ::waitpid(pid, nullptr, WNOHANG);  // reap it if it is our child
    WaitGone(pid, 10s);
  }
}

// Mount points at or under `dir`, deepest first.
std::vector<std::string> MountsUnder(const std::string& dir) {
  std::vector<std::string> mounts;
  std::ifstream in("/proc/self/mountinfo");
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string id, parent, devices, root, point;
    fields >> id >> parent >> devices >> root >> point;
    if (point == dir || point.rfind(dir + "/", 0) == 0) mounts.push_back(point);
  }
  std::sort(mounts.begin(), mounts.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  return mounts;
}

// dockerd bind-mounts its data root onto itself, and netns files under its exec root; they stay
// mounted after the daemon is killed.
void RemoveDir(const std::string& dir) {
  for (const auto& mount : MountsUnder(dir)) ::umount2(mount.c_str(), MNT_DETACH);
  RunProgram({"rm", "-rf", dir});
}

void DeleteBridge(const std::string& name) {
  if (!name.empty()) RunProgram({"ip", "link", "delete", name, "type", "bridge"});
}

std::string ReadWord(const std::string& path) {
  std::ifstream in(path);
  std::string word;
  in >> word;
  return word;
}

// Stops and removes the private dockerds of earlier runs whose test process is gone.
void SweepLeftovers() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/" + kDirPrefix + "-*";
  glob_t g{};
  if (::glob(pattern.c_str(), 0, nullptr, &g) != 0) return;
  for (size_t i = 0; i < g.gl_pathc; ++i) {
    std::string dir = g.gl_pathv[i];
    if (Alive(ReadPid(dir + "/owner"))) continue;  // another live test's daemon
    int daemon = ReadPid(dir + "/pid");
    if (Alive(daemon) && NamesDir(daemon, dir)) {
      ::kill(daemon, SIGTERM);
      WaitGone(daemon, 30s);
    }
    KillProcessTreesOf(dir);
    DeleteBridge(ReadWord(dir + "/bridge"));
    RemoveDir(dir);
  }
  ::globfree(&g);
}

// Creates the daemon's own default bridge with an address of its own subnet (dockerd takes the
// bridge's address as its gateway; --bip cannot be combined with --bridge).
api::Status CreateBridge(const std::string& name) {
  const std::string address = "198.18." + std::to_string(::getpid() % 250) + ".1/24";
  for (const std::vector<std::string>& cmd :
       {std::vector<std::string>{"ip", "link", "add", "name", name, "type", "bridge"},
        std::vector<std::string>{"ip", "addr", "add", address, "dev", name},
        std::vector<std::string>{"ip", "link", "set", name, "up"}}) {
    auto r = RunProgram(cmd);
    if (r.exit_code != 0) return api::Status::Internal("creating bridge " + name + ": " + r.err);
  }
  return api::Status::Ok();
}

}  // namespace

PrivateDockerd::PrivateDockerd() {
  SweepLeftovers();
  dir_ = MakeTempDir(kDirPrefix);
  std::ofstream(dir_ + "/owner") << ::getpid() << "\n";
  // Whose suite it is: the end-of-suite hygiene check counts only its own build's leftovers.
  std::ofstream(dir_ + "/build-dir") << LABCTL_BINARY_DIR << "\n";
}

PrivateDockerd::~PrivateDockerd() {
  (void)Stop();
  DeleteBridge(bridge_);
  RemoveDir(dir_);
}

api::Status PrivateDockerd::Start() {
  if (pid_ > 0) return api::Status::Ok();
  if (bridge_.empty()) {
    const std::string name = "lbtest" + std::to_string(::getpid());
    std::ofstream(dir_ + "/bridge") << name << "\n";  // for the sweep, should this run be killed
    LABCTL_RETURN_IF_ERROR(CreateBridge(name));
    bridge_ = name;
  }
  std::vector<std::string> args = {"dockerd", "--host", host(), "--data-root", dir_ + "/root",
                                   "--exec-root", dir_ + "/exec", "--pidfile", dir_ + "/pid",
                                   "--bridge", bridge_, "--iptables=false", "--ip-forward=false",
                                   "--shutdown-timeout", "1",
                                   // Overlay mounts under /tmp get copied into the mount
                                   // namespaces of containers the system dockerd starts
                                   // meanwhile and then cannot be removed ("device or resource
                                   // busy"): vfs mounts nothing.
                                   "--storage-driver", "vfs"};
  if (tls_port_ > 0) {
    const std::string tls = tls_dir();
    args.insert(args.end(),
                {"--host", tls_host(), "--tlsverify", "--tlscacert", tls + "/ca.pem", "--tlscert",
                 tls + "/server-cert.pem", "--tlskey", tls + "/server-key.pem"});
  }
  std::string log = log_path();
  pid_t pid = ::fork();
  if (pid < 0) return api::Status::Internal("fork failed");
  if (pid == 0) {
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd >= 0) {
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execvp(argv[0], argv.data());
    _exit(127);
  }
  pid_ = pid;
  docker::HttpEngine engine(
      docker::HttpEngineOptions{.docker_host = host(), .timeout_seconds = 2, .tls = std::nullopt});
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (engine.Version().ok()) return api::Status::Ok();
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return api::Status::Unavailable("dockerd exited at start (exit status " +
                                      std::to_string(WEXITSTATUS(status)) + "); see " + log);
    }
    std::this_thread::sleep_for(200ms);
  }
  return api::Status::Unavailable("dockerd did not answer within 60 s; see " + log);
}

api::Status PrivateDockerd::Stop() {
  if (pid_ <= 0) return api::Status::Ok();
  ::kill(pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + 60s;
  int status = 0;
  api::Status result;
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      result = api::Status::Internal("dockerd did not stop within 60 s on SIGTERM; killed");
      break;
    }
    std::this_thread::sleep_for(100ms);
  }
  pid_ = -1;
  // What dockerd left running (a containerd-shim, its container) would outlive the test.
  KillProcessTreesOf(dir_);
  return result;
}

api::Status PrivateDockerd::LoadImage(const std::string& image) {
  auto r = RunProgram({"sh", "-c", "docker save \"$0\" | docker -H \"$1\" load", image, host()});
  if (r.exit_code != 0)
    return api::Status::Internal("loading " + image + " into the private dockerd: " + r.err);
  return api::Status::Ok();
}

api::Status PrivateDockerd::EnableTls() {
  // Certificates valid for two days: the CA, the engine's (for 127.0.0.1), labd's (a client).
  const char* script = R"(set -e
mkdir -p "$0" && cd "$0"
req() { openssl req -newkey rsa:2048 -nodes -keyout "$1" -out "$2" -subj "$3" 2>/dev/null; }
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca-key.pem -out ca.pem -days 2 \
  -subj /CN=labctl-test-ca 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout other-ca-key.pem -out other-ca.pem -days 2 \
  -subj /CN=labctl-other-ca 2>/dev/null
req server-key.pem server.csr /CN=127.0.0.1
printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial \
  -out server-cert.pem -days 2 -extfile server.ext 2>/dev/null
req key.pem client.csr /CN=labd
printf 'extendedKeyUsage=clientAuth\n' > client.ext
openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial \
  -out cert.pem -days 2 -extfile client.ext 2>/dev/null
)";
  auto r = RunProgram({"sh", "-c", script, tls_dir()});
  if (r.exit_code != 0) return api::Status::Internal("making TLS certificates: " + r.err);
  tls_port_ = FreePort();
  return api::Status::Ok();
}

}  // namespace labctl::testing
