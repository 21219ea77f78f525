// `betadose mc` as a user runs it: an end-to-end run on a tiny phantom checked against the
// HDF5 contract (DESIGN.md §4), the TOML config, and every bad input of issue 5 item 8 (exit
// code 2, a message naming the file and the problem, no output file left behind).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <limits>

#include "betadose/device.hh"
#include "betadose/dose_file.hh"
#include "betadose/image_io.hh"
#include "cli_runner.hh"
#include "raw_images.hh"
#include "tiny_mc_case.hh"

namespace fs = std::filesystem;

namespace {

// Tiny case: 16^3 CT at 3 mm (soft tissue 40 HU in a water-like block with air around, a
// "liver" cube 60 HU), an activity map in counts on a coarser 6 mm grid with another origin.
class McCli : public ::testing::Test {
 protected:
  fs::path dir;
  std::string ct, act, liver, out;

  void SetUp() override {
    dir = fs::temp_directory_path() /
          ("bd_mc_" + std::to_string(::getpid()) + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
    const auto c = bd::test::write_tiny_mc_case(dir);
    ct = c.ct;
    liver = c.liver;
    act = c.activity;
    out = path("dose.h5");
  }
  void TearDown() override { fs::remove_all(dir); }

  std::string path(const std::string& name) const { return (dir / name).string(); }
  std::string base_args() const {
    return "mc --ct " + ct + " --activity " + act + " --activity-units counts --total-activity-gbq 1 " +
           "--histories 20000 --threads 2 --out " + out;
  }
  // Runs and expects exit 2 with every `needles` in the message and no output file.
  void expect_bad_input(const std::string& args, const std::vector<std::string>& needles) {
    const auto r = bd::test::run_cli(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.output;
    for (const auto& n : needles) EXPECT_NE(r.output.find(n), std::string::npos) << "missing '" << n << "' in: " << r.output;
    EXPECT_FALSE(fs::exists(out)) << args;
    for (const auto& e : fs::directory_iterator(dir))
      EXPECT_EQ(e.path().filename().string().find("tmp"), std::string::npos) << e.path();
  }
};

TEST_F(McCli, EndToEndWritesTheDoseFileContract) {
  const std::string exported = path("dose.nii.gz");
  const auto r = bd::test::run_cli(base_args() + " --mask liver=" + liver + " --export " + exported +
                                   " --seed 7 --v-thresholds-gy 1,2");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find('\r'), std::string::npos) << "progress line must be quiet in a pipe";
  EXPECT_NE(r.output.find("liver"), std::string::npos) << r.output;   // per-ROI summary
  EXPECT_NE(r.output.find("D90_Gy"), std::string::npos) << r.output;
  const auto f = bd::read_dose_file(out);
  // Default dose grid = activity grid.
  EXPECT_EQ(f.grid.size, (std::array<std::size_t, 3>{{9, 9, 9}}));
  EXPECT_NEAR(f.grid.origin_mm[0], -25.0, 1e-9);
  const std::size_t n = f.grid.voxel_count();
  ASSERT_EQ(f.dose_gy.size(), n);
  ASSERT_EQ(f.dose_rel_uncertainty.size(), n);
  ASSERT_EQ(f.activity_bq.size(), n);
  ASSERT_EQ(f.density_g_cm3.size(), n);
  ASSERT_EQ(f.material_id.size(), n);
  ASSERT_EQ(f.roi.count("liver"), 1u);
  EXPECT_EQ(f.roi.at("liver").size(), n);
  EXPECT_EQ(f.nuclide, "Y-90");
  EXPECT_EQ(f.method, "mc");
  EXPECT_EQ(f.device, "cpu");
  EXPECT_EQ(f.seed, 7u);
  EXPECT_GE(f.histories, 20000u);
  double act_sum = 0;
  for (float a : f.activity_bq) act_sum += a;
  EXPECT_NEAR(act_sum / 1e9, 1.0, 1e-5);  // counts normalised to 1 GBq (float storage)
  EXPECT_NEAR(f.total_activity_bq, 1e9, 1.0);
  // Emitted energy to complete decay: 49.77 J/GBq for Y-90 betas (ICRP-107 mean energy x tau,
  // DESIGN.md §5). Sampled over 2e4 decays the mean energy has a relative standard error of
  // about 0.6/0.93/sqrt(2e4) = 0.46 %; 2.5 % is > 5 sigma.
  EXPECT_NEAR(f.energy_emitted_J / 49.77, 1.0, 0.025);
  // Energy balance closes (DESIGN.md §3: 1e-6 relative).
  EXPECT_NEAR((f.energy_deposited_J + f.energy_escaped_J) / f.energy_emitted_J, 1.0, 1e-6);
  // Dose from deposited energy: sum of dose x mass equals the deposited energy.
  double e_J = 0;
  for (std::size_t v = 0; v < n; ++v)
    e_J += f.dose_gy[v] * f.density_g_cm3[v] * f.grid.voxel_volume_ml() * 1e-3;
  EXPECT_NEAR(e_J / f.energy_deposited_J, 1.0, 1e-4);
  // Export on the same grid.
  const auto img = bd::read_image(exported);
  EXPECT_TRUE(img.grid.same_geometry(f.grid, 1e-4));
  for (std::size_t v = 0; v < n; ++v) ASSERT_FLOAT_EQ(img.data[v], f.dose_gy[v]);
}

TEST_F(McCli, TargetUncertaintyStopsEarlyOverTheNamedMask) {
  // 50 % mean voxel uncertainty over the liver is reached after the first two batches (the
  // engine's earliest stop: uncertainties need two batches) of 1e5 / 10 decays each.
  const auto r = bd::test::run_cli("mc --ct " + ct + " --activity " + act +
                                   " --total-activity-gbq 1 --threads 2 --out " + out +
                                   " --histories 1e5 --target-uncertainty 0.5 --mask liver=" + liver +
                                   " --uncertainty-mask liver");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("over mask 'liver' (target 50 %, reached)"), std::string::npos) << r.output;
  const auto f = bd::read_dose_file(out);
  EXPECT_LT(f.histories, 100000u);
  EXPECT_GE(f.histories, 20000u);
}

TEST_F(McCli, TomlConfigSetsOptionsAndTheCommandLineWins) {
  const std::string cfg = path("case.toml");
  std::ofstream(cfg) << "ct = \"" << ct << "\"\nactivity = \"" << act << "\"\n"
                     << "activity-units = \"counts\"\ntotal-activity-gbq = 2.5\n"
                     << "mask = [\"liver=" << liver << "\"]\nhistories = 5000\nseed = 11\n"
                     << "out = \"" << out << "\"\n";
  const auto r = bd::test::run_cli("mc --config " + cfg + " --seed 12 --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(r.output.empty()) << r.output;  // --quiet
  const auto f = bd::read_dose_file(out);
  EXPECT_NEAR(f.total_activity_bq, 2.5e9, 1.0);
  EXPECT_EQ(f.seed, 12u);
  EXPECT_EQ(f.roi.count("liver"), 1u);
  // Root-level form with an [mc] section.
  fs::remove(out);
  const std::string cfg2 = path("case2.toml");
  std::ofstream(cfg2) << "[mc]\nct = \"" << ct << "\"\nactivity = \"" << act << "\"\n"
                      << "total-activity-gbq = 1.5\nhistories = 5000\nout = \"" << out << "\"\nquiet = true\n";
  const auto r2 = bd::test::run_cli("--config " + cfg2 + " mc");
  ASSERT_EQ(r2.exit_code, 0) << r2.output;
  EXPECT_NEAR(bd::read_dose_file(out).total_activity_bq, 1.5e9, 1.0);
  // A top-level default and the [mc] value of the same key: the section's is used (the top
  // level's silently won before).
  fs::remove(out);
  const std::string cfg3 = path("case3.toml");
  std::ofstream(cfg3) << "ct = \"" << ct << "\"\nactivity = \"" << act << "\"\ntotal-activity-gbq = 1\n"
                      << "histories = 5000\nout = \"" << out << "\"\nquiet = true\n[mc]\ntotal-activity-gbq = 2\n";
  const auto r3 = bd::test::run_cli("--config " + cfg3 + " mc");
  ASSERT_EQ(r3.exit_code, 0) << r3.output;
  EXPECT_NEAR(bd::read_dose_file(out).total_activity_bq, 2e9, 1.0);
  std::ofstream(path("bad.toml")) << "no-such-option = 3\n";
  fs::remove(out);
  expect_bad_input("mc --config " + path("bad.toml"), {"bad.toml", "no-such-option"});
}

TEST_F(McCli, DicomCtSeriesAndNrrdActivity) {
  const std::string dcm = path("ct_dicom");
  bd::write_dicom_series(dcm, bd::read_image(ct), "CT");
  const std::string nrrd = path("spect.nrrd");
  bd::write_image(nrrd, bd::read_image(act));
  const auto r = bd::test::run_cli("mc --ct " + dcm + " --activity " + nrrd +
                                   " --total-activity-gbq 1 --histories 5000 --voxel-mm ct --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("DICOM"), std::string::npos) << r.output;
  const auto f = bd::read_dose_file(out);
  EXPECT_TRUE(f.grid.same_geometry(bd::read_image_grid(ct), 1e-4));
  // Soft tissue (40 HU) at the centre, air in the corner.
  EXPECT_GT(f.density_g_cm3[f.grid.linear_index(8, 8, 8)], 1.0f);
  EXPECT_LT(f.density_g_cm3[0], 0.01f);
}

// Labels on the CT grid, every other voxel liver (1.06) and water (1.0), with their table.
void write_water_liver_labels(const std::string& ct, const std::string& lab, const std::string& table) {
  bd::Volume<float> labels(bd::read_image_grid(ct), 0.0f);
  for (std::size_t v = 0; v < labels.data.size(); v += 2) labels.data[v] = 1.0f;
  bd::write_image(lab, labels);
  std::ofstream(table) << "label,material,density_g_cm3\n0,water,1.0\n1,liver,1.06\n";
}

TEST_F(McCli, LabelsWithMaterialTable) {
  bd::Grid g = bd::read_image_grid(ct);
  const std::string lab = path("labels.nrrd"), table = path("table.csv");
  write_water_liver_labels(ct, lab, table);
  const auto r = bd::test::run_cli("mc --labels " + lab + " --material-table " + table + " --activity " + act +
                                   " --total-activity-gbq 1 --histories 5000 --voxel-mm ct --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto f = bd::read_dose_file(out);
  EXPECT_TRUE(f.grid.same_geometry(g, 1e-4));  // --voxel-mm ct
  ASSERT_EQ(f.material_names.size(), 2u);
  EXPECT_FLOAT_EQ(f.density_g_cm3[0], 1.06f);
  EXPECT_FLOAT_EQ(f.density_g_cm3[1], 1.0f);
  // Unknown material: names the table and its line.
  fs::remove(out);
  std::ofstream(table) << "label,material,density_g_cm3\n0,water,1.0\n1,kryptonite,1.06\n";
  expect_bad_input("mc --labels " + lab + " --material-table " + table + " --activity " + act +
                       " --total-activity-gbq 1 --histories 5000 --out " + out,
                   {table + ":3", "kryptonite"});
}

// --dose-to water: the dose file says so (attribute dose_to), water voxels keep their dose
// bitwise (ratio 1), liver voxels change by the stopping-power ratio (~1 %); a bad value is
// a usage error naming the option.
TEST_F(McCli, DoseToWaterIsStoredInTheFile) {
  const std::string lab = path("labels.nrrd"), table = path("table.csv");
  write_water_liver_labels(ct, lab, table);
  const std::string common = "mc --labels " + lab + " --material-table " + table + " --activity " + act +
                             " --total-activity-gbq 1 --histories 20000 --voxel-mm ct --seed 5 --out ";
  ASSERT_EQ(bd::test::run_cli(common + out).exit_code, 0);
  const auto m = bd::read_dose_file(out);
  EXPECT_EQ(m.dose_to, "medium");
  const std::string out_w = path("dose_w.h5");
  const auto r = bd::test::run_cli(common + out_w + " --dose-to water");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto w = bd::read_dose_file(out_w);
  EXPECT_EQ(w.dose_to, "water");
  double sm = 0, sw = 0;
  for (std::size_t v = 0; v < m.dose_gy.size(); ++v) {
    if (m.material_id[v] == w.material_id[v] && m.material_names[m.material_id[v]] == "water") {
      EXPECT_EQ(m.dose_gy[v], w.dose_gy[v]) << v;
    } else {
      sm += m.dose_gy[v];
      sw += w.dose_gy[v];
    }
  }
  ASSERT_GT(sm, 0);
  EXPECT_GT(sw / sm, 1.0);
  EXPECT_LT(sw / sm, 1.03);
  fs::remove(out);
  expect_bad_input(common + out + " --dose-to tissue", {"--dose-to", "tissue"});
}

TEST_F(McCli, MissingAndUnsupportedFiles) {
  expect_bad_input("mc --ct " + path("nope.nii.gz") + " --activity " + act + " --total-activity-gbq 1 --out " + out,
                   {path("nope.nii.gz"), "no such file"});
  std::ofstream(path("ct.png")) << "png";
  expect_bad_input("mc --ct " + path("ct.png") + " --activity " + act + " --total-activity-gbq 1 --out " + out,
                   {path("ct.png"), "unsupported image format"});
  std::ofstream(path("broken.nii")) << "not nifti";
  expect_bad_input("mc --ct " + path("broken.nii") + " --activity " + act + " --total-activity-gbq 1 --out " + out,
                   {path("broken.nii")});
}

TEST_F(McCli, CtNotInHounsfieldUnits) {
  bd::Volume<float> dens(bd::read_image_grid(ct), 1.05f);  // a density map, not HU
  const std::string d = path("density.mha");
  bd::write_image(d, dens);
  expect_bad_input("mc --ct " + d + " --activity " + act + " --total-activity-gbq 1 --out " + out,
                   {d, "Hounsfield"});
}

TEST_F(McCli, ImagesThatDoNotOverlapAndMasksThatCannotBeResampled) {
  bd::Volume<float> far(bd::read_image_grid(act), 5.0f);
  far.grid.origin_mm[2] += 1000;
  const std::string f = path("far.nii");
  bd::write_image(f, far);
  expect_bad_input("mc --ct " + ct + " --activity " + f + " --total-activity-gbq 1 --out " + out,
                   {ct, f, "do not overlap"});
  bd::Volume<std::uint8_t> mask_far(far.grid, 1);
  const std::string m = path("mask_far.nii");
  bd::write_image(m, mask_far);
  expect_bad_input(base_args() + " --mask tumour=" + m, {m, "tumour", "do not overlap"});
  // A mask overlapping the dose grid only between voxel centres: cannot be resampled.
  bd::Grid thin = bd::read_image_grid(act);
  thin.size = {{1, 1, 1}};
  thin.spacing_mm = {{0.5, 0.5, 0.5}};
  thin.origin_mm = {{-22.0, -21.0, -20.0}};  // 3 mm from the nearest 6-mm voxel centre
  const std::string t = path("mask_thin.nii");
  bd::write_image(t, bd::Volume<std::uint8_t>(thin, 1));
  expect_bad_input(base_args() + " --mask speck=" + t, {t, "cannot be resampled"});
}

TEST_F(McCli, ZeroNanAndNegativeActivity) {
  const bd::Grid ga = bd::read_image_grid(act);
  const std::string zero = path("zero.mha");
  bd::write_image(zero, bd::Volume<float>(ga, 0.0f));
  expect_bad_input("mc --ct " + ct + " --activity " + zero + " --total-activity-gbq 1 --out " + out,
                   {zero, "zero"});
  bd::Volume<float> bad = bd::read_image(act);
  bad.data[0] = 12345.0f;  // becomes a NaN below: betadose's writers refuse to write one
  bad.data[1] = -3.0f;
  const std::string nan = path("nan.mha");
  bd::write_image(nan, bad);
  ASSERT_TRUE(bd::test::replace_float_in_file(nan, 12345.0f, std::numeric_limits<float>::quiet_NaN()));
  expect_bad_input("mc --ct " + ct + " --activity " + nan + " --total-activity-gbq 1 --out " + out,
                   {nan, "NaN", "negative", "--clamp-negative"});
  const auto r = bd::test::run_cli("mc --ct " + ct + " --activity " + nan +
                                   " --total-activity-gbq 1 --histories 5000 --clamp-negative --out " + out);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("clamped 1 negative"), std::string::npos) << r.output;
}

// Activity whose voxel centre lies outside the CT (issue 10): an error by default that says
// how much and where; --outside-geometry air keeps it (in air), drop removes it before the
// normalisation; the choice is stored in the dose file.
TEST_F(McCli, ActivityOutsideTheGeometryUnderEachPolicy) {
  bd::Volume<float> counts = bd::read_image(act);
  counts(0, 0, 0) = 1000.0f;  // centre (-25, -24, -23) mm: outside the CT box [-24, 24] mm
  double total = 0;
  for (float c : counts.data) total += c;
  const std::string a2 = path("edge.mha");
  bd::write_image(a2, counts);
  const std::string args = "mc --ct " + ct + " --activity " + a2 + " --total-activity-gbq 1 --histories 2000 --out " + out;
  std::ostringstream pct;
  pct << std::setprecision(3) << 100.0 * 1000.0 / total << " % of the activity map, 1 voxels at x [-25, -25]";
  expect_bad_input(args, {a2, pct.str(), "outside the geometry " + ct, "--outside-geometry air", "drop"});

  auto r = bd::test::run_cli(args + " --outside-geometry air");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(pct.str()), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("kept in air (--outside-geometry air)"), std::string::npos) << r.output;
  auto f = bd::read_dose_file(out);
  EXPECT_EQ(f.text["outside_geometry"], "air");
  EXPECT_NEAR(f.extra["activity_outside_geometry_fraction"], 1000.0 / total, 1e-9);
  EXPECT_NEAR(f.activity_bq[0], 1e9 * 1000.0 / total, 1e-5 * 1e9 * 1000.0 / total);
  EXPECT_NE(f.text["provenance"].find("outside_geometry = air  [--outside-geometry]"), std::string::npos)
      << f.text["provenance"];

  fs::remove(out);
  r = bd::test::run_cli(args + " --outside-geometry drop");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("dropped (--outside-geometry drop)"), std::string::npos) << r.output;
  f = bd::read_dose_file(out);
  EXPECT_EQ(f.text["outside_geometry"], "drop");
  EXPECT_EQ(f.activity_bq[0], 0.0f);
  double kept = 0;
  for (float a : f.activity_bq) kept += a;
  EXPECT_NEAR(kept, 1e9, 1e-5 * 1e9);  // the rest is normalised to the administered activity
  // Activity the --activity-mask removes does not count as outside the geometry.
  fs::remove(out);
  r = bd::test::run_cli(args + " --mask liver=" + liver + " --activity-mask liver");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(bd::read_dose_file(out).extra["activity_outside_geometry_fraction"], 0.0);
  fs::remove(out);
  expect_bad_input(args + " --outside-geometry keep", {"--outside-geometry", "keep", "error, air or drop"});
}

TEST_F(McCli, MemoryEstimateRefusesHugeGrids) {
  expect_bad_input(base_args() + " --voxel-mm 0.02", {"--voxel-mm", "memory"});
}

TEST_F(McCli, CudaWithoutGpu) {
  if (bd::cuda_device_count() > 0) GTEST_SKIP() << "a GPU is visible";
  expect_bad_input(base_args() + " --device cuda", {"--device cuda"});
}

TEST_F(McCli, OptionErrors) {
  expect_bad_input("mc --activity " + act + " --total-activity-gbq 1 --out " + out, {"--ct"});
  expect_bad_input(base_args() + " --lung-shunt 0.1", {"--lung-mask"});
  expect_bad_input(base_args() + " --export " + path("dose.png"), {"dose.png", "--export"});
  expect_bad_input(base_args() + " --uncertainty-mask tumour", {"--uncertainty-mask", "tumour"});
  expect_bad_input("mc --ct " + ct + " --activity " + act + " --histories 100 --out " + out,
                   {act, "--total-activity-gbq"});
}

}  // namespace
