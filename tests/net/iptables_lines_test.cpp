// Rules as `iptables -S` prints them, turned back into arguments.
#include "drivers/net/iptables_lines.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace labctl::net {
namespace {

using ::testing::ElementsAre;

TEST(IptablesLines, AQuotedCommentWithSpacesIsOneArgument) {
  const std::string line =
      "-A DOCKER-USER -o br-1a2b -m comment --comment \"set by containerlab\" -j ACCEPT";
  EXPECT_THAT(DeleteRuleArgs("iptables", "filter", line),
              ElementsAre("iptables", "-w", "-t", "filter", "-D", "DOCKER-USER", "-o", "br-1a2b",
                          "-m", "comment", "--comment", "set by containerlab", "-j", "ACCEPT"));
  EXPECT_THAT(
      RuleTokens("-A X -m comment --comment \"labctl:nat:cone\" -j MASQUERADE"),
      ElementsAre("-A", "X", "-m", "comment", "--comment", "labctl:nat:cone", "-j", "MASQUERADE"));
}

}  // namespace
}  // namespace labctl::net
