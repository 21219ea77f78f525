// `betadose kernel` and `betadose compare` end to end on small generated images.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "betadose/dose_file.hh"
#include "betadose/image_io.hh"
#include "cli_runner.hh"

namespace {

struct KernelCliCase {
  std::string dir, labels, table, activity, labels3, activity3;
};

// A 16³ block of 4 mm voxels: liver (label 1, 1.06 g/cm3) with 1 MBq per voxel in the central
// 8³; plus the same on a 3.3 mm grid (not a tabulated VSV size).
const KernelCliCase& cli_case() {
  static const KernelCliCase c = [] {
    KernelCliCase k;
    k.dir = ::testing::TempDir() + "/km_cli";
    std::filesystem::create_directories(k.dir);
    for (double voxel : {4.0, 3.3}) {
      bd::Grid g;
      g.size = {{16, 16, 16}};
      g.spacing_mm = {{voxel, voxel, voxel}};
      bd::Volume<float> lab(g, 1.0f), act(g, 0.0f);
      for (std::size_t z = 4; z < 12; ++z)
        for (std::size_t y = 4; y < 12; ++y)
          for (std::size_t x = 4; x < 12; ++x) act(x, y, z) = 1e6f;
      const std::string tag = voxel == 4.0 ? "" : "3";
      bd::write_image(k.dir + "/labels" + tag + ".mha", lab);
      bd::write_image(k.dir + "/activity" + tag + ".mha", act);
    }
    k.labels = k.dir + "/labels.mha";
    k.activity = k.dir + "/activity.mha";
    k.labels3 = k.dir + "/labels3.mha";
    k.activity3 = k.dir + "/activity3.mha";
    k.table = k.dir + "/table.csv";
    std::ofstream(k.table) << "label,material,density_g_cm3\n1,liver,1.06\n";
    return k;
  }();
  return c;
}

std::string inputs(const KernelCliCase& c) {
  return " --labels " + c.labels + " --material-table " + c.table + " --activity " + c.activity +
         " --activity-units bq --mask liver=" + c.labels;
}

TEST(KernelCli, LdmWritesTheDoseFileOfTheContract) {
  const auto& c = cli_case();
  const std::string out = c.dir + "/ldm.h5";
  const auto r = bd::test::run_cli("kernel --method ldm" + inputs(c) + " --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto f = bd::read_dose_file(out);
  EXPECT_EQ(f.method, "ldm");
  EXPECT_EQ(f.roi.count("liver"), 1u);
  // 1 MBq to complete decay at 49.77 J/GBq (reference/README.md; 0.1 % for its rounding and
  // the nuclide file's Σ electron energy) in 64 mm3 of liver at 1.06 g/cm3.
  const double expected = 49.77e-3 / (1.06 * 64e-6);
  EXPECT_NEAR(f.dose_gy[f.grid.linear_index(8, 8, 8)], expected, 1e-3 * expected);
  EXPECT_EQ(f.dose_gy[f.grid.linear_index(1, 1, 1)], 0.0f);
  EXPECT_NEAR(f.energy_emitted_J, 512 * 49.77e-3, 1e-3 * 512 * 49.77e-3);
}

TEST(KernelCli, VsvAndCompareJson) {
  const auto& c = cli_case();
  const std::string ldm = c.dir + "/ldm2.h5", vsv = c.dir + "/vsv.h5";
  ASSERT_EQ(bd::test::run_cli("kernel --method ldm" + inputs(c) + " --out " + ldm).exit_code, 0);
  const auto rv = bd::test::run_cli("kernel --method vsv --density-correction density" + inputs(c) +
                                    " --out " + vsv);
  ASSERT_EQ(rv.exit_code, 0) << rv.output;
  const auto r = bd::test::run_cli_stdout("compare " + ldm + " " + vsv + " --json --gamma 3%/3mm");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* key : {"\"gamma_pass_rate\"", "\"mean_relative_difference\"", "\"roi\"",
                          "\"liver\"", "\"mean_a\"", "\"mean_b\"", "\"d70_a\"", "\"d70_b\"",
                          "\"gamma_evaluated_voxels\""}) {
    EXPECT_NE(r.output.find(key), std::string::npos) << key << " in " << r.output;
  }
  // Energy is conserved by the VSV (within its 0.3 % tail), so the liver means agree closely:
  // the ROI covers the whole block and the kernel's reach (5 voxels) stays inside it except
  // at the block faces, where the energy leaving the grid is lost.
  const auto fl = bd::read_dose_file(ldm);
  const auto fv = bd::read_dose_file(vsv);
  double sl = 0, sv = 0;
  for (std::size_t v = 0; v < fl.dose_gy.size(); ++v) {
    sl += fl.dose_gy[v];
    sv += fv.dose_gy[v];
  }
  EXPECT_NEAR(sv / sl, 1.0, 0.01);
  // The comparison file holds the maps.
  const std::string diff = c.dir + "/diff.h5";
  EXPECT_EQ(bd::test::run_cli("compare " + ldm + " " + vsv + " --out " + diff).exit_code, 0);
  std::ifstream probe(diff);
  EXPECT_TRUE(probe.good());
}

TEST(KernelCli, BadInputsExitTwo) {
  const auto& c = cli_case();
  auto r = bd::test::run_cli("kernel --method mc" + inputs(c) + " --out " + c.dir + "/x.h5");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("expected ldm, dpk or vsv"), std::string::npos) << r.output;
  r = bd::test::run_cli("kernel --method dpk --dpk-file " + c.dir + "/missing.csv" + inputs(c) +
                        " --out " + c.dir + "/x.h5");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("missing.csv"), std::string::npos) << r.output;
  r = bd::test::run_cli("kernel --method vsv --labels " + c.labels3 + " --material-table " + c.table +
                        " --activity " + c.activity3 + " --activity-units bq --out " + c.dir + "/x.h5");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("tabulated"), std::string::npos) << r.output;
  r = bd::test::run_cli("kernel --method vsv --density-correction mass" + inputs(c) + " --out " +
                        c.dir + "/x.h5");
  EXPECT_EQ(r.exit_code, 2);
  std::ifstream none(c.dir + "/x.h5");
  EXPECT_FALSE(none.good());  // no output on failure
  // Differing grids: refused with --strict-grid, resampled with a warning otherwise.
  const std::string a = c.dir + "/a.h5", b = c.dir + "/b3.h5";
  ASSERT_EQ(bd::test::run_cli("kernel --method ldm" + inputs(c) + " --out " + a).exit_code, 0);
  ASSERT_EQ(bd::test::run_cli("kernel --method ldm --labels " + c.labels3 + " --material-table " +
                              c.table + " --activity " + c.activity3 + " --activity-units bq --out " + b)
                .exit_code,
            0);
  r = bd::test::run_cli("compare " + a + " " + b + " --strict-grid");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("grids differ"), std::string::npos) << r.output;
  r = bd::test::run_cli("compare " + a + " " + b);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("warning: grids differ"), std::string::npos) << r.output;
  r = bd::test::run_cli("compare " + a + " " + b + " --gamma 3mm");
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
