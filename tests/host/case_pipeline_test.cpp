// The one case pipeline (issue 10): `mc` and `kernel` read a case identically, --uniform
// replaces a CT, a SPECT whose z axis runs backwards goes through the whole pipeline and
// tools/plot_dose.py, and `kernel` prints the ROI table of `mc`.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "betadose/dose_file.hh"
#include "betadose/image_io.hh"
#include "cli_runner.hh"
#include "tests/support/paths.hh"

namespace fs = std::filesystem;

namespace {

// 12^3 CT at 4 mm (soft tissue 40 HU, a 60 HU liver cube), activity on a 6 mm grid with
// another origin, and a liver mask on the CT grid.
class CasePipeline : public ::testing::Test {
 protected:
  fs::path dir;
  std::string ct, act, liver;

  void SetUp() override {
    dir = fs::temp_directory_path() /
          ("bd_case_" + std::to_string(::getpid()) + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
    bd::Grid g;
    g.size = {{12, 12, 12}};
    g.spacing_mm = {{4, 4, 4}};
    g.origin_mm = {{-22, -22, -22}};
    bd::Volume<float> hu(g, 40.0f);
    bd::Volume<std::uint8_t> liv(g, 0);
    for (std::size_t k = 3; k < 9; ++k)
      for (std::size_t j = 3; j < 9; ++j)
        for (std::size_t i = 3; i < 9; ++i) {
          hu(i, j, k) = 60.0f;
          liv(i, j, k) = 1;
        }
    hu(0, 0, 0) = -1000.0f;  // some air, so the CT passes the HU check
    ct = path("ct.nii.gz");
    liver = path("liver.nii.gz");
    bd::write_image(ct, hu);
    bd::write_image(liver, liv);
    bd::Grid ga;
    ga.size = {{7, 7, 7}};
    ga.spacing_mm = {{6, 6, 6}};
    ga.origin_mm = {{-18, -17, -16}};
    bd::Volume<float> counts(ga, 0.0f);
    for (std::size_t k = 1; k < 6; ++k)
      for (std::size_t j = 2; j < 5; ++j)
        for (std::size_t i = 2; i < 5; ++i) counts(i, j, k) = 10.0f * float(k) + float(i);
    act = path("spect.nii.gz");
    bd::write_image(act, counts);
  }
  void TearDown() override { fs::remove_all(dir); }
  std::string path(const std::string& name) const { return (dir / name).string(); }
  std::string inputs() const {
    return " --ct " + ct + " --activity " + act + " --total-activity-gbq 1.5 --mask liver=" + liver;
  }
};

TEST_F(CasePipeline, McAndKernelReadTheSameCase) {
  const std::string mc = path("mc.h5"), ldm = path("ldm.h5");
  const auto rm = bd::test::run_cli("mc" + inputs() + " --histories 2000 --threads 2 --out " + mc);
  ASSERT_EQ(rm.exit_code, 0) << rm.output;
  const auto rk = bd::test::run_cli("kernel --method ldm" + inputs() + " --out " + ldm);
  ASSERT_EQ(rk.exit_code, 0) << rk.output;
  const auto a = bd::read_dose_file(mc), b = bd::read_dose_file(ldm);
  EXPECT_TRUE(a.grid.same_geometry(b.grid, 1e-9));
  EXPECT_TRUE(a.grid.same_geometry(bd::read_image_grid(act), 1e-6));  // default grid: the activity's
  EXPECT_EQ(a.total_activity_bq, b.total_activity_bq);
  EXPECT_NEAR(a.total_activity_bq, 1.5e9, 1.0);
  EXPECT_EQ(a.activity_bq, b.activity_bq);
  EXPECT_EQ(a.density_g_cm3, b.density_g_cm3);
  EXPECT_EQ(a.material_names, b.material_names);
  ASSERT_EQ(a.roi.size(), 1u);
  EXPECT_EQ(a.roi, b.roi);
  EXPECT_EQ(a.text.at("provenance"), b.text.at("provenance"));
  // One ROI table for every engine.
  for (const auto* out : {&rm.output, &rk.output}) {
    EXPECT_NE(out->find("ROI            volume_ml     mean_Gy    D70_Gy    D90_Gy    V100_%    V150_%     unc_%"),
              std::string::npos)
        << *out;
    EXPECT_NE(out->find("\nliver "), std::string::npos) << *out;
  }
  // Every image line carries the full geometry.
  EXPECT_NE(rm.output.find("activity  " + act + ": NIfTI, 7x7x7 voxels of 6x6x6 mm, origin (-18, -17, -16) mm, "
                                                "direction (1 0 0; 0 1 0; 0 0 1), box x [-21, 21] y [-20, 22] z [-19, 23] mm"),
            std::string::npos)
      << rm.output;
  // The same options in a TOML file for kernel, both layouts.
  const std::string cfg = path("case.toml");
  std::ofstream(cfg) << "method = \"ldm\"\nct = \"" << ct << "\"\nactivity = \"" << act << "\"\n"
                     << "total-activity-gbq = 1.5\nmask = [\"liver=" << liver << "\"]\nout = \"" << path("cfg.h5")
                     << "\"\nquiet = true\n";
  auto r = bd::test::run_cli("kernel --config " + cfg);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(bd::read_dose_file(path("cfg.h5")).activity_bq, b.activity_bq);
  std::ofstream(path("case2.toml")) << "[kernel]\nmethod = \"ldm\"\nct = \"" << ct << "\"\nactivity = \"" << act
                                    << "\"\ntotal-activity-gbq = 1.5\nout = \"" << path("cfg2.h5") << "\"\n";
  r = bd::test::run_cli("--config " + path("case2.toml") + " kernel");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(bd::read_dose_file(path("cfg2.h5")).activity_bq, b.activity_bq);
}

TEST_F(CasePipeline, UniformPhantomWithoutCt) {
  const std::string out = path("u.h5");
  auto r = bd::test::run_cli("kernel --method ldm --uniform soft-tissue:1.03 --activity " + act +
                             " --total-activity-gbq 1 --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("geometry  uniform soft-tissue at 1.03 g/cm3 (--uniform) over the activity grid"),
            std::string::npos)
      << r.output;
  auto f = bd::read_dose_file(out);
  EXPECT_TRUE(f.grid.same_geometry(bd::read_image_grid(act), 1e-6));
  ASSERT_EQ(f.material_names, std::vector<std::string>{"soft-tissue"});
  for (float d : f.density_g_cm3) ASSERT_EQ(d, 1.03f);
  // LDM in a uniform medium: Σ dose x mass = the emitted energy, 49.77 J/GBq (ICRP-107 90Y;
  // 0.1 % for the rounding of that figure and float storage).
  double e = 0;
  for (std::size_t v = 0; v < f.dose_gy.size(); ++v) e += f.dose_gy[v] * 1.03 * f.grid.voxel_volume_ml() * 1e-3;
  EXPECT_NEAR(e, 49.77, 0.05);
  // Without a density: the material's nominal density (materials/); Monte Carlo too.
  fs::remove(out);
  r = bd::test::run_cli("mc --uniform soft-tissue --activity " + act + " --total-activity-gbq 1 --histories 1000 --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  f = bd::read_dose_file(out);
  EXPECT_EQ(f.density_g_cm3[0], 1.0f);  // materials/soft-tissue.material: density_g_cm3 1 (ESTAR)
  EXPECT_NE(f.text.at("provenance").find("uniform_density_g_cm3"), std::string::npos);
  // Bad --uniform values and two geometries.
  for (const auto& [arg, needle] : std::vector<std::pair<std::string, std::string>>{
           {"--uniform kryptonite", "kryptonite"},
           {"--uniform soft-tissue:-1", "positive"},
           {"--uniform soft-tissue:x", "positive"},
           {"--uniform soft-tissue --ct " + ct, "exactly one geometry"}}) {
    r = bd::test::run_cli("kernel --method ldm " + arg + " --activity " + act + " --total-activity-gbq 1 --out " +
                          path("bad.h5"));
    EXPECT_EQ(r.exit_code, 2) << arg << "\n" << r.output;
    EXPECT_NE(r.output.find(needle), std::string::npos) << arg << "\n" << r.output;
    EXPECT_FALSE(fs::exists(path("bad.h5")));
  }
}

// A SPECT stored with its z axis reversed (direction diag(1, 1, -1)) is the same activity in
// physical space: the local-deposition dose is the same voxel for voxel (mirrored index), the
// dose file keeps the flipped grid, and plot_dose.py draws it.
TEST_F(CasePipeline, FlippedZSpectThroughThePipelineAndThePlot) {
  const bd::Volume<float> a = bd::read_image(act);
  bd::Volume<float> f(a.grid);
  const std::size_t nz = a.grid.size[2];
  f.grid.direction = {{1, 0, 0, 0, 1, 0, 0, 0, -1}};
  f.grid.origin_mm[2] = a.grid.origin_mm[2] + a.grid.spacing_mm[2] * double(nz - 1);
  for (std::size_t k = 0; k < nz; ++k)
    for (std::size_t j = 0; j < a.grid.size[1]; ++j)
      for (std::size_t i = 0; i < a.grid.size[0]; ++i) f(i, j, k) = a(i, j, nz - 1 - k);
  const std::string flipped = path("spect_flipped.nii.gz");
  bd::write_image(flipped, f);
  const std::string d0 = path("d0.h5"), d1 = path("d1.h5");
  const std::string common = " --ct " + ct + " --total-activity-gbq 1 --mask liver=" + liver;
  ASSERT_EQ(bd::test::run_cli("kernel --method ldm --activity " + act + common + " --out " + d0).exit_code, 0);
  const auto r = bd::test::run_cli("kernel --method ldm --activity " + flipped + common + " --out " + d1);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("direction (1 0 0; 0 1 0; 0 0 -1)"), std::string::npos) << r.output;
  const auto a0 = bd::read_dose_file(d0), a1 = bd::read_dose_file(d1);
  EXPECT_EQ(a1.grid.direction[8], -1.0);
  const auto& g = a0.grid;
  double dmax = 0;
  for (float d : a0.dose_gy) dmax = std::max(dmax, double(d));
  ASSERT_GT(dmax, 0);
  for (std::size_t k = 0; k < nz; ++k)
    for (std::size_t j = 0; j < g.size[1]; ++j)
      for (std::size_t i = 0; i < g.size[0]; ++i) {
        const std::size_t v0 = g.linear_index(i, j, k), v1 = g.linear_index(i, j, nz - 1 - k);
        ASSERT_NEAR(a1.dose_gy[v1], a0.dose_gy[v0], 1e-5 * dmax) << i << "," << j << "," << k;
        ASSERT_EQ(a1.roi.at("liver")[v1], a0.roi.at("liver")[v0]);
      }
  // Monte Carlo on the flipped grid, then the picture.
  const std::string mc = path("mc_flipped.h5"), png = path("mc_flipped.png");
  ASSERT_EQ(bd::test::run_cli("mc --activity " + flipped + common + " --histories 2000 --threads 2 --out " + mc).exit_code, 0);
  const auto plot = bd::test::run_program_argv(
      {"/usr/bin/python3", bd::test::source_path("tools/plot_dose.py"), mc, "--out", png});
  EXPECT_EQ(plot.exit_code, 0) << plot.output;
  EXPECT_GT(fs::file_size(png), 1000u);
}

}  // namespace
