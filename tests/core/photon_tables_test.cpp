// Photon tables: water against NIST XCOM and the Klein-Nishina formula; mixture rule.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "betadose/elements.hh"
#include "betadose/errors.hh"
#include "betadose/materials.hh"
#include "betadose/photon_tables.hh"

namespace {

// NIST XCOM / Hubbell & Seltzer, NISTIR 5632 (1995, X-Ray Mass Attenuation Coefficients,
// Table 4, "Water, Liquid"): mu/rho including coherent scattering [cm2/g]. Up to 2 MeV only:
// betadose's tables omit pair production (threshold 1.022 MeV), which XCOM includes: 0.5 % of
// water's mu at 2 MeV, ~3 % at 3 MeV; 90Y photons (bremsstrahlung, <= 2.28 MeV) are mostly far
// below the threshold.
struct XcomPoint {
  double e_MeV, mu_rho;
};
constexpr XcomPoint kXcomWater[] = {{0.01, 5.329},  {0.02, 0.8096}, {0.05, 0.2269},
                                    {0.1, 0.1707},  {0.5, 0.09687}, {1.0, 0.07072},
                                    {2.0, 0.04942}};

TEST(PhotonTables, WaterMatchesXcomWithin2Percent) {
  const auto water = bd::build_photon_tables(bd::find_material(bd::load_materials(), "water"));
  for (const auto& p : kXcomWater) {
    const double mu = water.interpolate(water.total_cm2_g, p.e_MeV);
    EXPECT_NEAR(mu / p.mu_rho, 1.0, 0.02) << p.e_MeV << " MeV: " << mu << " cm2/g";
  }
}

// Above ~0.5 MeV electron binding is negligible: the Compton column equals Klein-Nishina per
// free electron times electrons per gram, N_A <Z/A>, within 0.5 %.
TEST(PhotonTables, ComptonApproachesKleinNishina) {
  const auto mats = bd::load_materials();
  for (const char* name : {"water", "cortical-bone", "glass"}) {
    const auto m = bd::find_material(mats, name);
    const auto t = bd::build_photon_tables(m);
    const double electrons_per_g = 6.02214076e23 * bd::z_over_a(m.elements);
    for (double e : {0.5, 1.0, 2.0, 3.0}) {
      const double kn = bd::klein_nishina_cm2_per_electron(e) * electrons_per_g;
      EXPECT_NEAR(t.interpolate(t.compton_cm2_g, e) / kn, 1.0, 5e-3) << name << " " << e;
    }
  }
  // Klein-Nishina known values: Thomson limit 0.6652 b at E -> 0; 0.2112 b at 1 MeV (Attix).
  EXPECT_NEAR(bd::klein_nishina_cm2_per_electron(1e-6) / 6.6524587e-25, 1.0, 1e-4);
  EXPECT_NEAR(bd::klein_nishina_cm2_per_electron(1.0) / 2.112e-25, 1.0, 2e-3);
  // The low-energy series joins the closed form continuously at k = 1e-3.
  const double k_switch_MeV = 1e-3 * 0.51099895;
  EXPECT_NEAR(bd::klein_nishina_cm2_per_electron(k_switch_MeV * (1 - 1e-9)) /
                  bd::klein_nishina_cm2_per_electron(k_switch_MeV * (1 + 1e-9)),
              1.0, 1e-7);
}

TEST(PhotonTables, MixtureRuleAndGrid) {
  const auto mats = bd::load_materials();
  const auto water = bd::find_material(mats, "water");
  const auto t = bd::build_photon_tables(water);
  const auto h = bd::load_element_photon_table(1), o = bd::load_element_photon_table(8);
  ASSERT_EQ(t.energy_MeV.size(), static_cast<std::size_t>(bd::PhotonGrid::kPoints));
  EXPECT_DOUBLE_EQ(t.energy_MeV.front(), 1e-3);
  EXPECT_NEAR(t.energy_MeV.back(), 3.0, 1e-12);
  for (std::size_t i = 0; i < t.energy_MeV.size(); i += 17) {
    const double want = water.elements[0].mass_fraction * h.total_cm2_g[i] +
                        water.elements[1].mass_fraction * o.total_cm2_g[i];
    EXPECT_NEAR(t.total_cm2_g[i] / want, 1.0, 1e-5);
    EXPECT_NEAR(t.total_cm2_g[i], t.photo_cm2_g[i] + t.compton_cm2_g[i] + t.rayleigh_cm2_g[i],
                1e-12 * t.total_cm2_g[i]);
  }
  // Interpolation reproduces grid points and is monotone between them for water.
  EXPECT_DOUBLE_EQ(t.interpolate(t.total_cm2_g, t.energy_MeV[100]), t.total_cm2_g[100]);
  // Every material shipped has photon data for all its elements.
  for (const auto& m : mats) EXPECT_NO_THROW(bd::build_photon_tables(m)) << m.name;
  // A missing element file is an InputError naming the file.
  bd::Material fake{"fake", 1.0, 100, {{92, 1.0}}, "test"};
  try {
    bd::build_photon_tables(fake);
    ADD_FAILURE() << "no error";
  } catch (const bd::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("Z92.csv"), std::string::npos) << e.what();
  }
}

}  // namespace

// The element table reader (strtod per field): the shipped O table re-read with spaces and
// CRLF gives the same numbers; a row that is not five finite numbers >= 0 separated by commas
// is an input error naming the file and line.
TEST(PhotonTables, ElementReaderAcceptsTheFormatAndRejectsBadRowsNamingTheLine) {
  const auto dir = std::filesystem::temp_directory_path() / "betadose_photon_reader_test";
  std::filesystem::create_directories(dir);
  const auto shipped = bd::load_element_photon_table(8);
  const std::string header = "E_MeV,photo_cm2_g,compton_cm2_g,rayleigh_cm2_g,total_cm2_g";
  auto write = [&](std::size_t bad_row, const std::string& bad) {
    std::ofstream out(dir / "Z08.csv", std::ios::binary);
    out << "# test\n" << header << "\n";
    for (std::size_t i = 0; i < shipped.energy_MeV.size(); ++i) {
      if (i == bad_row) {
        out << bad << "\n";
        continue;
      }
      char row[256];
      std::snprintf(row, sizeof row, "%.17g , %.17g,%.17g,\t%.17g,%.17g \r\n", shipped.energy_MeV[i],
                    shipped.photo_cm2_g[i], shipped.compton_cm2_g[i], shipped.rayleigh_cm2_g[i], shipped.total_cm2_g[i]);
      out << row;
    }
  };
  write(static_cast<std::size_t>(-1), "");
  const auto reread = bd::load_element_photon_table(8, dir.string());
  EXPECT_EQ(reread.photo_cm2_g, shipped.photo_cm2_g);
  EXPECT_EQ(reread.compton_cm2_g, shipped.compton_cm2_g);
  EXPECT_EQ(reread.total_cm2_g, shipped.total_cm2_g);
  const double e = shipped.energy_MeV[5];
  char good_prefix[64];
  std::snprintf(good_prefix, sizeof good_prefix, "%.17g", e);
  for (const std::string tail : {",1,2,3", ",1,2,3,4,5", ",1,x,3,4", ",1,nan,3,4", ",1,2,-3,4", ";1;2;3;4", ",1,2,3,4 junk",
                                 ",1,2,3,inf", ",1,,3,4"}) {
    write(5, good_prefix + tail);
    try {
      bd::load_element_photon_table(8, dir.string());
      ADD_FAILURE() << "no error for row '" << good_prefix + tail << "'";
    } catch (const bd::InputError& err) {
      EXPECT_NE(std::string(err.what()).find("Z08.csv:8"), std::string::npos) << err.what();
    }
  }
  std::filesystem::remove_all(dir);
}
