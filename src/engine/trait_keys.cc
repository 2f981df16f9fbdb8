#include "engine/trait_keys.h"

#include <atomic>
#include <cstdint>

#include "core/json.h"
#include "core/value_codec.h"

namespace leadseg {

namespace {

// Versions are unique across every TraitKeys (an engine may be handed the
// names of more than one), never 0.
std::atomic<uint64_t> last_version{0};

}  // namespace

void TraitKeys::Clear() {
  names_.clear();
  version_ = 0;
}

void TraitKeys::Keep(std::string_view frame) {
  Clear();
  // Decoded as identify decodes it: the engine reads the same frame next
  // (a whole frame comes only when the names change, so twice is cheap).
  Document arena;
  auto object = DecodeValue(reinterpret_cast<const uint8_t*>(frame.data()), frame.size(), &arena, kMaxJsonDepth + 1);
  if (!object.ok() || !object->is_object()) return;
  for (uint32_t i = 0; i < object->size(); ++i) names_.push_back(std::string(object->key_at(i)));
  version_ = ++last_version;
}

}  // namespace leadseg
