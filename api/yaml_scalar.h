// YAML scalar typing, one rule for reading and writing: a plain scalar that looks like an
// integer, a float, true/false or null becomes that JSON type; anything else is a string. The
// writer quotes every string the reader (or a YAML 1.1 reader: yes/no/on/off) would not read
// back as the same string.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace labctl::api {

// The JSON value of a plain (unquoted) YAML scalar.
nlohmann::json ResolvePlainScalar(const std::string& text);
// True if `s` must be quoted to read back as this string.
bool NeedsQuoting(const std::string& s);
// Whether `s` holds a control character (C0 or DEL) other than a line break: such text survives a
// YAML round trip only as double-quoted escapes.
bool HasControlCharacter(const std::string& s);

}  // namespace labctl::api
