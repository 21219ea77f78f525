// Locations of reference data and the source tree for tests.
#pragma once

#include <string>

namespace bd::test {
inline std::string reference_path(const std::string& file) {
  return std::string(BETADOSE_REFERENCE_DIR) + "/" + file;
}
inline std::string source_path(const std::string& rel) {
  return std::string(BETADOSE_SOURCE_DIR) + "/" + rel;
}
}  // namespace bd::test
