// Sessions against the real labd and labctl binaries: creation-order service under concurrency,
// queue state across kill -9, and `labctl session run` (exit codes, lab readiness, signals).
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "client/client.h"
#include "support/labd_process.h"
#include "tests/support/poll.h"

namespace labctl::sessiontest {
namespace {

using namespace std::chrono_literals;
using api::json;

json NewSession(const std::string& generate_name, const std::string& lab = "") {
  json s = {{"apiVersion", api::kApiVersion},
            {"kind", "Session"},
            {"metadata", {{"generateName", generate_name}}},
            {"spec", json::object()}};
  if (!lab.empty()) s["spec"]["lab"] = lab;
  return s;
}

client::Client ClientFor(const testing::LabdProcess& labd) {
  return client::Client(client::Options{labd.url(), "", 30000ms});
}

std::string Phase(const json& s) { return s.value("/status/phase"_json_pointer, std::string()); }

// Watches Sessions and releases each one as soon as it is Active, recording the creation order
// (ADDED events) and the service order, and the largest number of simultaneously Active ones.
struct QueueDriver {
  std::vector<std::string> created, served;
  size_t max_active = 0;

  api::Status Run(const std::string& url, const std::string& from, size_t expected) {
    client::Client watcher(client::Options{url, "", 30000ms});
    client::Client releaser(client::Options{url, "", 30000ms});
    std::map<std::string, std::string> phase;
    client::WatchParams params;
    params.resource_version = from;
    params.deadline = std::chrono::steady_clock::now() + 120s;
    return watcher.Watch(api::Kind::kSession, params, [&](const json& event) {
      const json& o = event["object"];
      std::string name = api::Name(o);
      if (event["type"] == "ADDED") created.push_back(name);
      std::string before = phase[name];
      phase[name] = Phase(o);
      size_t active = 0;
      for (const auto& [n, p] : phase) active += p == "Active";
      max_active = std::max(max_active, active);
      if (phase[name] == "Active" && before != "Active") {
        served.push_back(name);
        auto r = releaser.Post(client::ResourcePath(api::Kind::kSession, name) + "/release",
                               json::object());
        EXPECT_TRUE(r.ok()) << r.status().ToString();
      }
      return served.size() < expected;
    });
  }
};

// Starts labctl with LABCTL_SERVER=url in the background (stdout/stderr to `log`); returns its pid.
pid_t StartLabctl(const std::string& url, std::vector<std::string> args, const std::string& log) {
  args.insert(args.begin(), LABCTL_BIN);
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
    }
    setenv("LABCTL_SERVER", url.c_str(), 1);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

// The pid of a child of `parent` whose command name is `comm`, or 0.
pid_t FindChild(pid_t parent, const std::string& comm) {
  DIR* proc = opendir("/proc");
  if (!proc) return 0;
  pid_t found = 0;
  while (dirent* entry = readdir(proc)) {
    pid_t pid = static_cast<pid_t>(std::atoi(entry->d_name));
    if (pid <= 0) continue;
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    size_t open = stat.find('('), close = stat.rfind(')');
    if (open == std::string::npos || close == std::string::npos) continue;
    std::istringstream rest(stat.substr(close + 2));
    char state = 0;
    pid_t ppid = 0;
    rest >> state >> ppid;
    if (ppid == parent && stat.substr(open + 1, close - open - 1) == comm) {
      found = pid;
      break;
    }
  }
  closedir(proc);
  return found;
}

// Plays the (not yet realised) Lab provider: once `lab` is held, reports it Ready.
bool MakeLabReadyOnceHeld(client::Client& c, const std::string& lab) {
  bool gone = false;
  bool ready = testing::PollUntil(
      [&] {
        auto current = c.Get(api::Kind::kLab, lab);
        gone = !current.ok();
        if (gone) return true;
        if (current->value("/status/heldBy"_json_pointer, std::string()).empty()) return false;
        json updated = *current;
        api::SetCondition(updated["status"],
                          {"Ready", "True", "Ready", "", api::Generation(updated)},
                          api::SystemClock::Instance().Now());
        return c.ReplaceStatus(api::Kind::kLab, updated).ok();
      },
      30s, 50ms);
  return ready && !gone;
}

json NetlabLab(const std::string& name) {
  return {{"apiVersion", api::kApiVersion},
          {"kind", "Lab"},
          {"metadata", {{"name", name}, {"labels", {{"labctl.dev/test", "session-run-signal"}}}}},
          {"spec", {{"provider", "netlab"}, {"netlab", {{"topology", "nodes: {r1: {}}\n"}}}}}};
}

TEST(SessionLabd, FiftyConcurrentClientsAreServedInCreationOrderOneAtATime) {
  testing::LabdProcess labd;
  constexpr size_t kClients = 50;
  auto lister = ClientFor(labd);
  // A non-zero revision to watch from: resourceVersion 0 means "any" (a snapshot of ADDED events
  // sorted by name), which loses the creation order when the watch opens after the creates.
  ASSERT_TRUE(lister.Create(api::Kind::kLab, NetlabLab("order-marker")).ok());
  auto empty = lister.List(api::Kind::kSession);
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  std::string from = (*empty)["metadata"]["resourceVersion"];
  ASSERT_NE(from, "0");
  QueueDriver driver;
  auto driving =
      std::async(std::launch::async, [&] { return driver.Run(labd.url(), from, kClients); });
  std::vector<std::thread> clients;
  std::atomic<int> failures{0};
  for (size_t i = 0; i < kClients; ++i)
    clients.emplace_back([&] {
      auto c = ClientFor(labd);
      if (!c.Create(api::Kind::kSession, NewSession("conc-")).ok()) ++failures;
    });
  for (auto& t : clients) t.join();
  ASSERT_EQ(failures.load(), 0);
  api::Status driven = driving.get();
  ASSERT_TRUE(driven.ok()) << driven.ToString();
  ASSERT_EQ(driver.served.size(), kClients);
  EXPECT_EQ(driver.served, driver.created);
  EXPECT_EQ(driver.max_active, 1u);
}

std::map<std::string, std::pair<std::string, int64_t>> Snapshot(client::Client& c) {
  std::map<std::string, std::pair<std::string, int64_t>> out;
  auto list = c.List(api::Kind::kSession);
  EXPECT_TRUE(list.ok()) << list.status().ToString();
  if (!list.ok()) return out;
  for (const auto& s : (*list)["items"])
    out[api::Name(s)] = {Phase(s), s.value("/status/position"_json_pointer, int64_t{-1})};
  return out;
}

bool QueueSettled(client::Client& c, size_t n) {
  auto snap = Snapshot(c);
  if (snap.size() != n) return false;
  std::set<int64_t> positions;
  for (const auto& [name, st] : snap) {
    if (st.first != "Active" && st.first != "Waiting") return false;
    positions.insert(st.second);
  }
  return positions.size() == n;  // 0 (active) and 1..n-1, all distinct
}

// Creates n Sessions one after the other and waits until the queue placed them all; their names
// in creation order (fewer on failure).
std::vector<std::string> CreateQueue(client::Client& c, size_t n, const std::string& prefix) {
  std::vector<std::string> names;
  for (size_t i = 0; i < n; ++i) {
    auto created = c.Create(api::Kind::kSession, NewSession(prefix));
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    if (!created.ok()) return names;
    names.push_back(api::Name(*created));
  }
  EXPECT_TRUE(testing::PollUntil([&] { return QueueSettled(c, n); }));
  return names;
}

// What `labctl session run` does while it waits: a watch of its own Session by name. Its position
// is not stored, yet the watch must learn each move (sent again with the new position).
TEST(SessionLabd, WatchByNameLearnsEachPositionChange) {
  testing::LabdProcess labd;
  auto c = ClientFor(labd);
  std::vector<std::string> names = CreateQueue(c, 4, "byname-");
  ASSERT_EQ(names.size(), 4u);
  std::mutex mu;
  std::vector<int64_t> seen;  // positions the watch showed, in order
  client::Client watcher = ClientFor(labd);
  std::atomic<bool> stop{false};
  std::thread watching([&] {
    client::WatchParams params;
    params.name = names[3];
    params.deadline = std::chrono::steady_clock::now() + 60s;
    watcher.Watch(api::Kind::kSession, params, [&](const json& event) {
      if (stop) return false;
      const json& o = event["object"];
      std::lock_guard<std::mutex> lock(mu);
      int64_t position = o.value("/status/position"_json_pointer, int64_t{-1});
      if (seen.empty() || seen.back() != position) seen.push_back(position);
      return true;
    });
  });
  auto seen_last = [&](int64_t position) {
    return testing::PollUntil([&] {
      std::lock_guard<std::mutex> lock(mu);
      return !seen.empty() && seen.back() == position;
    });
  };
  EXPECT_TRUE(seen_last(3));
  for (size_t i = 0; i < 3; ++i) {
    auto released =
        c.Post(client::ResourcePath(api::Kind::kSession, names[i]) + "/release", json::object());
    ASSERT_TRUE(released.ok()) << released.status().ToString();
    EXPECT_TRUE(seen_last(2 - static_cast<int64_t>(i))) << "after release " << i;
  }
  stop = true;
  // A change of the watched Session ends the watch (a heartbeat this soon writes nothing).
  c.Post(client::ResourcePath(api::Kind::kSession, names[3]) + "/release", json::object());
  watching.join();
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(seen, (std::vector<int64_t>{3, 2, 1, 0}));
}

TEST(SessionLabd, KillNineKeepsOrderPositionsAndActiveSession) {
  testing::LabdProcess labd;
  auto c = ClientFor(labd);
  constexpr size_t kSessions = 8;
  std::vector<std::string> names = CreateQueue(c, kSessions, "crash-");
  ASSERT_EQ(names.size(), kSessions);
  auto before = Snapshot(c);
  EXPECT_EQ(before[names[0]].first, "Active");
  for (size_t i = 1; i < kSessions; ++i) EXPECT_EQ(before[names[i]].second, int64_t(i));

  labd.Kill9();
  labd.Start();
  auto after_client = ClientFor(labd);
  EXPECT_EQ(Snapshot(after_client), before);

  // The order is intact: releasing the head promotes the second created.
  ASSERT_TRUE(
      after_client
          .Post(client::ResourcePath(api::Kind::kSession, names[0]) + "/release", json::object())
          .ok());
  std::string next_phase;
  testing::PollUntil([&] {
    auto s = after_client.Get(api::Kind::kSession, names[1]);
    if (s.ok()) next_phase = Phase(*s);
    return next_phase == "Active";
  });
  EXPECT_EQ(next_phase, "Active");
  EXPECT_EQ(Snapshot(after_client)[names[2]].second, 1);
}

// Positions are not stored but filled in on reads: after promotions with many waiters, GET, list
// and a watch that started after a list (which is sent the moved waiters again) must all end up
// at every waiter's true position, and a facade POST behind the queue (planned alone) must be
// answered with its true position.
TEST(SessionLabd, PositionsStayCorrectOnGetListAndWatchAfterPromotionsWithManyWaiters) {
  testing::LabdProcess labd;
  auto c = ClientFor(labd);
  constexpr size_t kSessions = 101, kReleases = 3, kFacadePosts = 3;
  std::vector<std::string> names = CreateQueue(c, kSessions, "pos-");
  ASSERT_EQ(names.size(), kSessions);
  auto listed = c.List(api::Kind::kSession);
  ASSERT_TRUE(listed.ok());

  std::mutex mu;
  std::map<std::string, std::pair<std::string, int64_t>> watched;  // as the watch last saw it
  std::atomic<bool> stop{false};
  client::Client watcher = ClientFor(labd);
  std::thread watching([&] {
    client::WatchParams params;
    params.resource_version = (*listed)["metadata"]["resourceVersion"];
    params.deadline = std::chrono::steady_clock::now() + 120s;
    watcher.Watch(api::Kind::kSession, params, [&](const json& event) {
      if (stop) return false;
      const json& o = event["object"];
      std::lock_guard<std::mutex> lock(mu);
      watched[api::Name(o)] = {Phase(o), o.value("/status/position"_json_pointer, int64_t{-1})};
      return !stop.load();
    });
  });

  for (size_t i = 0; i < kReleases; ++i) {
    auto released =
        c.Post(client::ResourcePath(api::Kind::kSession, names[i]) + "/release", json::object());
    ASSERT_TRUE(released.ok()) << released.status().ToString();
    auto next = c.Get(api::Kind::kSession, names[i + 1]);  // handed over before the answer
    ASSERT_TRUE(next.ok());
    EXPECT_EQ(Phase(*next), "Active");
  }
  for (size_t i = 0; i < kFacadePosts; ++i) {
    auto posted = c.Post("/session", json::object());
    ASSERT_TRUE(posted.ok()) << posted.status().ToString();
    EXPECT_EQ((*posted)["position"], int64_t(kSessions - kReleases - 1 + i + 1));
  }

  // Expected: names[kReleases] Active, the rest at 1, 2, ... in creation order, then the facade
  // sessions behind them.
  auto expected_position = [&](const json& s) -> int64_t {
    auto it = std::find(names.begin(), names.end(), api::Name(s));
    if (it == names.end()) return -2;  // a facade session: checked by order below
    auto index = static_cast<int64_t>(it - names.begin());
    return index < int64_t(kReleases) ? 0 : index - int64_t(kReleases);
  };
  std::string mismatch;
  bool settled = testing::PollUntil([&] {
    auto list = c.List(api::Kind::kSession);
    if (!list.ok()) return false;
    std::vector<std::pair<uint64_t, int64_t>> facade;  // queuedRevision, position
    for (const auto& s : (*list)["items"]) {
      const std::string name = api::Name(s);
      int64_t want = expected_position(s);
      int64_t listed_position = s.value("/status/position"_json_pointer, int64_t{-1});
      if (want == -2) {
        facade.push_back(
            {s.value("/status/queuedRevision"_json_pointer, uint64_t{0}), listed_position});
        continue;
      }
      if (Phase(s) != "Waiting") continue;
      auto got = c.Get(api::Kind::kSession, name);
      int64_t get_position = got.ok() ? got->value("/status/position"_json_pointer, -1) : -1;
      std::pair<std::string, int64_t> seen;
      {
        std::lock_guard<std::mutex> lock(mu);
        seen = watched[name];
      }
      if (listed_position != want || get_position != want || seen.second != want) {
        mismatch = name + " want " + std::to_string(want) + " list " +
                   std::to_string(listed_position) + " get " + std::to_string(get_position) +
                   " watch " + std::to_string(seen.second);
        return false;
      }
    }
    std::sort(facade.begin(), facade.end());
    for (size_t i = 0; i < facade.size(); ++i)
      if (facade[i].second != int64_t(kSessions - kReleases - 1 + i + 1)) {
        mismatch =
            "facade session " + std::to_string(i) + " at " + std::to_string(facade[i].second);
        return false;
      }
    return facade.size() == kFacadePosts;
  });
  EXPECT_TRUE(settled) << mismatch;
  stop = true;
  c.Create(api::Kind::kSession, NewSession("pos-wake-"));  // an event, so the watch sees stop
  watching.join();
}

TEST(SessionLabd, SessionRunReturnsTheCommandsExitCodeAndReleases) {
  testing::LabdProcess labd;
  auto result =
      testing::RunLabctl(labd.url(), {"session", "run", "--holder", "unit test", "--", "sh", "-c",
                                      "test -n \"$LABCTL_SESSION\" && exit 3"});
  EXPECT_EQ(result.exit_code, 3) << result.err;
  auto c = ClientFor(labd);
  auto list = c.List(api::Kind::kSession);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ((*list)["items"].size(), 1u);
  EXPECT_EQ(Phase((*list)["items"][0]), "Released");
}

TEST(SessionLabd, SessionRunWaitsForTheLabToBeReady) {
  testing::LabdProcess labd;
  auto c = ClientFor(labd);
  json lab = {{"apiVersion", api::kApiVersion},
              {"kind", "Lab"},
              {"metadata", {{"name", "waitlab"}}},
              {"spec", {{"provider", "netlab"}, {"netlab", {{"topology", "nodes: {r1: {}}\n"}}}}}};
  ASSERT_TRUE(c.Create(api::Kind::kLab, lab).ok());
  auto run = std::async(std::launch::async, [&] {
    return testing::RunLabctl(labd.url(), {"session", "run", "--lab", "waitlab", "--", "sh", "-c",
                                           "test \"$LABCTL_LAB\" = waitlab && exit 4"});
  });
  ASSERT_TRUE(MakeLabReadyOnceHeld(c, "waitlab"));
  auto result = run.get();
  EXPECT_EQ(result.exit_code, 4) << result.err;
  auto held = c.Get(api::Kind::kLab, "waitlab");
  ASSERT_TRUE(held.ok());
  EXPECT_EQ(held->value("/status/heldBy"_json_pointer, std::string()), "");
}

TEST(SessionLabd, AcquireHeartbeatRelease) {
  testing::LabdProcess labd;
  auto acquired = testing::RunLabctl(labd.url(), {"session", "acquire", "--holder", "ci"});
  ASSERT_EQ(acquired.exit_code, 0) << acquired.err;
  std::string name = acquired.out.substr(0, acquired.out.find('\n'));
  EXPECT_EQ(testing::RunLabctl(labd.url(), {"session", "heartbeat", name}).exit_code, 0);
  EXPECT_EQ(testing::RunLabctl(labd.url(), {"session", "release", name}).exit_code, 0);
  auto c = ClientFor(labd);
  auto s = c.Get(api::Kind::kSession, name);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(Phase(*s), "Released");
  EXPECT_NE(testing::RunLabctl(labd.url(), {"session", "heartbeat", name}).exit_code, 0);
}

// SIGTERM or SIGINT to `labctl session run` is forwarded to the command, labctl waits for it,
// releases the Session (and so the Lab) and exits with 128 + the signal the command died of.
class SessionRunSignal : public ::testing::TestWithParam<int> {};

TEST_P(SessionRunSignal, ForwardsTheSignalReleasesAndExitsWithTheChildsStatus) {
  const int sig = GetParam();
  testing::LabdProcess labd;
  auto c = ClientFor(labd);
  ASSERT_TRUE(c.Create(api::Kind::kLab, NetlabLab("siglab")).ok());
  std::string log = labd.data_dir() + "/labctl-run.log";
  pid_t labctl = StartLabctl(labd.url(),
                             {"session", "run", "--lab", "siglab", "--holder", "signal test",
                              "--heartbeat", "1s", "--", "sleep", "60"},
                             log);
  ASSERT_GT(labctl, 0);
  ASSERT_TRUE(MakeLabReadyOnceHeld(c, "siglab")) << testing::ReadFile(log);
  pid_t child = 0;
  testing::PollUntil([&] { return (child = FindChild(labctl, "sleep")) != 0; }, 30s, 50ms);
  if (child == 0) kill(labctl, SIGKILL);
  ASSERT_NE(child, 0) << "the command never started; labctl said:\n" << testing::ReadFile(log);

  ASSERT_EQ(kill(labctl, sig), 0);
  int status = 0;
  ASSERT_EQ(waitpid(labctl, &status, 0), labctl);
  ASSERT_TRUE(WIFEXITED(status)) << "labctl itself died of a signal; log:\n"
                                 << testing::ReadFile(log);
  EXPECT_EQ(WEXITSTATUS(status), 128 + sig) << testing::ReadFile(log);
  // labctl reaped the command before exiting, so it is gone (not merely orphaned).
  EXPECT_EQ(kill(child, 0), -1);
  EXPECT_EQ(errno, ESRCH);

  auto list = c.List(api::Kind::kSession);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ((*list)["items"].size(), 1u);
  const json& session = (*list)["items"][0];
  EXPECT_EQ(session.value("/spec/holder"_json_pointer, std::string()), "signal test");
  EXPECT_EQ(Phase(session), "Released");
  auto lab = c.Get(api::Kind::kLab, "siglab");
  ASSERT_TRUE(lab.ok());
  EXPECT_EQ(lab->value("/status/heldBy"_json_pointer, std::string()), "");
}

INSTANTIATE_TEST_SUITE_P(SessionLabd, SessionRunSignal, ::testing::Values(SIGTERM, SIGINT),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return std::string(info.param == SIGTERM ? "SIGTERM" : "SIGINT");
                         });

}  // namespace
}  // namespace labctl::sessiontest
