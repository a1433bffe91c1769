// spec.warmPool validation and the naming rules of spares (api/warm_pool.h).
#include "api/warm_pool.h"

#include <gtest/gtest.h>

#include "api/validation.h"
#include "lab_fixture.h"

namespace labctl::api {
namespace {

using testing::HasCause;

TEST(WarmPoolValidation, SizeIsAnIntegerFrom0To20) {
  json lab = testing::ExampleLab();
  for (json bad : {json(-1), json(21), json("2"), json(1.5), json(nullptr)}) {
    lab["spec"]["warmPool"] = {{"size", bad}};
    EXPECT_TRUE(HasCause(ValidateLab(lab), "spec.warmPool.size")) << bad.dump();
  }
  lab["spec"]["warmPool"] = json::object();
  EXPECT_TRUE(HasCause(ValidateLab(lab), "spec.warmPool.size"));
  lab["spec"]["warmPool"] = {{"size", 2}, {"max", 3}};
  EXPECT_TRUE(HasCause(ValidateLab(lab), "spec.warmPool.max"));
  for (int good : {0, 1, 20}) {
    lab["spec"]["warmPool"] = {{"size", good}};
    EXPECT_TRUE(ValidateLab(lab).ok()) << ValidateLab(lab).ToString();
  }
}

TEST(WarmPoolValidation, ALabWithAPoolLeavesRoomInItsNameForTheSpares) {
  json lab = testing::ExampleLab();
  lab["metadata"]["name"] = std::string(55, 'a');
  lab["spec"]["warmPool"] = {{"size", 1}};
  EXPECT_TRUE(HasCause(ValidateLab(lab), "spec.warmPool.size"));
  lab["spec"]["warmPool"] = {{"size", 0}};
  EXPECT_TRUE(ValidateLab(lab).ok());
}

TEST(WarmPool, SparesAreNamedAndLabelledForTheirTemplate) {
  json templ = testing::ExampleLab();
  templ["metadata"]["name"] = "t";
  templ["spec"]["warmPool"] = {{"size", 2}};
  json spare = MakeSpare(templ, 3);
  EXPECT_EQ(Name(spare), "t-warm-3");
  EXPECT_EQ(PoolTemplateOf(spare), "t");
  EXPECT_FALSE(spare["spec"].contains("warmPool"));
  EXPECT_EQ(spare["spec"]["runPolicy"], "Always");
  EXPECT_TRUE(ValidateLab(spare).ok()) << ValidateLab(spare).ToString();
  EXPECT_TRUE(SpareIsCurrent(spare, templ));
  templ["spec"]["warmPool"]["size"] = 5;  // the size is not part of what a spare copies
  EXPECT_TRUE(SpareIsCurrent(spare, templ));
  templ["spec"]["idleTimeoutSeconds"] = 9;
  EXPECT_FALSE(SpareIsCurrent(spare, templ));
}

TEST(WarmPool, SessionLabIsTheSpareOnlyWhileItBelongsToSpecLab) {
  json s = {{"spec", {{"lab", "t"}}}, {"status", {{"lab", "t-warm-2"}}}};
  EXPECT_EQ(SessionLab(s), "t-warm-2");
  s["status"]["lab"] = "other";
  EXPECT_EQ(SessionLab(s), "t");
  s["status"]["lab"] = "t-warm-x";
  EXPECT_EQ(SessionLab(s), "t");
  s["spec"].erase("lab");
  EXPECT_EQ(SessionLab(s), "");
  EXPECT_TRUE(IsSpareNameOf("t-warm-12", "t"));
  EXPECT_FALSE(IsSpareNameOf("t-warm-", "t"));
  EXPECT_FALSE(IsSpareNameOf("tt-warm-1", "t"));
}

}  // namespace
}  // namespace labctl::api
