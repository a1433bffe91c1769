#include "cli/flags.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>

#include "cli/cli_common.h"
#include "cli/commands.h"

namespace labctl::cli {
namespace {

// CLI11 reads "-o=yaml" as the value "=yaml"; kubectl (and labctl before CLI11) as "yaml".
std::string WithoutShortEquals(const std::string& arg) {
  if (arg.size() > 2 && arg[0] == '-' && arg[1] != '-' && arg[2] == '=')
    return arg.substr(0, 2) + arg.substr(3);
  return arg;
}

std::string OptionNames(const FlagSpec& spec) {
  std::string names = "--" + spec.name;
  if (spec.short_name) names = std::string("-") + spec.short_name + "," + names;
  return names;
}

}  // namespace

Flags::Flags(std::vector<FlagSpec> specs) : specs_(std::move(specs)) {
  specs_.push_back({"help", 'h', false, "show this help"});
}

void Flags::Describe(CLI::App& app) {
  app.set_help_flag();  // -h/--help is one of the specs: the command decides what to print
  app.allow_extras();   // unknown flags are reported by Parse, in labctl's words
  for (const FlagSpec& spec : specs_) {
    std::vector<std::string>* values = &values_[spec.name];
    if (spec.takes_value) {
      app.add_option(
             OptionNames(spec),
             [values](const CLI::results_t& given) {
               values->insert(values->end(), given.begin(), given.end());
               return true;
             },
             spec.help)
          ->type_name("VALUE")
          ->expected(1)
          ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    } else {
      // --flag, -f, --flag=true; --flag=false leaves the flag unset.
      app.add_flag(
          OptionNames(spec),
          [values](std::int64_t count) {
            if (count > 0) values->push_back("true");
          },
          spec.help);
    }
  }
  app.add_option("args", positional_)->allow_extra_args();
}

api::Status Flags::Parse(const std::vector<std::string>& args) {
  // What follows the first "--" belongs to the command being run (exec ... -- CMD ARGS).
  auto dashdash = std::find(args.begin(), args.end(), "--");
  if (dashdash != args.end()) {
    saw_dashdash_ = true;
    rest_.assign(dashdash + 1, args.end());
  }
  std::vector<std::string> reversed;  // CLI11 takes its arguments last first
  for (auto it = std::make_reverse_iterator(dashdash); it != args.rend(); ++it)
    reversed.push_back(WithoutShortEquals(*it));
  CLI::App app;
  Describe(app);
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    return api::Status::BadRequest(e.what());
  }
  for (const std::string& extra : app.remaining())
    return api::Status::BadRequest("unknown flag " + extra);
  for (auto it = values_.begin(); it != values_.end();)  // only flags that were given
    it = it->second.empty() ? values_.erase(it) : std::next(it);
  return api::Status::Ok();
}

std::string Flags::Help(const std::string& usage) const {
  Flags copy(*this);
  CLI::App app;
  copy.Describe(app);
  app.get_formatter()->column_width(24);
  std::string text = app.help();
  // CLI11's own "Usage:" line names neither the command nor its arguments: use the caller's.
  size_t options = text.find("Options:");
  return usage + "\n" + (options == std::string::npos ? text : text.substr(options));
}

std::optional<int> Flags::ParseOrExit(const std::vector<std::string>& args,
                                      const std::string& usage) {
  if (api::Status st = Parse(args); !st.ok()) return UsageError(st.message(), usage);
  if (!help()) return std::nullopt;
  std::cout << usage;
  return kExitOk;
}

std::string Flags::Get(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() || it->second.empty() ? fallback : it->second.back();
}

std::vector<std::string> Flags::GetAll(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

}  // namespace labctl::cli
