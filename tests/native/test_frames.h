// The value frame (core/value_codec.h) of JSON text: what the JavaScript
// package's frame writer sends for the same value, so that engine tests can
// call the *Frame entry points the bindings use.
#pragma once

#include <string>

#include "core/value.h"
#include "core/json.h"
#include "core/value_codec.h"

namespace leadseg {
namespace testing {

inline std::string Frame(const std::string& json) {
  Document doc;
  std::string out;
  EncodeValue(doc.Add(Json::parse(json)), &out);
  return out;
}

}  // namespace testing
}  // namespace leadseg
