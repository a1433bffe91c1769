#include "store/packed_object.h"

#include "api/object.h"

namespace labctl::store {
namespace {

// Heap bytes of a std::string beyond the object itself (short strings live inside it).
size_t StringHeap(const std::string& s) {
  return s.capacity() > std::string().capacity() ? s.capacity() + 1 : 0;
}

// Labels are a flat string map: per entry a tree node (~64 B with its json value) plus the
// key's and the value's heap.
size_t LabelsHeap(const json& labels) {
  if (!labels.is_object()) return 0;
  size_t bytes = 0;
  for (const auto& [key, value] : labels.items()) {
    bytes += 64 + StringHeap(key) + sizeof(std::string);
    if (value.is_string()) bytes += StringHeap(value.get_ref<const std::string&>());
  }
  return bytes;
}

// make_shared's control block sits next to the object.
constexpr size_t kControlBlock = 16;

}  // namespace

PackedObject::PackedObject(const json& object)
    : text_(object.dump()), name_(api::Name(object)), labels_(api::Labels(object)) {
  text_.shrink_to_fit();
  bytes_ = sizeof(PackedObject) + kControlBlock + StringHeap(text_) + StringHeap(name_) +
           LabelsHeap(labels_);
}

std::shared_ptr<const json> PackedObject::Unpack() const {
  return std::make_shared<const json>(json::parse(text_));
}

Change PackedChange::Unpack() const {
  return Change{revision,
                type,
                kind,
                store::Unpack(object),
                store::Unpack(previous),
                PackedObject::TextOf(object)};
}

}  // namespace labctl::store
