#include "api/json_builder.h"

#include "api/field_errors.h"
#include "api/utf8.h"

namespace labctl::api {

using json = nlohmann::json;

namespace {

std::string Where(const std::string& path) { return path.empty() ? "the document" : path; }

}  // namespace

Status JsonBuilder::Count(size_t nodes, size_t string_bytes) {
  nodes_ += nodes;
  string_bytes_ += string_bytes;
  if (nodes_ > options_.limits.max_nodes)
    return Status::BadRequest("more than " + std::to_string(options_.limits.max_nodes) + " values");
  if (string_bytes_ > options_.limits.max_string_bytes)
    return Status::BadRequest("more than " + std::to_string(options_.limits.max_string_bytes) +
                              " bytes of strings");
  return Status::Ok();
}

Status JsonBuilder::CheckString(const std::string& s, bool is_key) const {
  if (IsValidUtf8(s)) return Status::Ok();
  return Status::BadRequest(std::string("invalid UTF-8 in ") + (is_key ? "a key of " : "") +
                            Where(Path()));
}

Status JsonBuilder::CheckDepth(size_t height) const {
  const auto max = static_cast<size_t>(options_.limits.max_depth);
  if (stack_.size() + height <= max) return Status::Ok();
  return Status::BadRequest("nested deeper than " + std::to_string(max) + " levels at " +
                            Where(Path()));
}

void JsonBuilder::Reset() {
  stack_.clear();
  root_ = nullptr;
  has_root_ = false;
  last_ = &root_;
  last_height_ = 0;
}

bool JsonBuilder::ExpectsKey() const {
  return !stack_.empty() && stack_.back().value.is_object() && !stack_.back().has_key;
}

std::string JsonBuilder::Path() const {
  std::string path;
  for (const Frame& f : stack_) {
    if (!f.value.is_object())
      path = At(path, f.value.size());
    else if (f.has_key)
      path = Child(path, f.key);
  }
  return path;
}

Status JsonBuilder::Place(json value, size_t height) {
  last_height_ = height;
  if (stack_.empty()) {
    if (has_root_) return Status::BadRequest("more than one value");
    root_ = std::move(value);
    has_root_ = true;
    last_ = &root_;
    return Status::Ok();
  }
  Frame& top = stack_.back();
  top.height = std::max(top.height, height + 1);
  if (top.value.is_array()) {
    top.value.push_back(std::move(value));
    last_ = &top.value.back();
    return Status::Ok();
  }
  if (!top.has_key) return Status::BadRequest("mapping keys must be scalars");
  json& slot = top.value[top.key];
  slot = std::move(value);
  last_ = &slot;
  top.has_key = false;
  return Status::Ok();
}

Status JsonBuilder::Begin(json container) {
  if (ExpectsKey()) return Status::BadRequest("mapping keys must be scalars");
  LABCTL_RETURN_IF_ERROR(CheckDepth(1));
  LABCTL_RETURN_IF_ERROR(Count(1, 0));
  stack_.push_back(Frame{std::move(container), "", false, 1});
  return Status::Ok();
}

Status JsonBuilder::BeginObject() { return Begin(json::object()); }
Status JsonBuilder::BeginArray() { return Begin(json::array()); }

Status JsonBuilder::End() {
  if (stack_.empty() || stack_.back().has_key)
    return Status::BadRequest("unbalanced end of an object or array");
  Frame done = std::move(stack_.back());
  stack_.pop_back();
  return Place(std::move(done.value), done.height);
}

Status JsonBuilder::Key(std::string key) {
  if (!ExpectsKey()) return Status::BadRequest("a key outside of an object");
  LABCTL_RETURN_IF_ERROR(Count(0, key.size()));
  LABCTL_RETURN_IF_ERROR(CheckString(key, true));
  Frame& top = stack_.back();
  if (options_.duplicate_keys_are_errors && top.value.contains(key))
    return Status::BadRequest("duplicate key \"" + key + "\"");
  top.key = std::move(key);
  top.has_key = true;
  return Status::Ok();
}

Status JsonBuilder::Scalar(json value) {
  if (ExpectsKey()) return Status::BadRequest("mapping keys must be scalars");
  const std::string* text = value.is_string() ? &value.get_ref<const std::string&>() : nullptr;
  LABCTL_RETURN_IF_ERROR(Count(1, text ? text->size() : 0));
  if (text) LABCTL_RETURN_IF_ERROR(CheckString(*text, false));
  return Place(std::move(value), 0);
}

Status JsonBuilder::Copy(json value, size_t nodes, size_t string_bytes, size_t height) {
  if (ExpectsKey()) return Status::BadRequest("mapping keys must be scalars");
  alias_nodes_ += nodes;
  if (alias_nodes_ > options_.limits.max_yaml_alias_nodes)
    return Status::BadRequest("aliases copy more than " +
                              std::to_string(options_.limits.max_yaml_alias_nodes) + " values");
  LABCTL_RETURN_IF_ERROR(CheckDepth(height));
  LABCTL_RETURN_IF_ERROR(Count(nodes, string_bytes));
  return Place(std::move(value), height);
}

}  // namespace labctl::api
