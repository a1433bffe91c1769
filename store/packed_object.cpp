#include "store/packed_object.h"

#include "api/object.h"

namespace labctl::store {

PackedObject::PackedObject(const json& object)
    : text_(object.dump()), name_(api::Name(object)), labels_(api::Labels(object)) {
  text_.shrink_to_fit();
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
