// IptablesLines: rules as `iptables -S` prints them ("-A CHAIN ... --comment "x" ...") turned
// back into arguments — how labd finds and deletes the rules it added (NAT, NFQUEUE impairment)
// by their comment, without a shell.
#pragma once

#include <string>
#include <vector>

namespace labctl::net {

// The line's words, with the quotes iptables puts around comments removed (a quoted comment
// with spaces is one word).
std::vector<std::string> RuleTokens(const std::string& line);

// The argv that deletes the rule of `line` ("-A CHAIN ...") from `table` with `tool`
// (iptables or ip6tables).
std::vector<std::string> DeleteRuleArgs(const std::string& tool, const std::string& table,
                                        const std::string& line);

}  // namespace labctl::net
