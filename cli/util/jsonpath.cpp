#include "cli/util/jsonpath.h"

#include <cctype>
#include <charconv>
#include <optional>
#include <variant>

namespace labctl::cli {

namespace {

api::Status Bad(std::string_view expr, const std::string& why) {
  return api::Status::BadRequest("invalid jsonpath \"" + std::string(expr) + "\": " + why);
}

struct Filter {
  std::vector<struct Step> path;  // relative to @
  std::string op;                 // "" (exists), ==, !=, <, >, <=, >=
  json literal;
};

struct Step {
  enum class Type { kField, kRecursive, kWildcard, kIndex, kSlice, kFilter };
  Step(Type t = Type::kField, std::string n = "") : type(t), name(std::move(n)) {}
  Type type;
  std::string name;
  int64_t index = 0;
  std::optional<int64_t> start, end;
  std::shared_ptr<Filter> filter;
};

struct Expr {
  bool from_root = false;
  std::vector<Step> steps;
};

class ExprParser {
 public:
  explicit ExprParser(std::string_view s) : s_(s) {}

  api::Result<Expr> Parse() {
    Expr e;
    SkipSpaces();
    if (Peek() == '$') {
      e.from_root = true;
      ++i_;
    } else if (Peek() == '@') {
      ++i_;
    }
    while (i_ < s_.size()) {
      auto step = ParseStep();
      if (!step.ok()) return step.status();
      e.steps.push_back(std::move(*step));
      SkipSpaces();
    }
    return e;
  }

  // Parses steps until a character that cannot continue a path (used inside filters).
  api::Result<std::vector<Step>> ParseRelativePath() {
    std::vector<Step> steps;
    while (i_ < s_.size() && (Peek() == '.' || Peek() == '[')) {
      auto step = ParseStep();
      if (!step.ok()) return step.status();
      steps.push_back(std::move(*step));
    }
    return steps;
  }

  size_t pos() const { return i_; }
  std::string_view text() const { return s_; }

 private:
  char Peek(size_t ahead = 0) const { return i_ + ahead < s_.size() ? s_[i_ + ahead] : '\0'; }
  void SkipSpaces() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }

  api::Result<Step> ParseStep() {
    if (Peek() == '.') {
      ++i_;
      bool recursive = false;
      if (Peek() == '.') {
        recursive = true;
        ++i_;
      }
      if (Peek() == '[' && !recursive) return ParseBracket();
      if (Peek() == '*') {
        ++i_;
        return Step{recursive ? Step::Type::kRecursive : Step::Type::kWildcard,
                    recursive ? "*" : ""};
      }
      std::string name = ParseName();
      if (name.empty()) return Bad(s_, "expected a field name at position " + std::to_string(i_));
      return Step{recursive ? Step::Type::kRecursive : Step::Type::kField, name};
    }
    if (Peek() == '[') return ParseBracket();
    return Bad(s_, std::string("unexpected '") + Peek() + "' at position " + std::to_string(i_));
  }

  std::string ParseName() {
    std::string name;
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == '\\' && i_ + 1 < s_.size()) {
        name += s_[i_ + 1];
        i_ += 2;
        continue;
      }
      if (c == '.' || c == '[' || c == ']' || c == ')' || c == '=' || c == '!' || c == '<' ||
          c == '>' || c == '&' || c == '|' || std::isspace(static_cast<unsigned char>(c)))
        break;
      name += c;
      ++i_;
    }
    return name;
  }

  std::optional<std::string> ParseQuoted() {
    char quote = Peek();
    if (quote != '\'' && quote != '"') return std::nullopt;
    ++i_;
    std::string out;
    while (i_ < s_.size() && s_[i_] != quote) {
      if (s_[i_] == '\\' && i_ + 1 < s_.size()) ++i_;
      out += s_[i_++];
    }
    if (i_ >= s_.size()) return std::nullopt;
    ++i_;
    return out;
  }

  api::Result<Step> ParseBracket() {
    ++i_;  // '['
    SkipSpaces();
    Step step{Step::Type::kIndex, ""};
    if (Peek() == '*') {
      ++i_;
      step.type = Step::Type::kWildcard;
    } else if (Peek() == '\'' || Peek() == '"') {
      auto q = ParseQuoted();
      if (!q) return Bad(s_, "unterminated quote");
      step = Step{Step::Type::kField, *q};
    } else if (Peek() == '?') {
      auto f = ParseFilter();
      if (!f.ok()) return f.status();
      step.type = Step::Type::kFilter;
      step.filter = std::make_shared<Filter>(std::move(*f));
    } else {
      auto st = ParseIndexOrSlice(step);
      if (!st.ok()) return st;
    }
    SkipSpaces();
    if (Peek() != ']') return Bad(s_, "expected ']' at position " + std::to_string(i_));
    ++i_;
    return step;
  }

  std::optional<int64_t> ParseInt() {
    size_t start = i_;
    if (Peek() == '-') ++i_;
    while (std::isdigit(static_cast<unsigned char>(Peek()))) ++i_;
    if (i_ == start || (i_ == start + 1 && s_[start] == '-')) {
      i_ = start;
      return std::nullopt;
    }
    // from_chars, not stoll: an index past int64 (found by the jsonpath fuzz target) threw.
    int64_t value = 0;
    auto [end, ec] = std::from_chars(s_.data() + start, s_.data() + i_, value);
    if (ec != std::errc() || end != s_.data() + i_) {
      i_ = start;
      return std::nullopt;
    }
    return value;
  }

  api::Status ParseIndexOrSlice(Step& step) {
    auto first = ParseInt();
    SkipSpaces();
    if (Peek() != ':') {
      if (!first) return Bad(s_, "expected an index at position " + std::to_string(i_));
      step.type = Step::Type::kIndex;
      step.index = *first;
      return api::Status::Ok();
    }
    ++i_;
    step.type = Step::Type::kSlice;
    step.start = first;
    step.end = ParseInt();
    return api::Status::Ok();
  }

  api::Result<Filter> ParseFilter() {
    ++i_;  // '?'
    if (Peek() != '(') return Bad(s_, "expected '(' after '?'");
    ++i_;
    SkipSpaces();
    if (Peek() != '@') return Bad(s_, "filters must start with @");
    ++i_;
    Filter f;
    auto path = ParseRelativePath();
    if (!path.ok()) return path.status();
    f.path = std::move(*path);
    SkipSpaces();
    for (const char* op : {"==", "!=", "<=", ">=", "<", ">"}) {
      if (s_.substr(i_, std::string_view(op).size()) == op) {
        f.op = op;
        i_ += f.op.size();
        break;
      }
    }
    if (!f.op.empty()) {
      SkipSpaces();
      auto lit = ParseLiteral();
      if (!lit.ok()) return lit.status();
      f.literal = std::move(*lit);
    }
    SkipSpaces();
    if (Peek() != ')') return Bad(s_, "expected ')' at position " + std::to_string(i_));
    ++i_;
    return f;
  }

  api::Result<json> ParseLiteral() {
    if (auto q = ParseQuoted()) return json(*q);
    size_t start = i_;
    while (i_ < s_.size() && s_[i_] != ')' && !std::isspace(static_cast<unsigned char>(s_[i_])))
      ++i_;
    std::string word(s_.substr(start, i_ - start));
    if (word.empty()) return Bad(s_, "expected a value after the operator");
    json j = json::parse(word, nullptr, false);
    if (j.is_discarded()) return json(word);  // bare word: compare as a string
    return j;
  }

  std::string_view s_;
  size_t i_ = 0;
};

void Apply(const Step& step, const json& v, std::vector<json>& out);

std::vector<json> ApplySteps(const std::vector<Step>& steps, std::vector<json> cur) {
  for (const auto& step : steps) {
    std::vector<json> next;
    for (const auto& v : cur) Apply(step, v, next);
    cur = std::move(next);
  }
  return cur;
}

void CollectRecursive(const std::string& name, const json& v, std::vector<json>& out) {
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (name == "*" || it.key() == name) out.push_back(it.value());
    }
    for (const auto& child : v) CollectRecursive(name, child, out);
  } else if (v.is_array()) {
    if (name == "*")
      for (const auto& child : v) out.push_back(child);
    for (const auto& child : v) CollectRecursive(name, child, out);
  }
}

template <class T>
bool CompareAs(const T& x, const std::string& op, const T& y) {
  if (op == "==") return x == y;
  if (op == "!=") return x != y;
  if (op == "<") return x < y;
  if (op == ">") return x > y;
  if (op == "<=") return x <= y;
  if (op == ">=") return x >= y;
  return false;
}

// Numbers compare as numbers, everything else as its text.
bool Compare(const json& a, const std::string& op, const json& b) {
  if (a.is_number() && b.is_number()) return CompareAs(a.get<double>(), op, b.get<double>());
  return CompareAs(JsonPathText(a), op, JsonPathText(b));
}

bool FilterMatches(const Filter& f, const json& element) {
  auto found = ApplySteps(f.path, {element});
  if (f.op.empty()) return !found.empty() && !found.front().is_null();
  for (const auto& v : found)
    if (Compare(v, f.op, f.literal)) return true;
  return false;
}

void Apply(const Step& step, const json& v, std::vector<json>& out) {
  switch (step.type) {
    case Step::Type::kField:
      if (v.is_object() && v.contains(step.name)) out.push_back(v[step.name]);
      return;
    case Step::Type::kRecursive:
      CollectRecursive(step.name, v, out);
      return;
    case Step::Type::kWildcard:
      if (v.is_object() || v.is_array())
        for (const auto& child : v) out.push_back(child);
      return;
    case Step::Type::kIndex: {
      if (!v.is_array()) return;
      int64_t n = static_cast<int64_t>(v.size());
      int64_t i = step.index < 0 ? n + step.index : step.index;
      if (i >= 0 && i < n) out.push_back(v[static_cast<size_t>(i)]);
      return;
    }
    case Step::Type::kSlice: {
      if (!v.is_array()) return;
      int64_t n = static_cast<int64_t>(v.size());
      auto clamp = [n](int64_t i) { return std::max<int64_t>(0, std::min(n, i < 0 ? n + i : i)); };
      int64_t b = clamp(step.start.value_or(0)), e = clamp(step.end.value_or(n));
      for (int64_t i = b; i < e; ++i) out.push_back(v[static_cast<size_t>(i)]);
      return;
    }
    case Step::Type::kFilter:
      if (v.is_array()) {
        for (const auto& child : v)
          if (FilterMatches(*step.filter, child)) out.push_back(child);
      } else if (v.is_object() && FilterMatches(*step.filter, v)) {
        out.push_back(v);
      }
      return;
  }
}

std::string Unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      char c = s[++i];
      out += c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

struct JsonPath::Node {
  enum class Type { kText, kExpr, kRange } type;
  std::string text;
  Expr expr;
  std::vector<Node> children;  // kRange
};

namespace {

// Splits a template into text and {action} pieces; braces inside quotes do not count.
api::Result<std::vector<std::pair<bool, std::string>>> Tokenize(std::string_view t) {
  std::vector<std::pair<bool, std::string>> out;  // (is_action, content)
  std::string text;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] != '{') {
      text += t[i];
      continue;
    }
    if (!text.empty()) out.emplace_back(false, std::move(text));
    text.clear();
    size_t j = i + 1;
    char quote = 0;
    for (; j < t.size(); ++j) {
      if (quote) {
        if (t[j] == '\\')
          ++j;
        else if (t[j] == quote)
          quote = 0;
      } else if (t[j] == '"' || t[j] == '\'') {
        quote = t[j];
      } else if (t[j] == '}') {
        break;
      }
    }
    if (j >= t.size()) return Bad(t, "unclosed '{'");
    out.emplace_back(true, std::string(t.substr(i + 1, j - i - 1)));
    i = j;
  }
  if (!text.empty()) out.emplace_back(false, std::move(text));
  return out;
}

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\n");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t\n");
  return std::string(s.substr(b, e - b + 1));
}

}  // namespace

JsonPath::JsonPath() = default;
JsonPath::JsonPath(JsonPath&&) noexcept = default;
JsonPath& JsonPath::operator=(JsonPath&&) noexcept = default;
JsonPath::~JsonPath() = default;

api::Result<JsonPath> JsonPath::Parse(std::string_view tmpl) {
  std::string wrapped;
  if (tmpl.find('{') == std::string_view::npos) {
    wrapped = "{" + std::string(tmpl) + "}";
    tmpl = wrapped;
  }
  auto tokens = Tokenize(tmpl);
  if (!tokens.ok()) return tokens.status();
  std::vector<std::vector<Node>*> stack;
  JsonPath jp;
  stack.push_back(&jp.nodes_);
  for (auto& [is_action, content] : *tokens) {
    if (!is_action) {
      stack.back()->push_back(Node{Node::Type::kText, content, {}, {}});
      continue;
    }
    std::string action = Trim(content);
    if (action == "end") {
      if (stack.size() == 1) return Bad(tmpl, "{end} without {range}");
      stack.pop_back();
      continue;
    }
    if (!action.empty() && (action.front() == '"' || action.front() == '\'')) {
      if (action.size() < 2 || action.back() != action.front())
        return Bad(tmpl, "unterminated string " + action);
      stack.back()->push_back(Node{Node::Type::kText,
                                   Unescape(std::string_view(action).substr(1, action.size() - 2)),
                                   {},
                                   {}});
      continue;
    }
    bool is_range = action.rfind("range ", 0) == 0;
    auto expr = ExprParser(is_range ? Trim(action.substr(6)) : action).Parse();
    if (!expr.ok()) return expr.status();
    stack.back()->push_back(Node{is_range ? Node::Type::kRange : Node::Type::kExpr, "", *expr, {}});
    if (is_range) stack.push_back(&stack.back()->back().children);
  }
  if (stack.size() != 1) return Bad(tmpl, "{range} without {end}");
  return jp;
}

namespace {

std::vector<json> Eval(const Expr& e, const json& current, const json& root) {
  return ApplySteps(e.steps, {e.from_root ? root : current});
}

void Render(const std::vector<JsonPath::Node>& nodes, const json& current, const json& root,
            std::string& out) {
  for (const auto& n : nodes) {
    switch (n.type) {
      case JsonPath::Node::Type::kText:
        out += n.text;
        break;
      case JsonPath::Node::Type::kExpr: {
        auto values = Eval(n.expr, current, root);
        for (size_t i = 0; i < values.size(); ++i) {
          if (i) out += ' ';
          out += JsonPathText(values[i]);
        }
        break;
      }
      case JsonPath::Node::Type::kRange:
        for (const auto& v : Eval(n.expr, current, root)) Render(n.children, v, root, out);
        break;
    }
  }
}

}  // namespace

std::string JsonPath::Execute(const json& root) const {
  std::string out;
  Render(nodes_, root, root, out);
  return out;
}

api::Result<std::vector<json>> EvaluateJsonPath(std::string_view expr, const json& root) {
  auto e = ExprParser(expr).Parse();
  if (!e.ok()) return e.status();
  return Eval(*e, root, root);
}

std::string JsonPathText(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

}  // namespace labctl::cli
