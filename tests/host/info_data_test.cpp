// `betadose info` lists the materials and nuclides of the data directory with their sources.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "cli_runner.hh"

namespace {

TEST(CliInfo, ListsMaterialsAndNuclidesWithSources) {
  const auto r = bd::test::run_cli("info");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* s : {"materials (", "water", "soft-tissue", "lung", "glass", "resin",
                        "schneider-soft-tissue", "NIST ESTAR", "Erbe", "nuclides (", "Y-90",
                        "ICRP Publication 107", "T1/2 64.1 h"}) {
    EXPECT_NE(r.output.find(s), std::string::npos) << "missing '" << s << "' in:\n" << r.output;
  }
}

TEST(CliInfo, BadMaterialFileExitsTwoNamingIt) {
  namespace fs = std::filesystem;
  const fs::path d = fs::temp_directory_path() / "betadose_info_bad_data";
  fs::remove_all(d);
  fs::create_directories(d);
  std::ofstream(d / "broken.material") << "name broken\ndensity_g_cm3 1\nI_eV 75\nsource t\n";
  ::setenv("BETADOSE_DATA_DIR", d.c_str(), 1);
  const auto r = bd::test::run_cli("info");
  ::unsetenv("BETADOSE_DATA_DIR");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("broken.material"), std::string::npos) << r.output;
}

}  // namespace
