// The worked example of docs/manifests.md must stay valid: it is parsed and validated here.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "api/validation.h"
#include "api/yaml.h"

namespace labctl::api {
namespace {

std::string WorkedExample() {
  std::ifstream in(std::string(LABCTL_SOURCE_DIR) + "/docs/manifests.md");
  std::stringstream text;
  text << in.rdbuf();
  std::string doc = text.str();
  size_t section = doc.find("## Worked example");
  size_t begin = doc.find("```yaml\n", section);
  size_t end = doc.find("```\n", begin + 8);
  if (section == std::string::npos || begin == std::string::npos || end == std::string::npos)
    return "";
  return doc.substr(begin + 8, end - begin - 8);
}

TEST(DocsExample, WorkedExampleValidates) {
  std::string yaml = WorkedExample();
  ASSERT_FALSE(yaml.empty()) << "no worked example found in docs/manifests.md";
  auto docs = ParseYamlDocuments(yaml);
  ASSERT_TRUE(docs.ok()) << docs.status().ToString();
  ASSERT_EQ(docs->size(), 2u);
  for (json doc : *docs) {
    auto kind = ParseKind(doc.value("kind", ""));
    ASSERT_TRUE(kind);
    DefaultObject(*kind, doc);
    Status st = ValidateObject(*kind, doc);
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
}

}  // namespace
}  // namespace labctl::api
