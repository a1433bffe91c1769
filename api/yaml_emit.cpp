// ToYaml: JSON (sorted or ordered) to block-style YAML through yaml-cpp's emitter.
#include <yaml-cpp/yaml.h>

#include "api/yaml.h"
#include "api/yaml_scalar.h"

namespace labctl::api {

namespace {

// Unicode noncharacters (U+FDD0-U+FDEF, U+xFFFE, U+xFFFF) in a double-quoted string come out
// as U+FFFD: yaml-cpp's emitter replaces them there (YAML cannot print U+FFFE/U+FFFF). Only
// YAML output is affected; the stored JSON keeps them.
void EmitString(YAML::Emitter& out, const std::string& s) {
  bool multi_line = s.find('\n') != std::string::npos;
  // A literal block holds printable text only: other control characters (NUL, ESC, ...) need
  // the escapes of a double-quoted string.
  if (multi_line && !HasControlCharacter(s) && s.front() != ' ' && s.back() == '\n' &&
      s.find(" \n") == std::string::npos && (s.size() < 2 || s[s.size() - 2] != '\n')) {
    // A literal block reads back exactly when the text ends with one newline.
    out << YAML::Literal << s;
  } else if (multi_line || NeedsQuoting(s)) {
    out << YAML::DoubleQuoted << s;
  } else {
    out << s;
  }
}

template <class Json>
void Emit(YAML::Emitter& out, const Json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::object:
      if (v.empty()) {
        out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
        return;
      }
      out << YAML::BeginMap;
      for (auto it = v.begin(); it != v.end(); ++it) {
        out << YAML::Key;
        EmitString(out, it.key());
        out << YAML::Value;
        Emit(out, it.value());
      }
      out << YAML::EndMap;
      return;
    case nlohmann::json::value_t::array:
      if (v.empty()) {
        out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
        return;
      }
      out << YAML::BeginSeq;
      for (const auto& item : v) Emit(out, item);
      out << YAML::EndSeq;
      return;
    case nlohmann::json::value_t::string:
      EmitString(out, v.template get_ref<const std::string&>());
      return;
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::discarded:
      out << YAML::Null;
      return;
    default:
      // Numbers and booleans: nlohmann's shortest round-trip text is also valid plain YAML.
      out << v.dump();
      return;
  }
}

template <class Json>
std::string ToYamlOf(const Json& value) {
  YAML::Emitter out;
  out.SetIndent(2);
  out.SetSeqFormat(YAML::Block);
  out.SetMapFormat(YAML::Block);
  Emit(out, value);
  std::string text(out.c_str(), out.size());
  if (!text.empty() && text.back() != '\n') text += '\n';
  return text;
}

}  // namespace

std::string ToYaml(const nlohmann::json& value) { return ToYamlOf(value); }
std::string ToYaml(const nlohmann::ordered_json& value) { return ToYamlOf(value); }

}  // namespace labctl::api
