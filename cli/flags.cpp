#include "cli/flags.h"

namespace labctl::cli {

Flags::Flags(std::vector<FlagSpec> specs) : specs_(std::move(specs)) {
  specs_.push_back({"help", 'h', false});
}

const FlagSpec* Flags::Find(const std::string& name) const {
  for (const auto& s : specs_)
    if (s.name == name) return &s;
  return nullptr;
}

const FlagSpec* Flags::FindShort(char c) const {
  for (const auto& s : specs_)
    if (s.short_name != 0 && s.short_name == c) return &s;
  return nullptr;
}

api::Status Flags::Parse(const std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      saw_dashdash_ = true;
      rest_.assign(args.begin() + static_cast<long>(i) + 1, args.end());
      return api::Status::Ok();
    }
    if (a.size() < 2 || a[0] != '-' || a == "-") {
      positional_.push_back(a);
      continue;
    }
    const FlagSpec* spec = nullptr;
    std::string inline_value;
    bool has_inline = false;
    if (a[1] == '-') {
      std::string name = a.substr(2);
      if (auto eq = name.find('='); eq != std::string::npos) {
        inline_value = name.substr(eq + 1);
        has_inline = true;
        name = name.substr(0, eq);
      }
      spec = Find(name);
    } else {
      spec = FindShort(a[1]);
      if (a.size() > 2) {
        inline_value = a.substr(a[2] == '=' ? 3 : 2);
        has_inline = true;
      }
    }
    if (!spec) return api::Status::BadRequest("unknown flag " + a);
    if (!spec->takes_value) {
      if (has_inline && inline_value != "true" && inline_value != "false")
        return api::Status::BadRequest("flag " + a + " takes no value");
      if (!has_inline || inline_value == "true") values_[spec->name].push_back("true");
      continue;
    }
    if (!has_inline) {
      if (i + 1 >= args.size()) return api::Status::BadRequest("flag " + a + " needs a value");
      inline_value = args[++i];
    }
    values_[spec->name].push_back(inline_value);
  }
  return api::Status::Ok();
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
