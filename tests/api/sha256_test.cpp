// Known-answer tests for api::Sha256 (FIPS 180-4 / NIST CSRC example values) and its streaming
// form: any split of the input into Update calls gives the one-shot digest.
#include "api/sha256.h"

#include <gtest/gtest.h>

#include <string>

namespace labctl::api {
namespace {

TEST(Sha256, EmptyString) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256().HexDigest(), Sha256Hex(""));
}

TEST(Sha256, Abc) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, TwoBlockMessage) {
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, OneMillionAs) {
  EXPECT_EQ(Sha256Hex(std::string(1'000'000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, StreamingEqualsOneShotForEverySplit) {
  const std::string text = "The quick brown fox jumps over the lazy dog, twice over: " +
                           std::string(130, 'x');  // crosses two 64-byte blocks
  const std::string whole = Sha256Hex(text);
  for (size_t cut = 0; cut <= text.size(); ++cut) {
    Sha256 h;
    h.Update(std::string_view(text).substr(0, cut)).Update(std::string_view(text).substr(cut));
    ASSERT_EQ(h.HexDigest(), whole) << "split at " << cut;
  }
}

TEST(Sha256, StreamingOneMegabyteInSmallPieces) {
  Sha256 h;
  const std::string piece(1000, 'a');
  for (int i = 0; i < 1000; ++i) h.Update(piece);
  EXPECT_EQ(h.HexDigest(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, HexIsStableAndFinishesTheDigest) {
  Sha256 h;
  h.Update("abc");
  std::string first = h.HexDigest();
  h.Update("more");  // ignored once finished
  EXPECT_EQ(h.HexDigest(), first);
}

}  // namespace
}  // namespace labctl::api
