#include "api/selector.h"

#include <cctype>

#include "api/labels.h"
#include "api/utf8.h"

namespace labctl::api {

namespace {

// A hand-written scanner over one selector string; each Parse* consumes what it recognises.
class SelectorParser {
 public:
  explicit SelectorParser(std::string_view text) : text_(text) {}

  Result<Selector> Parse() {
    Selector sel;
    SkipSpace();
    if (AtEnd()) return sel;
    while (true) {
      size_t start = pos_;
      auto req = ParseRequirement();
      if (!req.ok()) return req.status();
      sel.requirements.push_back(std::move(*req));
      SkipSpace();
      if (AtEnd()) return sel;
      if (Peek() != ',') return Error(start, "expected ',' or end of selector after requirement");
      ++pos_;
      SkipSpace();
      if (AtEnd()) return Error(pos_, "empty requirement after ','");
    }
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }
  void SkipSpace() {
    while (!AtEnd() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  static bool IsWordChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
           c == '/';
  }
  std::string Word() {
    size_t start = pos_;
    while (!AtEnd() && IsWordChar(text_[pos_])) ++pos_;
    return std::string(text_.substr(start, pos_ - start));
  }
  // The requirement text around `at`, for error messages.
  std::string Around(size_t at) const {
    size_t begin = text_.rfind(',', at == 0 ? 0 : at - 1);
    begin = (begin == std::string_view::npos || begin >= at) ? 0 : begin + 1;
    size_t end = text_.find(',', at);
    if (end == std::string_view::npos) end = text_.size();
    std::string_view r = text_.substr(begin, end - begin);
    while (!r.empty() && r.front() == ' ') r.remove_prefix(1);
    while (!r.empty() && r.back() == ' ') r.remove_suffix(1);
    return std::string(r);
  }
  Status Error(size_t at, const std::string& what) const {
    return Status::BadRequest("invalid label selector \"" + std::string(text_) + "\": " + what +
                              " (in requirement \"" + Around(at) + "\")");
  }

  Result<Requirement> ParseRequirement() {
    size_t start = pos_;
    Requirement req;
    if (Peek() == '!') {
      ++pos_;
      SkipSpace();
      req.op = Requirement::Op::kDoesNotExist;
      req.key = Word();
      if (!IsLabelKey(req.key)) return Error(start, "invalid label key \"" + req.key + "\"");
      return req;
    }
    req.key = Word();
    if (req.key.empty()) return Error(start, "expected a label key");
    if (!IsLabelKey(req.key)) return Error(start, "invalid label key \"" + req.key + "\"");
    SkipSpace();
    if (AtEnd() || Peek() == ',') {
      req.op = Requirement::Op::kExists;
      return req;
    }
    if (Peek() == '=' || Peek() == '!') {
      bool negated = Peek() == '!';
      ++pos_;
      if (Peek() != '=' && negated) return Error(start, "expected '!='");
      if (Peek() == '=') ++pos_;
      if (!negated && Peek() == '=') return Error(start, "unexpected '='");
      req.op = negated ? Requirement::Op::kNotEquals : Requirement::Op::kEquals;
      SkipSpace();
      std::string value = Word();
      if (!IsLabelValue(value)) return Error(start, "invalid label value \"" + value + "\"");
      req.values.push_back(std::move(value));
      return req;
    }
    std::string op = Word();
    if (op == "in") {
      req.op = Requirement::Op::kIn;
    } else if (op == "notin") {
      req.op = Requirement::Op::kNotIn;
    } else {
      return Error(start, op.empty() ? "unexpected character '" + std::string(1, Peek()) + "'"
                                     : "unknown operator \"" + op + "\"");
    }
    return ParseValueSet(start, std::move(req));
  }

  Result<Requirement> ParseValueSet(size_t start, Requirement req) {
    SkipSpace();
    if (Peek() != '(')
      return Error(start, "expected '(' after " +
                              std::string(req.op == Requirement::Op::kIn ? "in" : "notin"));
    ++pos_;
    while (true) {
      SkipSpace();
      std::string value = Word();
      if (!IsLabelValue(value)) return Error(start, "invalid label value \"" + value + "\"");
      req.values.push_back(std::move(value));
      SkipSpace();
      if (Peek() == ',') {
        ++pos_;
        continue;
      }
      if (Peek() == ')') {
        ++pos_;
        return req;
      }
      return Error(start, "expected ',' or ')' in value set");
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
};

bool Contains(const std::vector<std::string>& values, const std::string& v) {
  for (const auto& x : values)
    if (x == v) return true;
  return false;
}

}  // namespace

Result<Selector> ParseSelector(std::string_view text) {
  LABCTL_RETURN_IF_ERROR(CheckUtf8(text, "labelSelector"));
  return SelectorParser(text).Parse();
}

bool Selector::Matches(const nlohmann::json& labels) const {
  for (const auto& r : requirements) {
    const nlohmann::json* found = nullptr;
    if (labels.is_object()) {
      auto it = labels.find(r.key);
      if (it != labels.end()) found = &*it;
    }
    std::string value = found && found->is_string() ? found->get<std::string>() : "";
    bool has = found != nullptr;
    switch (r.op) {
      case Requirement::Op::kEquals:
        if (!has || value != r.values.at(0)) return false;
        break;
      case Requirement::Op::kNotEquals:
        if (has && value == r.values.at(0)) return false;
        break;
      case Requirement::Op::kIn:
        if (!has || !Contains(r.values, value)) return false;
        break;
      case Requirement::Op::kNotIn:
        if (has && Contains(r.values, value)) return false;
        break;
      case Requirement::Op::kExists:
        if (!has) return false;
        break;
      case Requirement::Op::kDoesNotExist:
        if (has) return false;
        break;
    }
  }
  return true;
}

std::string Selector::ToString() const {
  std::string out;
  for (const auto& r : requirements) {
    if (!out.empty()) out += ",";
    switch (r.op) {
      case Requirement::Op::kEquals:
        out += r.key + "=" + r.values.at(0);
        break;
      case Requirement::Op::kNotEquals:
        out += r.key + "!=" + r.values.at(0);
        break;
      case Requirement::Op::kIn:
      case Requirement::Op::kNotIn: {
        out += r.key + (r.op == Requirement::Op::kIn ? " in (" : " notin (");
        for (size_t i = 0; i < r.values.size(); ++i) out += (i ? "," : "") + r.values[i];
        out += ")";
        break;
      }
      case Requirement::Op::kExists:
        out += r.key;
        break;
      case Requirement::Op::kDoesNotExist:
        out += "!" + r.key;
        break;
    }
  }
  return out;
}

}  // namespace labctl::api
