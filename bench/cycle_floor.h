// CycleFloor: the least a server can do for neops_bench's create/get/delete cycle, to set labd's
// cycles/s against on the same machine in the same run. An in-process cpp-httplib server on
// loopback (keep-alive, TCP_NODELAY, its default thread pool) answering the facade's three paths
// with Neops' bodies, where POST and DELETE each commit one SQLite transaction (WAL,
// synchronous=NORMAL, as labd: the object row and a change-log row with a body as large as
// labd's Session), and GET looks the session up in a map. No validation, no queue, no watch, no
// index: what is left of labd's cost is HTTP over loopback and two durable commits.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>
#include <httplib.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

namespace labctl::bench {

class CycleFloor {
 public:
  explicit CycleFloor(const std::string& db_path)
      : db_(db_path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE) {
    db_.exec("PRAGMA journal_mode=WAL");
    db_.exec("PRAGMA synchronous=NORMAL");
    db_.exec(
        "CREATE TABLE IF NOT EXISTS objects (name TEXT PRIMARY KEY, revision INTEGER, body TEXT);"
        "CREATE TABLE IF NOT EXISTS changes (revision INTEGER PRIMARY KEY, name TEXT, type TEXT,"
        " body TEXT)");
    del_ = std::make_unique<SQLite::Statement>(db_, "DELETE FROM objects WHERE name=?");
    up_ =
        std::make_unique<SQLite::Statement>(db_, "INSERT OR REPLACE INTO objects VALUES(?, ?, ?)");
    change_ = std::make_unique<SQLite::Statement>(db_, "INSERT INTO changes VALUES(?, ?, ?, ?)");
    server_.Post("/session", [this](const httplib::Request&, httplib::Response& res) {
      std::string id = std::to_string(++next_id_);
      const nlohmann::json answer = {{"session_id", id}, {"position", 0}};
      // Stored: as many bytes as labd's Session object of a facade session (~700).
      const nlohmann::json record = {{"answer", answer}, {"padding", std::string(640, 'x')}};
      Write(id, "ADDED", record.dump());
      res.status = 201;
      res.set_content(answer.dump(), "application/json");
    });
    server_.Get(R"(/session/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = live_.find(req.matches[1]);
      if (it == live_.end()) {
        res.status = 404;
        return;
      }
      res.set_content(R"({"status":"active","position":0})", "application/json");
    });
    server_.Delete(
        R"(/session/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
          Write(req.matches[1], "DELETED",
                nlohmann::json{{"status", "released"}, {"padding", std::string(640, 'x')}}.dump());
          res.status = 204;
        });
    server_.set_tcp_nodelay(true);
    server_.set_keep_alive_max_count(1 << 30);  // one connection throughout, as labd keeps it
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~CycleFloor() {
    server_.stop();
    thread_.join();
  }
  int port() const { return port_; }

 private:
  // One transaction: the object row (gone on DELETED) and the change row, as labd's store writes.
  void Write(const std::string& name, const char* type, const std::string& body) {
    std::lock_guard<std::mutex> lock(mu_);
    SQLite::Transaction tx(db_);
    ++revision_;
    if (std::string(type) == "DELETED") {
      Exec(*del_, name);
      live_.erase(name);
    } else {
      Exec(*up_, name, revision_, body);
      live_[name] = body;
    }
    Exec(*change_, revision_, name, type, body);
    tx.commit();
  }

  template <typename... Args>
  static void Exec(SQLite::Statement& statement, const Args&... args) {
    statement.reset();
    statement.clearBindings();
    int i = 0;
    (statement.bind(++i, args), ...);
    statement.exec();
  }

  SQLite::Database db_;
  std::unique_ptr<SQLite::Statement> del_, up_, change_;  // prepared once, as labd's
  httplib::Server server_;
  std::mutex mu_;
  std::map<std::string, std::string> live_;
  int64_t revision_ = 0;
  uint64_t next_id_ = 0;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace labctl::bench
