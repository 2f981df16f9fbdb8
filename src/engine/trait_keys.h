// TraitKeys: the attribute names of identify's last whole frame, kept from
// one call to the next so that a visitor's traits can cross as their values
// alone.
//
// A page identifies with the same attributes in the same order call after
// call; writing their names into every frame was about half of the
// JavaScript frame writer's time (docs/performance.md, issue 14, s33). The
// binding (bindings/engine.cc, Encoding kKeyedFrame and kSameKeys) keeps
// the names of a whole object frame (core/value_codec.h) here and passes
// them with a frame of values alone to Engine::IdentifyNamedValues.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace leadseg {

class TraitKeys {
 public:
  // Keeps the member names of `frame`, an object's value frame; keeps none
  // (kept() false) if it is not one.
  void Keep(std::string_view frame);
  void Clear();

  bool kept() const { return version_ != 0; }
  const std::vector<std::string>& names() const { return names_; }
  // A number no other kept list of names had, 0 when none is kept:
  // Engine::IdentifyNamedValues' `names_version`.
  uint64_t version() const { return version_; }

 private:
  std::vector<std::string> names_;
  uint64_t version_ = 0;  // 0: none kept
};

}  // namespace leadseg
