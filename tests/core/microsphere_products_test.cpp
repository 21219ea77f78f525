// Microsphere product files: shipped values, their sources, overrides and errors.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "betadose/data_paths.hh"
#include "betadose/errors.hh"
#include "betadose/microsphere_products.hh"
#include "betadose/nuclide.hh"

namespace fs = std::filesystem;

TEST(MicrosphereProducts, ShippedPresets) {
  const auto glass = bd::load_microsphere_product("glass");
  EXPECT_EQ(glass.nuclide, "Y-90");
  EXPECT_DOUBLE_EQ(glass.activity_bq, 2500);
  EXPECT_DOUBLE_EQ(glass.diameter_um, 25);
  EXPECT_DOUBLE_EQ(glass.diameter_min_um, 20);
  EXPECT_DOUBLE_EQ(glass.diameter_max_um, 30);
  EXPECT_NEAR(glass.density_g_cm3, 3.3, 0.05);
  EXPECT_EQ(glass.activity_scaling, bd::ActivityScaling::volume);
  const auto resin = bd::load_microsphere_product("resin");
  EXPECT_DOUBLE_EQ(resin.activity_bq, 50);
  EXPECT_DOUBLE_EQ(resin.diameter_um, 32);
  EXPECT_DOUBLE_EQ(resin.diameter_sd_um, 10);
  EXPECT_DOUBLE_EQ(resin.density_g_cm3, 1.6);
  EXPECT_EQ(resin.activity_scaling, bd::ActivityScaling::surface);
  const auto ho = bd::load_microsphere_product("ho166-plla");
  EXPECT_EQ(ho.nuclide, "Ho-166");
  EXPECT_GE(ho.activity_bq, 200);
  EXPECT_LE(ho.activity_bq, 450);
  EXPECT_DOUBLE_EQ(ho.density_g_cm3, 1.4);
  // 1.2 M glass spheres per 3 GBq, 40-80 M resin spheres per 3 GBq (issue 13, reviews).
  EXPECT_NEAR(3e9 / glass.activity_bq, 1.2e6, 1e3);
  EXPECT_GE(3e9 / resin.activity_bq, 40e6);
  EXPECT_LE(3e9 / resin.activity_bq, 80e6);
}

// Every value of a shipped product file says where it comes from (a trailing comment), except
// the name and the free-text source line.
TEST(MicrosphereProducts, EveryShippedValueHasASource) {
  const auto dir = fs::path(bd::materials_dir()) / "microspheres";
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".sphere") continue;
    ++files;
    std::ifstream in(e.path());
    std::string line;
    int lineno = 0;
    while (std::getline(in, line)) {
      ++lineno;
      if (line.empty() || line[0] == '#') continue;
      const std::string key = line.substr(0, line.find(' '));
      if (key == "name" || key == "source") continue;
      EXPECT_NE(line.find('#'), std::string::npos) << e.path() << ":" << lineno << " has no source: " << line;
    }
  }
  EXPECT_GE(files, 4);
}

TEST(MicrosphereProducts, GlassDecaysLikeTheIssueTable) {
  // Issue 13: glass 885/314/111 Bq per sphere at days 4/8/12 (64.1 h half-life).
  const double t12 = bd::load_nuclide("Y-90").half_life_s;
  EXPECT_NEAR(bd::decayed_activity_bq(2500, t12, 4), 885, 1);
  EXPECT_NEAR(bd::decayed_activity_bq(2500, t12, 8), 314, 1);
  EXPECT_NEAR(bd::decayed_activity_bq(2500, t12, 12), 111, 1);
  EXPECT_DOUBLE_EQ(bd::decayed_activity_bq(2500, t12, 0), 2500);
  EXPECT_THROW(bd::decayed_activity_bq(2500, t12, -1), bd::InputError);
}

TEST(MicrosphereProducts, CustomNeedsItsValuesAndNamesTheOption) {
  try {
    bd::load_microsphere_product("custom");
    ADD_FAILURE() << "no error";
  } catch (const bd::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--sphere-activity-bq"), std::string::npos) << e.what();
  }
  bd::ProductOverrides ov;
  ov.activity_bq = 68;
  ov.diameter_um = 32;
  ov.density_g_cm3 = 1.6;
  const auto c = bd::load_microsphere_product("custom", ov);
  EXPECT_DOUBLE_EQ(c.activity_bq, 68);
  EXPECT_DOUBLE_EQ(c.diameter_min_um, 32);
  EXPECT_DOUBLE_EQ(c.diameter_max_um, 32);
}

TEST(MicrosphereProducts, ErrorsNameTheFileAndTheField) {
  try {
    bd::load_microsphere_product("unobtainium");
    ADD_FAILURE() << "no error";
  } catch (const bd::InputError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("unobtainium"), std::string::npos) << m;
    EXPECT_NE(m.find("glass"), std::string::npos) << m;  // lists the available ones
  }
  const fs::path d = fs::temp_directory_path() / ("betadose_product_test_" + std::to_string(::getpid()));
  fs::create_directories(d);
  auto expect_error = [&](const std::string& body, const std::string& fragment) {
    const auto f = d / "bad.sphere";
    std::ofstream(f) << "name bad\n" << body;
    try {
      bd::load_microsphere_product(f.string());
      ADD_FAILURE() << "no error for: " << body;
    } catch (const bd::InputError& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
  };
  expect_error("activity_bq -3\n", "bad.sphere:2");
  expect_error("activity_bq 10\ndiameter_um 20\ndensity_g_cm3 1\ncolour blue\n", "unknown field 'colour'");
  expect_error("activity_bq 10\nactivity_bq 11\n", "given twice");
  expect_error("activity_bq ten\n", "activity_bq must be a number");
  expect_error("activity_bq 10\ndiameter_um 40\ndiameter_range_um 20 30\ndensity_g_cm3 1\n", "outside");
  fs::remove_all(d);
}
