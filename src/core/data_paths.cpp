#include "betadose/data_paths.hh"

#include <cstdlib>
#include <filesystem>

#include "betadose/errors.hh"

namespace bd {

std::string materials_dir() {
  const char* env = std::getenv("BETADOSE_DATA_DIR");
  const std::string dir = (env && *env) ? env : BETADOSE_DEFAULT_MATERIALS_DIR;
  BD_VALIDATE(std::filesystem::is_directory(dir),
              "data directory '" << dir << "' does not exist (set BETADOSE_DATA_DIR to the "
                                 "betadose materials/ folder)");
  return dir;
}

std::string tools_script(const std::string& name) { return materials_dir() + "/../tools/" + name; }

}  // namespace bd
