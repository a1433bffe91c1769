// Flags: labctl subcommands' command lines, parsed by CLI11: `--name value`, `--name=value`,
// `-n value`, `-nvalue`, `-n=value`, boolean `--flag` (`--flag=true|false`), repeated flags (all
// values kept), flags before, between and after positional arguments, and `--` ending flag
// parsing (what follows is kept in rest(), untouched). -h/--help is always recognised; Help()
// generates the flag list from the specs.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/status.h"

namespace CLI {
class App;
}

namespace labctl::cli {

struct FlagSpec {
  std::string name;     // long name without dashes: "output"
  char short_name = 0;  // 'o', or 0
  bool takes_value = false;
  std::string help;  // one line for --help
};

class Flags {
 public:
  explicit Flags(std::vector<FlagSpec> specs);
  // BadRequest naming an unknown flag or a missing value.
  api::Status Parse(const std::vector<std::string>& args);
  // `usage` (the command's synopsis and description) followed by the generated flag list.
  std::string Help(const std::string& usage) const;
  // A command's first step: parses `args`. On a bad command line prints the error and `usage`
  // to stderr and returns kExitUsage; on -h/--help prints `usage` and returns kExitOk; else
  // nullopt: go on.
  std::optional<int> ParseOrExit(const std::vector<std::string>& args, const std::string& usage);

  bool Has(const std::string& name) const { return values_.count(name) > 0; }
  bool help() const { return Has("help"); }
  // The last value given, or `fallback`.
  std::string Get(const std::string& name, const std::string& fallback = "") const;
  std::vector<std::string> GetAll(const std::string& name) const;
  const std::vector<std::string>& positional() const { return positional_; }
  const std::vector<std::string>& rest() const { return rest_; }
  bool saw_dashdash() const { return saw_dashdash_; }

 private:
  // Declares the specs (and the positional arguments) on a CLI11 app filling this object.
  void Describe(CLI::App& app);

  std::vector<FlagSpec> specs_;
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positional_;
  std::vector<std::string> rest_;
  bool saw_dashdash_ = false;
};

}  // namespace labctl::cli
