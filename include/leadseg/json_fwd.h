// Json: nlohmann's ordered_json, the type of the native API's JSON
// conveniences (CompileConfig, Engine's Json overloads), declared only.
// Including a public header does not parse nlohmann's json.hpp: a caller
// that builds or reads a Json includes <nlohmann/json.hpp> itself (inside
// leadseg, core/json.h). Ordered: object key order is part of the
// semantics (core/json.h says why).
#pragma once

#include <nlohmann/json_fwd.hpp>

namespace leadseg {

using Json = nlohmann::ordered_json;

}  // namespace leadseg
