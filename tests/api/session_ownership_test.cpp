// The one ownership rule (api/session_ownership.h): where a Session's owner is read from, who
// may act on the Session, and on a Lab it holds.
#include "api/session_ownership.h"

#include <gtest/gtest.h>

namespace labctl::api {
namespace {

json SessionOf(const std::string& owner_annotation, const std::string& status_owner = "") {
  json s = {{"metadata", {{"name", "s1"}}}, {"spec", json::object()}};
  if (!owner_annotation.empty()) SetOwnerAnnotation(s, owner_annotation);
  if (!status_owner.empty()) s["status"]["owner"] = status_owner;
  return s;
}

const Principal kAlice{"alice", {}, {}};
const Principal kBob{"bob", {"dev"}, {}};
const Principal kRoot{"root", {kAdminGroup}, {}};

TEST(SessionOwnership, StatusOwnerWinsOverTheAnnotation) {
  EXPECT_EQ(SessionOwner(SessionOf("")), "");
  EXPECT_EQ(SessionOwner(SessionOf("alice")), "alice");
  EXPECT_EQ(SessionOwner(SessionOf("bob", "alice")), "alice");
  json s = SessionOf("alice");
  SetOwnerAnnotation(s, "");
  EXPECT_EQ(OwnerAnnotation(s), "");
  s["metadata"]["annotations"][kOwnerAnnotation] = 7;  // not a string: no owner
  EXPECT_EQ(SessionOwner(s), "");
}

TEST(SessionOwnership, OwnerOrAdminMayActOnASession) {
  json s = SessionOf("alice");
  EXPECT_TRUE(CheckMayActOnSession(kAlice, s).ok());
  EXPECT_TRUE(CheckMayActOnSession(kRoot, s).ok());
  Status st = CheckMayActOnSession(kBob, s);
  EXPECT_EQ(st.code(), Code::kForbidden);
  EXPECT_NE(st.message().find("belongs to alice"), std::string::npos) << st.message();
  EXPECT_TRUE(CheckMayActOnSession(kBob, SessionOf("")).ok())
      << "an unowned session is everybody's";
}

TEST(SessionOwnership, AHeldLabIsItsHoldersOwners) {
  json lab = {{"metadata", {{"name", "l1"}}}, {"status", {{"heldBy", "s1"}}}};
  EXPECT_EQ(LabHolder(lab), "s1");
  json holder = SessionOf("alice");
  EXPECT_TRUE(CheckMayActOnLab(kAlice, lab, &holder).ok());
  EXPECT_TRUE(CheckMayActOnLab(kRoot, lab, &holder).ok());
  Status st = CheckMayActOnLab(kBob, lab, &holder);
  EXPECT_EQ(st.code(), Code::kForbidden);
  EXPECT_NE(st.message().find("held by session s1 of alice"), std::string::npos) << st.message();
  EXPECT_TRUE(CheckMayActOnLab(kBob, lab, nullptr).ok()) << "free, or its session is gone";
}

}  // namespace
}  // namespace labctl::api
