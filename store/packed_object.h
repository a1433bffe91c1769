// PackedObject: how the store keeps objects in memory — the object's JSON text plus the name and
// labels that selectors and watch filters need. A parsed nlohmann::json of a small Lab takes
// ~4 KB of heap; its text ~0.5 KB, so 10k objects fit in a few MB. Reads parse on demand
// (Unpack); immutable and shared, so the current-object map and the change log share one copy.
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace labctl::store {

class PackedObject {
 public:
  explicit PackedObject(const json& object);

  const std::string& text() const { return text_; }
  // text() as a pointer that keeps this object alive (for events).
  static std::shared_ptr<const std::string> TextOf(const std::shared_ptr<const PackedObject>& p) {
    return p ? std::shared_ptr<const std::string>(p, &p->text_) : nullptr;
  }
  const std::string& name() const { return name_; }
  const json& labels() const { return labels_; }
  std::shared_ptr<const json> Unpack() const;
  // Heap bytes this object holds (text, name, labels, the object itself), estimated; what the
  // change history's byte budget counts.
  size_t bytes() const { return bytes_; }

 private:
  std::string text_;
  std::string name_;
  json labels_;
  size_t bytes_ = 0;
};

using PackedPtr = std::shared_ptr<const PackedObject>;

inline PackedPtr Pack(const json& object) { return std::make_shared<const PackedObject>(object); }
inline std::shared_ptr<const json> Unpack(const PackedPtr& p) { return p ? p->Unpack() : nullptr; }

// A committed change as the change log keeps it (see Change in store.h).
struct PackedChange {
  uint64_t revision = 0;
  ChangeType type = ChangeType::kAdded;
  Kind kind = Kind::kLab;
  PackedPtr object;
  PackedPtr previous;

  Change Unpack() const;
};

}  // namespace labctl::store
