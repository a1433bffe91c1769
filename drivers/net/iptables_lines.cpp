#include "drivers/net/iptables_lines.h"

#include <sstream>

namespace labctl::net {

std::vector<std::string> RuleTokens(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  for (std::string t; in >> t;) {
    // A quoted comment may hold spaces ("set by containerlab"): its words are one argument.
    if (t.front() == '"')
      for (std::string more; (t.size() < 2 || t.back() != '"') && in >> more;) t += " " + more;
    if (t.size() >= 2 && t.front() == '"' && t.back() == '"') t = t.substr(1, t.size() - 2);
    out.push_back(t);
  }
  return out;
}

std::vector<std::string> DeleteRuleArgs(const std::string& tool, const std::string& table,
                                        const std::string& line) {
  std::vector<std::string> args = {tool, "-w", "-t", table};
  std::vector<std::string> rule = RuleTokens(line);
  if (!rule.empty()) rule[0] = "-D";  // "-A CHAIN ..." -> "-D CHAIN ..."
  args.insert(args.end(), rule.begin(), rule.end());
  return args;
}

}  // namespace labctl::net
