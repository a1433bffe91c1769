#include "api/text_file.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

namespace labctl::api {
namespace {

TEST(TextFile, WrittenAtomicallyAndReadBackWhole) {
  char dir[] = "/tmp/text-file-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string path = std::string(dir) + "/state";
  EXPECT_EQ(ReadTextFile(path).status().code(), Code::kNotFound);
  const std::string content("line\n\0binary", 12);
  ASSERT_TRUE(WriteFileAtomically(path, content).ok());
  ASSERT_TRUE(WriteFileAtomically(path, content + "!").ok());  // replaces
  auto read = ReadTextFile(path);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, content + "!");
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  EXPECT_FALSE(WriteFileAtomically(std::string(dir) + "/missing/dir/x", "x").ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace labctl::api
