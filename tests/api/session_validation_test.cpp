#include <gtest/gtest.h>

#include "lab_fixture.h"

namespace labctl::api {
namespace {

using testing::HasCause;

json Session(json spec = json::object()) {
  return {{"apiVersion", "labctl.dev/v1alpha1"},
          {"kind", "Session"},
          {"metadata", {{"generateName", "ci-"}}},
          {"spec", spec}};
}

TEST(SessionValidation, DefaultsAndValidMinimalSession) {
  json s = Session();
  s.erase("spec");
  DefaultSession(s);
  EXPECT_EQ(s["spec"]["heartbeatTimeoutSeconds"], 300);
  EXPECT_EQ(s["spec"]["queueTimeoutSeconds"], 600);
  EXPECT_EQ(s["spec"]["ttlSecondsAfterFinished"], 3600);
  Status st = ValidateSession(s);
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST(SessionValidation, DesignExampleIsValid) {
  json s = Session({{"lab", "natlab"},
                    {"holder", "pipeline 4711"},
                    {"heartbeatTimeoutSeconds", 300},
                    {"queueTimeoutSeconds", 600},
                    {"ttlSecondsAfterFinished", 3600}});
  EXPECT_TRUE(ValidateSession(s).ok()) << ValidateSession(s).ToString();
  DefaultObject(Kind::kSession, s);
  EXPECT_TRUE(ValidateObject(Kind::kSession, s).ok());
}

TEST(SessionValidation, EveryFieldChecked) {
  json s = Session({{"lab", "Not_A_Name"},
                    {"holder", std::string(257, 'x')},
                    {"heartbeatTimeoutSeconds", 0},
                    {"queueTimeoutSeconds", 0},
                    {"ttlSecondsAfterFinished", -1},
                    {"priority", 1}});
  Status st = ValidateSession(s);
  EXPECT_TRUE(HasCause(st, "spec.lab", "not a valid name"));
  EXPECT_TRUE(HasCause(st, "spec.holder", "at most 256"));
  EXPECT_TRUE(HasCause(st, "spec.heartbeatTimeoutSeconds", "between 1 and 86400"));
  EXPECT_TRUE(HasCause(st, "spec.queueTimeoutSeconds", "between 1 and 315360000"));
  EXPECT_TRUE(HasCause(st, "spec.ttlSecondsAfterFinished", "between 0 and 315360000"));
  EXPECT_TRUE(HasCause(st, "spec.priority", "unknown field"));
  EXPECT_EQ(st.message().rfind("Session \"ci-\" is invalid: ", 0), 0u) << st.message();
  s = Session({{"heartbeatTimeoutSeconds", 86401}});
  EXPECT_TRUE(HasCause(ValidateSession(s), "spec.heartbeatTimeoutSeconds"));
}

TEST(SessionValidation, KindMustMatch) {
  json s = Session();
  s["kind"] = "Lab";
  EXPECT_TRUE(HasCause(ValidateObject(Kind::kSession, s), "kind", "must be Session"));
}

TEST(EventValidation, ShapeOnly) {
  json e = {{"apiVersion", "labctl.dev/v1alpha1"},
            {"kind", "Event"},
            {"metadata", {{"name", "natlab.1"}}},
            {"involvedObject", {{"kind", "Lab"}, {"name", "natlab"}, {"uid", "u"}}},
            {"type", "Normal"},
            {"reason", "Provisioned"},
            {"message", "all nodes up"},
            {"count", 1},
            {"firstTimestamp", "2026-11-25T18:05:00Z"},
            {"lastTimestamp", "2026-11-25T18:05:00Z"},
            {"source", {{"component", "lab-controller"}}}};
  EXPECT_TRUE(ValidateObject(Kind::kEvent, e).ok()) << ValidateObject(Kind::kEvent, e).ToString();
  e["type"] = "Error";
  e["count"] = 0;
  e["involvedObject"].erase("name");
  e["lastTimestamp"] = "yesterday";
  Status st = ValidateObject(Kind::kEvent, e);
  EXPECT_TRUE(HasCause(st, "type", "Normal or Warning"));
  EXPECT_TRUE(HasCause(st, "count", ">= 1"));
  EXPECT_TRUE(HasCause(st, "involvedObject.name", "required"));
  EXPECT_TRUE(HasCause(st, "lastTimestamp", "RFC 3339"));
}

TEST(Names, DnsLabel) {
  EXPECT_TRUE(IsDnsLabel("a"));
  EXPECT_TRUE(IsDnsLabel("cone-gw-01"));
  EXPECT_TRUE(IsDnsLabel(std::string(63, 'a')));
  EXPECT_FALSE(IsDnsLabel(std::string(64, 'a')));
  EXPECT_FALSE(IsDnsLabel(""));
  EXPECT_FALSE(IsDnsLabel("-a"));
  EXPECT_FALSE(IsDnsLabel("a-"));
  EXPECT_FALSE(IsDnsLabel("A"));
  EXPECT_FALSE(IsDnsLabel("a.b"));
  EXPECT_FALSE(IsDnsLabel("a_b"));
}

}  // namespace
}  // namespace labctl::api
