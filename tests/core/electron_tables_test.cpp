// Electron physics tables vs NIST ESTAR (shared/reference/estar_*.csv) and analytic checks.
//
// Tolerances (issue 3 / DESIGN.md §5): collision stopping power within 1.5 %, CSDA range within
// 2 %, radiative stopping power within 10 % over 10 keV – 2.5 MeV. The tables are deterministic
// (no statistics); the tolerances are those of the issue. The density effect δ is compared with
// ESTAR's column more loosely (|Δδ| <= 0.02 + 6 % of δ): ESTAR's own oscillator data differ
// slightly from the Carlson energies used here, and 0.05 in δ is 0.25 % of S_col at 2.5 MeV.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "betadose/brems_element_table.hh"
#include "betadose/bremsstrahlung.hh"
#include "betadose/collision_stopping.hh"
#include "betadose/elastic_scattering.hh"
#include "betadose/electron_tables.hh"
#include "betadose/elements.hh"
#include "betadose/errors.hh"
#include "betadose/materials.hh"
#include "betadose/physical_constants.hh"
#include "betadose/quadrature.hh"
#include "tests/support/paths.hh"

namespace {

using Row = std::map<std::string, std::string>;

// Comma-separated file with '#' comment lines and one header line.
std::vector<Row> read_csv(const std::string& file) {
  std::ifstream in(bd::test::reference_path(file));
  EXPECT_TRUE(in) << "reference file " << file << " missing";
  std::vector<Row> rows;
  std::vector<std::string> header;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) f.push_back(cell);
    if (header.empty()) {
      header = f;
      continue;
    }
    Row r;
    for (std::size_t i = 0; i < header.size() && i < f.size(); ++i) r[header[i]] = f[i];
    rows.push_back(r);
  }
  return rows;
}

// Material from a row of material_compositions.csv (independent of the shipped materials/).
bd::Material reference_material(const std::string& name) {
  static const std::vector<Row> rows = read_csv("material_compositions.csv");
  for (const auto& r : rows) {
    if (r.at("material") != name) continue;
    bd::Material m;
    m.name = name;
    m.density_g_cm3 = std::stod(r.at("density_g_cm3"));
    m.I_eV = std::stod(r.at("I_eV"));
    for (const auto& [key, value] : r) {
      if (key == "material" || key == "source" || key == "density_g_cm3" || key == "I_eV") continue;
      const double w = value.empty() ? 0.0 : std::stod(value);
      if (w > 0) m.elements.push_back({bd::element_Z(key), w});
    }
    return m;
  }
  ADD_FAILURE() << "material " << name << " not in material_compositions.csv";
  return {};
}

struct Deviation {
  double max_rel = 0;
  double at_MeV = 0;
  void update(double rel, double T) {
    if (std::abs(rel) > std::abs(max_rel)) {
      max_rel = rel;
      at_MeV = T;
    }
  }
};

struct Comparison {
  Deviation col, rad, range;
  double max_delta_abs = 0;
  int points = 0;
};

// Compares the tables of every material in `file` at 0.01–2.5 MeV; prints one line per material.
std::map<std::string, Comparison> compare_with_estar(const std::string& file) {
  std::map<std::string, std::vector<Row>> by_material;
  for (const auto& r : read_csv(file)) {
    // The NIST file names dry air 'air_dry'; material_compositions.csv 'air_dry_nearsealevel'.
    const std::string name = r.at("material") == "air_dry" ? "air_dry_nearsealevel" : r.at("material");
    by_material[name].push_back(r);
  }
  std::map<std::string, Comparison> out;
  for (const auto& [name, rows] : by_material) {
    const bd::Material m = reference_material(name);
    const bd::ElectronTables t = bd::build_electron_tables(m);
    Comparison c;
    for (const auto& r : rows) {
      const double T = std::stod(r.at("T_MeV"));
      if (T < 0.01 - 1e-12 || T > 2.5 + 1e-12) continue;
      ++c.points;
      c.col.update(t.interpolate(t.s_col_MeV_cm2_g, T) / std::stod(r.at("S_col_MeV_cm2_g")) - 1, T);
      c.rad.update(t.interpolate(t.s_rad_MeV_cm2_g, T) / std::stod(r.at("S_rad_MeV_cm2_g")) - 1, T);
      c.range.update(t.interpolate(t.csda_range_g_cm2, T) / std::stod(r.at("CSDA_range_g_cm2")) - 1, T);
      const double dref = std::stod(r.at("density_effect_delta"));
      const double d = t.interpolate(t.density_effect_delta, T);
      c.max_delta_abs = std::max(c.max_delta_abs, std::abs(d - dref) - 0.06 * dref);
    }
    std::printf("  %-32s n=%2d  S_col %+6.2f%% @%5.3g  S_rad %+6.2f%% @%5.3g  CSDA %+6.2f%% @%5.3g  "
                "excess |dδ| %.3f\n",
                name.c_str(), c.points, 100 * c.col.max_rel, c.col.at_MeV, 100 * c.rad.max_rel,
                c.rad.at_MeV, 100 * c.range.max_rel, c.range.at_MeV, c.max_delta_abs);
    out[name] = c;
  }
  return out;
}

void expect_within_tolerances(const std::map<std::string, Comparison>& cmp) {
  for (const auto& [name, c] : cmp) {
    EXPECT_GT(c.points, 5) << name;
    EXPECT_LE(std::abs(c.col.max_rel), 0.015) << name << " collision stopping power at " << c.col.at_MeV;
    EXPECT_LE(std::abs(c.range.max_rel), 0.02) << name << " CSDA range at " << c.range.at_MeV;
    EXPECT_LE(std::abs(c.rad.max_rel), 0.10) << name << " radiative stopping power at " << c.rad.at_MeV;
    EXPECT_LE(c.max_delta_abs, 0.02) << name << " density effect";
  }
}

TEST(ElectronTables, WaterAndAirMatchNistEstar) {
  const auto cmp = compare_with_estar("estar_water_air_nist.csv");
  ASSERT_EQ(cmp.size(), 2u);
  expect_within_tolerances(cmp);
}

TEST(ElectronTables, TissuesMatchReconstructedEstar) {
  const auto cmp = compare_with_estar("estar_tissues_reconstructed.csv");
  ASSERT_GE(cmp.size(), 10u);
  expect_within_tolerances(cmp);
}

// Lung at 0.26 g/cm³ differs from lung tissue at 1.05 g/cm³ only through δ: smaller δ at
// lower density, so a larger collision stopping power per g/cm² at 1 MeV and above.
TEST(ElectronTables, DensityEntersOnlyThroughTheDensityEffect) {
  bd::Material dense = reference_material("lungtissue_icru_1986");
  bd::Material inflated = reference_material("lung_inflated_icru_1986");
  const auto a = bd::build_electron_tables(dense), b = bd::build_electron_tables(inflated);
  for (std::size_t i = 0; i < a.energy_MeV.size(); ++i) {
    EXPECT_DOUBLE_EQ(a.s_rad_MeV_cm2_g[i], b.s_rad_MeV_cm2_g[i]);
    EXPECT_DOUBLE_EQ(a.transport_xs1_cm2_g[i], b.transport_xs1_cm2_g[i]);
    EXPECT_LE(b.density_effect_delta[i], a.density_effect_delta[i] + 1e-12);
  }
  const double r = b.interpolate(b.s_col_MeV_cm2_g, 1.0) / a.interpolate(a.s_col_MeV_cm2_g, 1.0);
  EXPECT_GT(r, 1.005);  // ~1.6 % per the reference README
  EXPECT_LT(r, 1.03);
}

// Hard Møller cross section: the analytic integral against a numerical integration of the
// DCS, and the restricted stopping power (ICRU 37 eq. 2.4) against the unrestricted one minus
// the energy carried by hard collisions, n_e ∫_{wcc}^{T/2} W dσ/dW dW (two independent
// formulas that must agree).
TEST(ElectronTables, MollerHardCrossSectionAndRestrictedStopping) {
  const bd::Material water = reference_material("water_liquid");
  const bd::ElectronTables t = bd::build_electron_tables(water);
  const double ne = bd::phys::kAvogadro_per_mol * t.z_over_a;
  // At table nodes (between nodes the log-log interpolation of the steep rise above 2 wcc is
  // not what is being tested here).
  for (std::size_t i = 0; i < t.energy_MeV.size(); i += 17) {
    const double T = t.energy_MeV[i];
    const double wc = t.wcc_MeV;
    if (T <= 2 * wc) {
      EXPECT_EQ(t.sigma_moller_cm2_g[i], 0.0);
      EXPECT_DOUBLE_EQ(t.s_col_restricted_MeV_cm2_g[i], t.s_col_MeV_cm2_g[i]);
      continue;
    }
    const double numeric = bd::gauss_legendre([&](double W) { return bd::moller_dcs_cm2_MeV(T, W); },
                                              wc, 0.5 * T, 400);
    EXPECT_NEAR(bd::moller_hard_xs_cm2(T, wc) / numeric, 1.0, 1e-8) << T;
    EXPECT_NEAR(t.sigma_moller_cm2_g[i] / (ne * numeric), 1.0, 1e-8) << T;
    const double hard_loss = ne * bd::gauss_legendre(
                                      [&](double W) { return W * bd::moller_dcs_cm2_MeV(T, W); },
                                      wc, 0.5 * T, 400);
    const double delta = t.density_effect_delta[i];
    const double full = bd::collision_stopping_MeV_cm2_g(T, t.z_over_a, t.I_eV, delta);
    const double soft = bd::restricted_collision_stopping_MeV_cm2_g(T, wc, t.z_over_a, t.I_eV, delta);
    EXPECT_NEAR((full - soft) / hard_loss, 1.0, 1e-6) << T;
  }
  // Below 2 wcc there are no hard collisions.
  EXPECT_EQ(bd::moller_hard_xs_cm2(0.039, 0.02), 0.0);
}

// Elastic transport cross section: the quadrature reproduces the closed form of the Wentzel
// σ1 without spin, and the McKinley–Feshbach change of σ1 matches its small-screening limit
// σ1(Mott) − σ1(Rutherford) → 2π Z(Z+1) (r_e mc²/(pcβ))² (−β² + παZβ) for A → 0 (integrate
// x (R(x) − 1)/x² over [0,2]); the Mott correction lowers σ1 (longer λ1) for low Z at 1 MeV
// (by ~7 % in oxygen: the size of the 1 MeV kernel shift quoted in issue 4).
TEST(ElectronTables, ElasticTransportCrossSectionLimits) {
  using namespace bd;
  for (int Z : {1, 6, 8, 20}) {
    for (double T : {0.05, 0.3, 1.0, 2.0}) {
      const double A = moliere_screening(Z, T);
      const double mc2 = phys::kElectronMass_MeV;
      const double pc = std::sqrt(T * (T + 2 * mc2));
      const double beta = pc / (T + mc2);
      const double rm = phys::kClassicalElectronRadius_cm * mc2 / (pc * beta);
      const double C = 2 * phys::kPi * Z * (Z + 1.0) * rm * rm;
      const auto off = wentzel_transport_xs(Z, T, SpinCorrection::off);
      EXPECT_NEAR(off.sigma1_cm2 / (C * (std::log1p(1 / A) - 1 / (1 + A))), 1.0, 1e-6);
      const auto on = wentzel_transport_xs(Z, T, SpinCorrection::mckinley_feshbach);
      const double b2 = beta * beta, zterm = phys::kPi * phys::kFineStructure * Z * beta;
      // Next order: the sin(θ/2) term carries −(3π/2) sqrt(A) (substitute x = 2Ay and use
      // ∫0^∞ y^(−1/2)(2y+1)/(y+1)² dy = 3π/2); what remains is O(A ln A).
      const double expected = zterm * (1 - 1.5 * phys::kPi * std::sqrt(A)) - b2;
      EXPECT_NEAR((on.sigma1_cm2 - off.sigma1_cm2) / C, expected,
                  (0.01 + 5 * A * std::abs(std::log(A))) * std::max(b2, zterm))
          << Z << " " << T;
      if (Z <= 8 && T >= 1.0) {
        EXPECT_LT(on.sigma1_cm2, off.sigma1_cm2);
      }
    }
  }
  // Molière's A for oxygen at 1 MeV: (ħc/(2 pc a))² (1.13 + 3.76 (αZ/β)²) by hand.
  const double a = 0.885 * phys::kBohrRadius_cm / std::cbrt(8.0);
  const double pc = std::sqrt(1.0 * (1.0 + 2 * phys::kElectronMass_MeV));
  const double b2 = pc * pc / std::pow(1.0 + phys::kElectronMass_MeV, 2);
  const double x = phys::kHbarC_MeV_cm / (2 * pc * a);
  EXPECT_NEAR(moliere_screening(8, 1.0) / (x * x * (1.13 + 3.76 * std::pow(8 * phys::kFineStructure, 2) / b2)),
              1.0, 1e-12);
}

// Wentzel moments used by the multiple-scattering table.
TEST(ElectronTables, WentzelMomentsAndInverse) {
  for (double A : {1e-6, 1e-3, 0.1, 1.0, 30.0}) {
    // In t = ln(μ + A) the integrands are smooth: dμ = e^t dt.
    auto moment = [&](int n) {
      return bd::gauss_legendre(
          [&](double t) {
            const double v = std::exp(t), mu = v - A;
            return std::pow(mu, n) * A * (1 + A) / v;
          },
          std::log(A), std::log(1 + A), 400);
    };
    const double m1 = moment(1), m2 = moment(2);
    EXPECT_NEAR(bd::wentzel_mean_mu(A) / m1, 1.0, 1e-6) << A;
    EXPECT_NEAR(bd::wentzel_mean_mu2(A) / m2, 1.0, 1e-6) << A;
    EXPECT_NEAR(bd::wentzel_screening_for_mean_mu(bd::wentzel_mean_mu(A)) / A, 1.0, 1e-9) << A;
  }
}

// Every shipped material builds: finite, positive, monotone where physics says so.
TEST(ElectronTables, ShippedMaterialsBuild) {
  const auto materials = bd::load_materials();
  ASSERT_FALSE(materials.empty());
  for (const auto& m : materials) {
    const auto t = bd::build_electron_tables(m);
    for (std::size_t i = 0; i < t.energy_MeV.size(); ++i) {
      ASSERT_TRUE(std::isfinite(t.s_col_MeV_cm2_g[i]) && t.s_col_MeV_cm2_g[i] > 0) << m.name;
      ASSERT_TRUE(t.s_rad_MeV_cm2_g[i] > 0 && t.transport_xs1_cm2_g[i] > 0) << m.name;
      ASSERT_TRUE(t.transport_xs2_cm2_g[i] > 0 && t.straggling_MeV2_cm2_g[i] > 0) << m.name;
      ASSERT_LE(t.s_col_restricted_MeV_cm2_g[i], t.s_col_MeV_cm2_g[i] * (1 + 1e-12)) << m.name;
      ASSERT_LE(t.s_rad_restricted_MeV_cm2_g[i], t.s_rad_MeV_cm2_g[i] * (1 + 1e-12)) << m.name;
      if (i > 0) {
        ASSERT_GT(t.csda_range_g_cm2[i], t.csda_range_g_cm2[i - 1]) << m.name;
        ASSERT_GT(t.range_soft_g_cm2[i], t.range_soft_g_cm2[i - 1]) << m.name;
      }
    }
  }
}

}  // namespace

// The shared per-element bremsstrahlung table holds exactly what the cross-section functions
// give (so material tables summed from it are what summing the functions gave), for any Wcr,
// also when many threads ask for it at once; bad arguments are input errors.
TEST(ElectronTables, SharedElementBremsTableIsTheCrossSectionItself) {
  const double wcr = 0.0137;  // a value no other test uses: computed here, not cached
  const int nk = 7;
  std::vector<std::shared_ptr<const bd::ElementBremsTable>> got(8);
  std::vector<std::thread> threads;
  for (std::size_t k = 0; k < got.size(); ++k)
    threads.emplace_back([&, k] { got[k] = bd::element_brems_table(20, 0.001, 3.0, 64, wcr, nk); });
  for (auto& t : threads) t.join();
  for (const auto& g : got) EXPECT_EQ(g.get(), got[0].get());  // one table, computed once
  const std::vector<double> T = bd::electron_table_energies(0.001, 3.0, 64);
  ASSERT_EQ(got[0]->integrals.size(), T.size());
  for (std::size_t i = 0; i < T.size(); ++i) {
    const bd::BremsIntegrals b = bd::brems_integrals(20, T[i], wcr);
    EXPECT_EQ(got[0]->integrals[i].loss_soft_cm2_MeV, b.loss_soft_cm2_MeV) << T[i];
    EXPECT_EQ(got[0]->integrals[i].loss_hard_cm2_MeV, b.loss_hard_cm2_MeV) << T[i];
    EXPECT_EQ(got[0]->integrals[i].number_hard_cm2, b.number_hard_cm2) << T[i];
    for (int j = 0; j < nk; ++j) {
      const double expected =
          T[i] > wcr ? bd::brems_k_dsigma_dk_cm2(20, T[i], bd::brems_shape_node_MeV(T[i], wcr, j, nk)) : 0.0;
      EXPECT_EQ(got[0]->k_dsigma_dk_cm2[i * nk + j], expected) << T[i] << " node " << j;
    }
  }
  EXPECT_EQ(T.back(), 3.0);
  EXPECT_NE(bd::element_brems_table(20, 0.001, 3.0, 64, 0.02, nk).get(), got[0].get());  // another Wcr
  EXPECT_THROW(bd::element_brems_table(0, 0.001, 3.0, 64, wcr, nk), bd::InputError);
  EXPECT_THROW(bd::element_brems_table(20, 0.001, 3.0, 1, wcr, nk), bd::InputError);
  EXPECT_THROW(bd::element_brems_table(20, 3.0, 0.001, 64, wcr, nk), bd::InputError);
  EXPECT_THROW(bd::element_brems_table(20, 0.001, 3.0, 64, std::nan(""), nk), bd::InputError);
}
