// Dose to water in medium (TransportOptions::dose_to, `betadose mc --dose-to water`).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "betadose/electron_params.hh"
#include "betadose/errors.hh"
#include "betadose/materials.hh"
#include "betadose/nuclide.hh"
#include "betadose/phantom.hh"
#include "betadose/quadrature.hh"
#include "betadose/source.hh"
#include "betadose/transport.hh"
#include "support/grids.hh"

namespace {

using bd::test::cube_grid;

bd::DoseResult run(const bd::Phantom& p, bd::DoseTo to, std::uint64_t histories = 200000) {
  bd::VoxelSource s;
  s.grid = p.grid;
  s.activity_bq.assign(p.grid.voxel_count(), 1e6);
  bd::TransportOptions o;
  o.histories = histories;
  o.seed = 31;
  o.dose_to = to;
  return bd::run_voxel_transport(p, s, o);
}

}  // namespace

// In water the conversion is the identity: the same seed gives bitwise the same tallies.
TEST(DoseToWater, IsTheIdentityInWater) {
  const auto p = bd::Phantom::uniform(cube_grid(10, 2.0), "water", 1.0);
  const auto m = run(p, bd::DoseTo::medium, 40000), w = run(p, bd::DoseTo::water, 40000);
  EXPECT_EQ(w.dose_to, bd::DoseTo::water);
  for (std::size_t v = 0; v < m.dose_gy.size(); ++v) ASSERT_EQ(m.dose_gy[v], w.dose_gy[v]) << v;
  EXPECT_DOUBLE_EQ(m.balance_per_decay.deposited_MeV, w.balance_per_decay.deposited_MeV);
}

// Uniform 90Y in compact bone (charged-particle equilibrium in the core): D_w/D_m equals the
// stopping-power ratio averaged over the equilibrium electron spectrum. In the CSDA picture
// (Spencer–Attix without δ-ray transport) the slowing-down fluence is Φ(E) ∝ N(>E)/S_tot(E)
// with N(>E) the betas emitted above E, so
//   D_w/D_m = ∫ N(>E) (S_col,m/S_tot,m) r(E) dE / ∫ N(>E) (S_col,m/S_tot,m) dE,
//   r = S_col,w/S_col,m.
// δ-rays deposit at lower energies than their parent, where r differs by < 1 % for bone
// (0.05–2 MeV); tolerance 0.5 %. Same seed: the two runs share their histories, so the ratio
// is nearly free of noise. The energy balance is not weighted.
TEST(DoseToWater, BoneRatioIsTheSpectrumAveragedStoppingPowerRatio) {
  const auto g = cube_grid(20, 2.0);
  const auto p = bd::Phantom::uniform(g, "bone-compact-icru", 1.85);
  const auto m = run(p, bd::DoseTo::medium), w = run(p, bd::DoseTo::water);
  double em = 0, ew = 0;
  for (std::size_t k = 5; k < 15; ++k)
    for (std::size_t j = 5; j < 15; ++j)
      for (std::size_t i = 5; i < 15; ++i) {
        const auto v = g.linear_index(i, j, k);
        em += m.energy_per_decay_MeV[v];
        ew += w.energy_per_decay_MeV[v];
      }
  const auto all = bd::load_materials();
  const bd::ElectronParams ep({bd::find_material(all, "bone-compact-icru")});
  const auto& t = ep.tables(0);
  const bd::Material water = bd::find_material(all, "water");
  const bd::Nuclide y90 = bd::load_nuclide("Y-90");
  const auto& E = y90.spectrum_energy_MeV;
  const auto& N = y90.spectrum_n_per_MeV;
  // N(>E) at the spectrum nodes (trapezoid), then the two integrals (trapezoid in E).
  std::vector<double> above(E.size(), 0.0);
  for (std::size_t i = E.size() - 1; i-- > 0;) above[i] = above[i + 1] + 0.5 * (N[i] + N[i + 1]) * (E[i + 1] - E[i]);
  double num = 0, den = 0;
  for (std::size_t i = 0; i + 1 < E.size(); ++i) {
    for (std::size_t q = 0; q < 2; ++q) {
      const std::size_t j = i + q;
      const double T = std::max(E[j], 0.011);
      const double scol = t.interpolate(t.s_col_MeV_cm2_g, T), stot = scol + t.interpolate(t.s_rad_MeV_cm2_g, T);
      const double r = bd::collision_stopping_on_grid(water, {T})[0] / scol;
      const double wgt = 0.5 * (E[i + 1] - E[i]) * above[j] * scol / stot;
      num += wgt * r;
      den += wgt;
    }
  }
  const double expected = num / den;
  std::printf("[dose to water] bone core D_w/D_m = %.5f, spectrum-averaged S_col ratio %.5f\n", ew / em, expected);
  EXPECT_NEAR(ew / em / expected, 1.0, 0.005);
  EXPECT_GT(ew / em, 1.05);  // water stops electrons ~10 % more per gram than compact bone
  EXPECT_DOUBLE_EQ(m.balance_per_decay.deposited_MeV, w.balance_per_decay.deposited_MeV);
  EXPECT_LT(w.balance_per_decay.relative_residual(), 1e-6);
}

TEST(DoseToWater, ParsesTheTwoQuantitiesOnly) {
  EXPECT_EQ(bd::parse_dose_to("water", "--dose-to"), bd::DoseTo::water);
  EXPECT_EQ(bd::parse_dose_to("medium", "--dose-to"), bd::DoseTo::medium);
  try {
    bd::parse_dose_to("tissue", "--dose-to");
    ADD_FAILURE();
  } catch (const bd::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--dose-to"), std::string::npos);
  }
}
