// Status and Result<T>: errors as values.
//
// Every fallible call in the core returns a Status (or a Result<T> that holds either a value or a
// Status). A Status carries a Kubernetes-style reason, an HTTP code, a human message and, for
// validation errors, causes naming the field path. The edges (HTTP server, CLI) turn it into a
// Status object on the wire or a readable message; nothing inside throws across modules.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace labctl::api {

// Field-level detail of an Invalid (422) status: `field` is a path like spec.nodes[1].image.
struct Cause {
  std::string field;
  std::string message;
  bool operator==(const Cause&) const = default;
};

enum class Code {
  kOk = 200,
  kBadRequest = 400,    // malformed input (JSON/YAML syntax, bad query)
  kUnauthorized = 401,  // no or unknown token
  kForbidden = 403,     // token known but not allowed
  kNotFound = 404,
  kMethodNotAllowed = 405,
  kConflict = 409,  // AlreadyExists or stale resourceVersion (see reason)
  kGone = 410,      // watch from a compacted revision
  kPayloadTooLarge = 413,
  kInvalid = 422,  // validation failed; causes name the fields
  kLocked = 423,
  kTooManyRequests = 429,
  kInternal = 500,
  kUnavailable = 503,  // e.g. docker engine unreachable
  kTimeout = 504,
};

class Status {
 public:
  Status() = default;  // OK
  Status(Code code, std::string reason, std::string message, std::vector<Cause> causes = {})
      : code_(code),
        reason_(std::move(reason)),
        message_(std::move(message)),
        causes_(std::move(causes)) {}

  static Status Ok() { return {}; }
  static Status BadRequest(std::string m) {
    return {Code::kBadRequest, "BadRequest", std::move(m)};
  }
  static Status Unauthorized(std::string m) {
    return {Code::kUnauthorized, "Unauthorized", std::move(m)};
  }
  static Status Forbidden(std::string m) { return {Code::kForbidden, "Forbidden", std::move(m)}; }
  static Status NotFound(std::string m) { return {Code::kNotFound, "NotFound", std::move(m)}; }
  static Status AlreadyExists(std::string m) {
    return {Code::kConflict, "AlreadyExists", std::move(m)};
  }
  static Status Conflict(std::string m) { return {Code::kConflict, "Conflict", std::move(m)}; }
  static Status Gone(std::string m) { return {Code::kGone, "Expired", std::move(m)}; }
  static Status TooLarge(std::string m) {
    return {Code::kPayloadTooLarge, "RequestEntityTooLarge", std::move(m)};
  }
  static Status Invalid(std::string m, std::vector<Cause> causes) {
    return {Code::kInvalid, "Invalid", std::move(m), std::move(causes)};
  }
  static Status Internal(std::string m) { return {Code::kInternal, "InternalError", std::move(m)}; }
  static Status Unavailable(std::string m) {
    return {Code::kUnavailable, "ServiceUnavailable", std::move(m)};
  }
  static Status Timeout(std::string m) { return {Code::kTimeout, "Timeout", std::move(m)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  int http_code() const { return static_cast<int>(code_); }
  const std::string& reason() const { return reason_; }
  const std::string& message() const { return message_; }
  const std::vector<Cause>& causes() const { return causes_; }

  // "NotFound: lab natlab not found"; with causes appended as "; field: message".
  std::string ToString() const {
    if (ok()) return "OK";
    std::string s = reason_ + ": " + message_;
    for (const auto& c : causes_) s += "; " + c.field + ": " + c.message;
    return s;
  }

  // The Kubernetes Status object sent over HTTP.
  nlohmann::json ToJson() const {
    nlohmann::json j = {
        {"kind", "Status"},    {"apiVersion", "v1"}, {"status", ok() ? "Success" : "Failure"},
        {"code", http_code()}, {"reason", reason_},  {"message", message_}};
    if (!causes_.empty()) {
      nlohmann::json cs = nlohmann::json::array();
      for (const auto& c : causes_) cs.push_back({{"field", c.field}, {"message", c.message}});
      j["details"]["causes"] = cs;
    }
    return j;
  }

  // Parses a Status object received over HTTP; falls back to the raw body as message.
  static Status FromJson(int http_code, const nlohmann::json& j) {
    std::vector<Cause> causes;
    if (j.is_object() && j.contains("details") && j["details"].contains("causes")) {
      for (const auto& c : j["details"]["causes"])
        causes.push_back({c.value("field", ""), c.value("message", "")});
    }
    std::string reason = j.is_object() ? j.value("reason", "") : "";
    std::string message = j.is_object() ? j.value("message", "") : "";
    if (message.empty() && j.is_object() && j.contains("detail") && j["detail"].is_string())
      message = j["detail"].get<std::string>();
    if (message.empty()) message = j.is_string() ? j.get<std::string>() : j.dump();
    if (reason.empty()) reason = "HTTP" + std::to_string(http_code);
    return Status(static_cast<Code>(http_code), reason, message, std::move(causes));
  }

 private:
  Code code_ = Code::kOk;
  std::string reason_;
  std::string message_;
  std::vector<Cause> causes_;
};

// Either a T or a non-OK Status.
template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT: must not be OK

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace labctl::api

namespace labctl::api {
inline const Status& StatusOf(const Status& s) { return s; }
template <class T>
const Status& StatusOf(const Result<T>& r) {
  return r.status();
}
}  // namespace labctl::api

// Returns early with the status of a failed Status or Result expression.
#define LABCTL_RETURN_IF_ERROR(expr)                                  \
  do {                                                                \
    const auto& _labctl_st = (expr);                                  \
    if (!_labctl_st.ok()) return ::labctl::api::StatusOf(_labctl_st); \
  } while (0)
