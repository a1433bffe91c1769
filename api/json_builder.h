// JsonBuilder: builds one JSON value from parse events (nlohmann's JSON SAX events or yaml-cpp's
// YAML events) within ParseLimits, so the one tree labd keeps of a body is bounded in depth,
// values and string bytes, and holds only valid UTF-8. Each call returns BadRequest at the first
// limit or bad string, naming where in the value it is (spec.nodes[0].name).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/input_limits.h"
#include "api/status.h"

namespace labctl::api {

class JsonBuilder {
 public:
  struct Options {
    ParseLimits limits;
    bool duplicate_keys_are_errors = false;  // JSON keeps the last; YAML forbids duplicates
  };
  explicit JsonBuilder(Options options) : options_(std::move(options)) {}

  Status BeginObject();
  Status BeginArray();
  Status End();  // closes the innermost object or array
  // The key of the next value; only while ExpectsKey().
  Status Key(std::string key);
  // A number, boolean, null or string.
  Status Scalar(nlohmann::json value);
  // A finished value copied in whole (a YAML alias): `nodes` values of `string_bytes` bytes,
  // `height` levels of objects and arrays (as last_height() said when it was completed).
  Status Copy(nlohmann::json value, size_t nodes, size_t string_bytes, size_t height);

  // Counts values kept beside the tree (a YAML anchor's copy) against the limits.
  Status Count(size_t nodes, size_t string_bytes);

  // True while the innermost open value is an object waiting for a key.
  bool ExpectsKey() const;
  // The value completed last (valid until the next call), e.g. to remember a YAML anchor.
  const nlohmann::json& last() const { return *last_; }
  // Levels of objects and arrays in last() (0 for a scalar).
  size_t last_height() const { return last_height_; }
  bool done() const { return stack_.empty() && has_root_; }
  nlohmann::json TakeRoot() { return std::move(root_); }
  // Starts over with the next value (a YAML stream's next document), keeping the counts: the
  // limits hold for everything one builder built.
  void Reset();

  // Where the next value goes: "metadata.annotations.a", "spec.nodes[2]", "" at the top.
  std::string Path() const;
  size_t nodes() const { return nodes_; }
  size_t string_bytes() const { return string_bytes_; }
  size_t alias_nodes() const { return alias_nodes_; }

 private:
  struct Frame {
    nlohmann::json value;
    std::string key;  // objects: the key of the next value
    bool has_key = false;
    size_t height = 1;  // levels of objects and arrays, this one included
  };
  Status Begin(nlohmann::json container);
  Status CheckString(const std::string& s, bool is_key) const;
  Status Place(nlohmann::json value, size_t height);
  Status CheckDepth(size_t height) const;

  Options options_;
  std::vector<Frame> stack_;
  nlohmann::json root_;
  bool has_root_ = false;
  const nlohmann::json* last_ = &root_;
  size_t last_height_ = 0;
  size_t nodes_ = 0;
  size_t string_bytes_ = 0;
  size_t alias_nodes_ = 0;
};

}  // namespace labctl::api
