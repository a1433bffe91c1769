#include "cli/util/wait_condition.h"

#include <algorithm>
#include <cctype>

#include "api/object.h"
#include "cli/util/jsonpath.h"

namespace labctl::cli {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string Unquote(std::string s) {
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front())
    return s.substr(1, s.size() - 2);
  return s;
}

api::Status BadFor(std::string_view text) {
  return api::Status::BadRequest("invalid --for=" + std::string(text) +
                                 " (use condition=TYPE[=STATUS], delete, or "
                                 "jsonpath='{.path}'=VALUE)");
}

// Splits "EXPR=VALUE" at the first '=' outside brackets, braces and quotes.
std::pair<std::string, std::optional<std::string>> SplitExprValue(std::string_view s) {
  int depth = 0;
  char quote = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '[' || c == '{' || c == '(') {
      ++depth;
    } else if (c == ']' || c == '}' || c == ')') {
      --depth;
    } else if (c == '=' && depth == 0) {
      return {std::string(s.substr(0, i)), std::string(s.substr(i + 1))};
    }
  }
  return {std::string(s), std::nullopt};
}

api::Result<WaitFor> ParseJsonPathFor(std::string_view text, std::string_view rest) {
  auto [expr, value] = SplitExprValue(rest);
  expr = Unquote(expr);
  if (expr.size() >= 2 && expr.front() == '{' && expr.back() == '}')
    expr = expr.substr(1, expr.size() - 2);
  if (expr.empty()) return BadFor(text);
  auto check = EvaluateJsonPath(expr, nlohmann::json::object());
  if (!check.ok()) return check.status();
  WaitFor w;
  w.type = WaitFor::Type::kJsonPath;
  w.jsonpath = expr;
  if (value) w.value = Unquote(*value);
  return w;
}

}  // namespace

std::string WaitFor::Describe() const {
  switch (type) {
    case Type::kCondition:
      return "condition=" + condition_type + "=" + condition_status;
    case Type::kDelete:
      return "delete";
    case Type::kJsonPath:
      return "jsonpath={" + jsonpath + "}" + (value ? "=" + *value : "");
  }
  return "";
}

api::Result<WaitFor> ParseWaitFor(std::string_view text) {
  if (Lower(text) == "delete") {
    WaitFor w;
    w.type = WaitFor::Type::kDelete;
    return w;
  }
  if (Lower(text.substr(0, 9)) == "jsonpath=") return ParseJsonPathFor(text, text.substr(9));
  if (Lower(text.substr(0, 10)) != "condition=") return BadFor(text);
  std::string_view rest = text.substr(10);
  WaitFor w;
  size_t eq = rest.find('=');
  w.condition_type = std::string(rest.substr(0, eq));
  if (eq != std::string_view::npos) w.condition_status = std::string(rest.substr(eq + 1));
  if (w.condition_type.empty() || w.condition_status.empty()) return BadFor(text);
  return w;
}

bool WaitConditionMet(const WaitFor& w, const nlohmann::json& object) {
  if (w.type == WaitFor::Type::kJsonPath) {
    auto values = EvaluateJsonPath(w.jsonpath, object);
    if (!values.ok() || values->empty()) return false;
    if (!w.value) return true;
    for (const auto& v : *values)
      if (JsonPathText(v) == *w.value) return true;
    return false;
  }
  if (w.type != WaitFor::Type::kCondition) return false;
  const auto* status = object.contains("status") ? &object["status"] : nullptr;
  if (!status || !status->is_object() || !status->contains("conditions")) return false;
  const auto& conditions = (*status)["conditions"];
  if (!conditions.is_array()) return false;
  int64_t generation = api::Generation(object);
  for (const auto& c : conditions) {
    if (!c.is_object() || Lower(c.value("type", "")) != Lower(w.condition_type)) continue;
    auto og = c.find("observedGeneration");
    if (og != c.end() && og->is_number_integer() && og->get<int64_t>() < generation) continue;
    if (Lower(c.value("status", "")) == Lower(w.condition_status)) return true;
  }
  return false;
}

}  // namespace labctl::cli
