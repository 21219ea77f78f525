// Where betadose finds its data (materials, nuclides, calibrations, physics tables).
#pragma once

#include <string>

namespace bd {

// $BETADOSE_DATA_DIR if set, else the materials/ folder of the source tree this build came
// from. Throws InputError when the folder does not exist.
std::string materials_dir();

// A helper script of the tools/ folder (plotting), which lies next to materials/ in the source
// tree the build came from.
std::string tools_script(const std::string& name);

}  // namespace bd
