// Config hygiene: warnings for the mistakes segmentation projects are known
// for. None blocks loading; each names the config path to look at.
//
//   never-matches        a segment whose condition contradicts itself
//                        (age > 50 and age < 30; $in []), so it stays empty
//   duplicate-condition  two segments with the same condition
//   unused-metric        a metric no segment or RFM axis reads
//   type-mismatch        one attribute compared as a string in one place and
//                        as a number in another (or against its declared
//                        type), usually dirty or inconsistent data
//   over-segmentation    more segments than hygiene.maxSegments (default
//                        30): tiny segments nobody can act on
#pragma once

#include <map>
#include <string>

#include "config/config.h"
#include "leadseg/diagnostics.h"
#include "core/json.h"

namespace leadseg {

struct HygieneOptions {
  int max_segments = 30;
};

void CheckHygiene(const Json& config, const CompiledConfig& compiled,
                  const std::map<std::string, std::string>& declared_types, const HygieneOptions& options,
                  Diagnostics* diagnostics);

}  // namespace leadseg
