// A small command-line flag parser for labctl subcommands: `--name value`, `--name=value`,
// `-n value`, `-nvalue`, boolean `--flag`, repeated flags, and `--` ending flag parsing (what
// follows is kept in rest()). -h/--help is always recognised.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "api/status.h"

namespace labctl::cli {

struct FlagSpec {
  std::string name;     // long name without dashes: "output"
  char short_name = 0;  // 'o', or 0
  bool takes_value = false;
};

class Flags {
 public:
  explicit Flags(std::vector<FlagSpec> specs);
  // BadRequest naming an unknown flag or a missing value.
  api::Status Parse(const std::vector<std::string>& args);

  bool Has(const std::string& name) const { return values_.count(name) > 0; }
  bool help() const { return Has("help"); }
  // The last value given, or `fallback`.
  std::string Get(const std::string& name, const std::string& fallback = "") const;
  std::vector<std::string> GetAll(const std::string& name) const;
  const std::vector<std::string>& positional() const { return positional_; }
  const std::vector<std::string>& rest() const { return rest_; }
  bool saw_dashdash() const { return saw_dashdash_; }

 private:
  const FlagSpec* Find(const std::string& name) const;
  const FlagSpec* FindShort(char c) const;

  std::vector<FlagSpec> specs_;
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positional_;
  std::vector<std::string> rest_;
  bool saw_dashdash_ = false;
};

}  // namespace labctl::cli
