#include "api/yaml.h"

#include <yaml-cpp/yaml.h>

#include "api/yaml_scalar.h"

namespace labctl::api {

namespace {

using json = nlohmann::json;

std::string Where(const YAML::Mark& m) {
  return "line " + std::to_string(m.line + 1) + ", column " + std::to_string(m.column + 1);
}

// Converts one YAML node; throws YAML::Exception (caught at the module boundary) on bad keys.
json ToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return nullptr;
    case YAML::NodeType::Scalar: {
      // Tag "!" marks a quoted (non-plain) scalar; an explicit !!str tag also forces a string.
      const std::string& tag = node.Tag();
      if (tag == "!" || tag == "tag:yaml.org,2002:str") return node.Scalar();
      return ResolvePlainScalar(node.Scalar());
    }
    case YAML::NodeType::Sequence: {
      json arr = json::array();
      for (const auto& item : node) arr.push_back(ToJson(item));
      return arr;
    }
    case YAML::NodeType::Map: {
      json obj = json::object();
      for (const auto& kv : node) {
        if (!kv.first.IsScalar())
          throw YAML::ParserException(kv.first.Mark(), "mapping keys must be scalars");
        const std::string& key = kv.first.Scalar();
        if (obj.contains(key))
          throw YAML::ParserException(kv.first.Mark(), "duplicate key \"" + key + "\"");
        obj[key] = ToJson(kv.second);
      }
      return obj;
    }
  }
  return nullptr;
}

bool LooksLikeJson(const std::string& text) {
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    return c == '{' || c == '[';
  }
  return false;
}

// nlohmann reports the byte index of the last character read; turn it into line/column.
std::string JsonErrorLocation(const std::string& text, size_t byte) {
  size_t index = byte == 0 ? 0 : std::min(byte - 1, text.size());
  size_t line = 1, line_start = 0;
  for (size_t i = 0; i < index; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(index - line_start + 1);
}

// nlohmann's message minus its "[json.exception...] parse error at line L, column C: " prefix.
std::string JsonErrorDetail(const std::string& what) {
  size_t col = what.find("column ");
  size_t colon = what.find(": ", col == std::string::npos ? 0 : col);
  return colon == std::string::npos ? what : what.substr(colon + 2);
}

Result<json> ParseJson(const std::string& text) {
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    return Status::BadRequest("invalid JSON at " + JsonErrorLocation(text, e.byte) + ": " +
                              JsonErrorDetail(e.what()));
  }
}

}  // namespace

Result<std::vector<json>> ParseYamlDocuments(const std::string& text) {
  try {
    std::vector<json> docs;
    for (const auto& node : YAML::LoadAll(text)) {
      if (node.IsNull() || !node.IsDefined()) continue;
      docs.push_back(ToJson(node));
    }
    return docs;
  } catch (const YAML::Exception& e) {
    return Status::BadRequest("invalid YAML at " + Where(e.mark) + ": " + e.msg);
  }
}

Result<json> ParseJsonOrYaml(const std::string& text) {
  Status json_error;
  if (LooksLikeJson(text)) {
    auto parsed = ParseJson(text);
    if (parsed.ok()) return parsed;
    json_error = parsed.status();  // may still be flow-style YAML: {name: x}
  }
  auto docs = ParseYamlDocuments(text);
  if (!docs.ok()) return json_error.ok() ? docs.status() : json_error;
  if (docs->empty()) return Status::BadRequest("empty document");
  if (docs->size() > 1)
    return Status::BadRequest("expected one document, got " + std::to_string(docs->size()));
  return std::move(docs->front());
}

}  // namespace labctl::api
