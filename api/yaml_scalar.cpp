#include "api/yaml_scalar.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <regex>
#include <set>

namespace labctl::api {

namespace {

// Longer plain scalars are strings: typing them would run std::regex over them.
constexpr size_t kMaxTypedScalarLength = 256;

const std::regex& IntPattern() {
  static const std::regex re("[-+]?[0-9]+");
  return re;
}
const std::regex& FloatPattern() {
  static const std::regex re("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  return re;
}
// Numbers some YAML reader (1.1 or 1.2) would type: hex, octal, underscores, sexagesimal, inf/nan.
const std::regex& OtherNumberPattern() {
  static const std::regex re(
      "[-+]?(0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+|[0-9][0-9_]*(\\.[0-9_]*)?([eE][-+]?[0-9]+)?|"
      "\\.[0-9_]+([eE][-+]?[0-9]+)?|[0-9][0-9_]*(:[0-5]?[0-9])+(\\.[0-9_]*)?|"
      "\\.(inf|Inf|INF)|\\.(nan|NaN|NAN))");
  return re;
}

bool IsNullWord(const std::string& s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

std::optional<bool> BoolWord(const std::string& s) {
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  return std::nullopt;
}

bool IsYaml11BoolWord(const std::string& s) {
  static const std::set<std::string> words = {"y",  "Y",  "yes", "Yes", "YES", "n",   "N",   "no",
                                              "No", "NO", "on",  "On",  "ON",  "off", "Off", "OFF"};
  return words.count(s) > 0;
}

}  // namespace

nlohmann::json ResolvePlainScalar(const std::string& text) {
  // std::regex recurses per character (100k digits overflow the stack); no number is this long.
  if (text.size() > kMaxTypedScalarLength) return text;
  if (IsNullWord(text)) return nullptr;
  if (auto b = BoolWord(text)) return *b;
  if (std::regex_match(text, IntPattern())) {
    const char* begin = text.data() + (text[0] == '+' ? 1 : 0);
    int64_t v = 0;
    auto [end, ec] = std::from_chars(begin, text.data() + text.size(), v);
    if (ec == std::errc() && end == text.data() + text.size()) return v;
    // Too large for int64: fall through to a float, as YAML readers do.
  }
  if (std::regex_match(text, FloatPattern())) {
    errno = 0;
    double d = std::strtod(text.c_str(), nullptr);
    if (errno == 0) return d;
  }
  return text;
}

bool HasControlCharacter(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) < 0x20 && c != '\n') || c == 0x7F;
  });
}

bool NeedsQuoting(const std::string& s) {
  if (s.empty()) return true;
  if (s.front() == ' ' || s.back() == ' ' || s.front() == '\t' || s.back() == '\t') return true;
  // Control characters (a trailing \r, NUL, ESC) survive only as double-quoted escapes; a
  // plain scalar cannot hold a line break either.
  if (HasControlCharacter(s) || s.find('\n') != std::string::npos) return true;
  // A document marker at the start of a line ends the document (yaml-cpp does not quote it).
  if (s.rfind("---", 0) == 0 || s.rfind("...", 0) == 0) return true;
  if (s.size() > kMaxTypedScalarLength) return false;  // read back as a string regardless
  if (!ResolvePlainScalar(s).is_string()) return true;
  if (IsYaml11BoolWord(s)) return true;
  return std::regex_match(s, OtherNumberPattern());
}

}  // namespace labctl::api
