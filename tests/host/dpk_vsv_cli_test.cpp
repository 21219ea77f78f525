// `betadose dpk` / `betadose vsv` as a user runs them: CSV contracts of DESIGN.md §4 and
// clear failures that leave no output behind.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "cli_runner.hh"

namespace fs = std::filesystem;

namespace {

fs::path temp_dir() {
  auto dir = fs::temp_directory_path() / ("betadose_kcli_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir;
}

// First line that does not start with '#'.
std::string csv_header(const fs::path& path) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty() && line[0] != '#') return line;
  return "";
}

}  // namespace

TEST(DpkVsvCli, WritesTheContractedCsvColumns) {
  const auto dpk = temp_dir() / "dpk.csv";
  auto r = bd::test::run_cli("dpk --electron-mev 0.5 --material water --shell-mm 0.1 --rmax-mm 2 "
                             "--histories 2000 --threads 1 --out " + dpk.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(csv_header(dpk), "r_inner_mm,r_outer_mm,r_mid_mm,energy_per_decay_MeV,dose_per_decay_Gy,rel_uncertainty");
  const auto vsv = temp_dir() / "vsv.csv";
  r = bd::test::run_cli("vsv --nuclide Y-90 --material soft-tissue --voxel-mm 4 --half-width 2 "
                        "--histories 2000 --threads 1 --out " + vsv.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(csv_header(vsv), "i,j,k,s_mGy_per_MBq_s,energy_fraction,rel_uncertainty");
  // All offsets 0 <= k <= j <= i <= 2: 10 rows.
  std::ifstream in(vsv);
  std::string line;
  int rows = -1;
  while (std::getline(in, line))
    if (!line.empty() && line[0] != '#') ++rows;
  EXPECT_EQ(rows, 10);
}

TEST(DpkVsvCli, BadInputsExitTwoWithoutOutput) {
  const auto out = temp_dir() / "missing_dir" / "k.csv";
  auto r = bd::test::run_cli("dpk --electron-mev 1 --histories 10 --out " + out.string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("missing_dir"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(out));
  const auto csv = temp_dir() / "bad.csv";
  r = bd::test::run_cli("vsv --material unobtainium --histories 10 --out " + csv.string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("unobtainium"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(csv));
  r = bd::test::run_cli("dpk --nuclide Y-90 --electron-mev 1 --out " + csv.string());
  EXPECT_EQ(r.exit_code, 2);
}
