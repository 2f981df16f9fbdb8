// Where tests find shared data and repository files.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include "core/json.h"

#ifndef LEADSEG_SHARED_DIR
#define LEADSEG_SHARED_DIR "../shared"
#endif
#ifndef LEADSEG_SOURCE_DIR
#define LEADSEG_SOURCE_DIR "."
#endif

namespace leadseg {
namespace testing {

inline std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string SharedPath(const std::string& relative) {
  return std::string(LEADSEG_SHARED_DIR) + "/" + relative;
}

inline std::string SourcePath(const std::string& relative) {
  return std::string(LEADSEG_SOURCE_DIR) + "/" + relative;
}

inline Json ReadJson(const std::string& path) { return Json::parse(ReadText(path)); }

}  // namespace testing
}  // namespace leadseg
