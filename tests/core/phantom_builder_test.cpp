// Label + material-table phantoms and the CT plausibility checks.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "betadose/errors.hh"
#include "betadose/hu_calibration.hh"
#include "betadose/phantom_builder.hh"
#include "support/error_message.hh"

namespace fs = std::filesystem;

namespace {

std::string write_temp(const std::string& name, const std::string& text) {
  const auto p = fs::temp_directory_path() / ("bd_pb_" + std::to_string(::getpid()) + "_" + name);
  std::ofstream(p) << text;
  return p.string();
}

TEST(PhantomBuilder, LabelsAndMaterialTable) {
  const auto table = write_temp("t1.csv",
                                "# test table\nlabel,material,density_g_cm3\n0,air,0.0012\n"
                                "1,liver,1.06\n2,lung,\n3,liver,1.10\n");
  const auto rows = bd::read_material_table(table);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_GT(rows[2].density_g_cm3, 0.0);  // nominal lung density taken from the material file
  bd::Grid g;
  g.size = {{4, 1, 1}};
  bd::Volume<float> labels(g);
  labels.data = {0, 1, 2, 3};
  const auto p = bd::build_phantom_from_labels(labels, rows, "labels.nii", table);
  ASSERT_EQ(p.material_names.size(), 3u);  // air, liver, lung (liver once)
  EXPECT_EQ(p.material_names[p.material_id[1]], "liver");
  EXPECT_EQ(p.material_id[1], p.material_id[3]);
  EXPECT_FLOAT_EQ(p.density_g_cm3[3], 1.10f);
  labels.data[2] = 7;
  auto m = bd::test::input_error_message([&] { bd::build_phantom_from_labels(labels, rows, "labels.nii", table); });
  EXPECT_NE(m.find("labels.nii"), std::string::npos) << m;
  EXPECT_NE(m.find("7"), std::string::npos) << m;
  EXPECT_NE(m.find(table), std::string::npos) << m;
  fs::remove(table);
}

TEST(PhantomBuilder, UnknownMaterialNamesTableAndLine) {
  const auto table = write_temp("t2.csv", "label,material,density_g_cm3\n0,air,0.0012\n1,unobtainium,2\n");
  const auto m = bd::test::input_error_message([&] { bd::read_material_table(table); });
  EXPECT_NE(m.find(table + ":3"), std::string::npos) << m;
  EXPECT_NE(m.find("unobtainium"), std::string::npos) << m;
  const auto bad_density = write_temp("t3.csv", "label,material,density_g_cm3\n1,liver,-1\n");
  EXPECT_NE(bd::test::input_error_message([&] { bd::read_material_table(bad_density); }).find(bad_density + ":2"), std::string::npos);
  EXPECT_NE(bd::test::input_error_message([&] { bd::read_material_table("/nonexistent.csv"); }).find("/nonexistent.csv"),
            std::string::npos);
  fs::remove(table);
  fs::remove(bad_density);
}

TEST(PhantomBuilder, CtRangeChecks) {
  // One metal voxel (6000 HU) among 2000 is tolerated (clamped); outside-circle padding too.
  std::vector<float> hu(2000, 40.0f);
  hu[0] = -3024;
  hu[1] = -1000;
  hu[5] = 6000;
  const auto rep = bd::check_and_clamp_ct_hu(hu, "ct.nii");
  EXPECT_EQ(rep.padding_voxels, 1u);
  EXPECT_EQ(rep.high_voxels, 1u);
  EXPECT_FLOAT_EQ(hu[0], bd::kCtMinHu);
  EXPECT_FLOAT_EQ(hu[5], bd::kCtMaxHu);
  // A density map (g/cm3) is not HU: no air.
  std::vector<float> density(100, 1.05f);
  auto m = bd::test::input_error_message([&] { bd::check_and_clamp_ct_hu(density, "density.nii"); });
  EXPECT_NE(m.find("density.nii"), std::string::npos) << m;
  EXPECT_NE(m.find("Hounsfield"), std::string::npos) << m;
  // Mostly far above 5000: e.g. a wrongly scaled image.
  std::vector<float> scaled(100, 20000.0f);
  scaled[0] = -1000;
  EXPECT_NE(bd::test::input_error_message([&] { bd::check_and_clamp_ct_hu(scaled, "x.nii"); }).find("above 5000"), std::string::npos);
}

TEST(PhantomBuilder, CtThroughTheDefaultCalibration) {
  const auto cal = bd::load_hu_calibration();
  bd::Grid g;
  g.size = {{4, 1, 1}};
  bd::Volume<float> hu(g);
  hu.data = {-1000, 40, -800, 40};
  const auto p = bd::build_phantom_from_ct(hu, cal);
  // Only the materials present are listed; equal HU -> equal material and density.
  ASSERT_EQ(p.material_names.size(), 3u);
  EXPECT_EQ(p.material_id[1], p.material_id[3]);
  EXPECT_NE(p.material_id[0], p.material_id[2]);
  for (std::size_t v = 0; v < 4; ++v) {
    EXPECT_FLOAT_EQ(p.density_g_cm3[v], static_cast<float>(cal.density_g_cm3(hu.data[v])));
    EXPECT_EQ(p.material_names[p.material_id[v]], cal.material_names()[cal.material_index(hu.data[v])]);
  }
  // Schneider 2000 nodes (materials/calibration/schneider2000_density.csv): -1000 HU -> 1.21e-3.
  EXPECT_NEAR(p.density_g_cm3[0], 1.21e-3, 1e-6);
}

}  // namespace
