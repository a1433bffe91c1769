#include "api/yaml.h"

#include "api/json_builder.h"
#include "api/utf8.h"
#include "api/yaml_reader.h"

namespace labctl::api {

namespace {

using json = nlohmann::json;

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
  size_t start = what.find("] ");
  start = start == std::string::npos ? 0 : start + 2;
  size_t col = what.find("column ", start);
  if (col != std::string::npos) {
    size_t colon = what.find(": ", col);
    if (colon != std::string::npos) start = colon + 2;
  }
  return ValidUtf8(what.substr(start));
}

// nlohmann's SAX events into a JsonBuilder; stops at the first error.
class JsonEvents : public nlohmann::json_sax<json> {
 public:
  explicit JsonEvents(const ParseLimits& limits) : builder_({limits, false}) {}

  bool null() override { return Take(builder_.Scalar(nullptr)); }
  bool boolean(bool v) override { return Take(builder_.Scalar(v)); }
  bool number_integer(number_integer_t v) override { return Take(builder_.Scalar(v)); }
  bool number_unsigned(number_unsigned_t v) override { return Take(builder_.Scalar(v)); }
  bool number_float(number_float_t v, const string_t&) override { return Take(builder_.Scalar(v)); }
  bool string(string_t& v) override { return Take(builder_.Scalar(std::move(v))); }
  bool binary(binary_t&) override { return Take(Status::BadRequest("binary values")); }
  bool start_object(std::size_t) override { return Take(builder_.BeginObject()); }
  bool key(string_t& k) override { return Take(builder_.Key(std::move(k))); }
  bool end_object() override { return Take(builder_.End()); }
  bool start_array(std::size_t) override { return Take(builder_.BeginArray()); }
  bool end_array() override { return Take(builder_.End()); }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& e) override {
    // 406 is a number out of double's range in well-formed JSON: no reason to try YAML.
    syntax_error_ = e.id != 406;
    has_position_ = true;
    error_byte_ = position;
    error_ = Status::BadRequest(JsonErrorDetail(e.what()));
    return false;
  }

  JsonBuilder& builder() { return builder_; }
  const Status& error() const { return error_; }
  bool syntax_error() const { return syntax_error_; }
  bool has_position() const { return has_position_; }
  size_t error_byte() const { return error_byte_; }

 private:
  bool Take(Status st) {
    if (st.ok()) return true;
    error_ = std::move(st);
    return false;
  }

  JsonBuilder builder_;
  Status error_;
  bool syntax_error_ = false;
  bool has_position_ = false;  // nlohmann's own error, with a position and no path of ours
  size_t error_byte_ = 0;
};

struct JsonOutcome {
  Result<json> value;
  bool syntax_error = false;  // nlohmann's lexer or parser refused the text (it may be YAML)
};

JsonOutcome ParseJson(const std::string& text, const ParseLimits& limits) {
  JsonEvents events(limits);
  if (json::sax_parse(text, &events) && events.builder().done())
    return {events.builder().TakeRoot()};
  std::string head = "invalid JSON";
  if (events.has_position()) {
    head += " at " + JsonErrorLocation(text, events.error_byte());
    if (std::string where = events.builder().Path(); !where.empty()) head += " (" + where + ")";
  }
  std::string message = events.error().ok() ? "incomplete value" : events.error().message();
  return {Status::BadRequest(head + ": " + message), events.syntax_error()};
}

}  // namespace

void StopParsing() { StopYamlParsing(); }

Result<std::vector<json>> ParseYamlDocuments(const std::string& text, const ParseLimits& limits) {
  if (LooksLikeJson(text)) {
    JsonOutcome parsed = ParseJson(text, limits);
    if (parsed.value.ok()) return std::vector<json>{std::move(*parsed.value)};
    if (!parsed.syntax_error) return parsed.value.status();
  }
  return ReadYamlDocuments(text, limits);
}

Result<json> ParseJsonOrYaml(const std::string& text, const ParseLimits& limits) {
  Status json_error;
  if (LooksLikeJson(text)) {
    JsonOutcome parsed = ParseJson(text, limits);
    if (parsed.value.ok() || !parsed.syntax_error) return std::move(parsed.value);
    json_error = parsed.value.status();  // may still be flow-style YAML: {name: x}
  }
  auto docs = ReadYamlDocuments(text, limits);
  if (!docs.ok()) return json_error.ok() ? docs.status() : json_error;
  if (docs->empty()) return Status::BadRequest("empty document");
  if (docs->size() > 1)
    return Status::BadRequest("expected one document, got " + std::to_string(docs->size()));
  return std::move(docs->front());
}

}  // namespace labctl::api
