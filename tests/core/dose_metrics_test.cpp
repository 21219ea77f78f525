// Dose metrics on analytic distributions whose D_x, V_x, mean and DVH are known in closed form.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "betadose/dose_metrics.hh"
#include "betadose/errors.hh"

namespace {

// 10x10x10 grid of 2 mm voxels (8e-3 ml each) holding a dose ramp: voxel with linear index n
// gets (n + 0.5) * 0.1 Gy, i.e. the centres of 1000 equal slices of a uniform distribution on
// [0, 100] Gy. The mask keeps k < 5 (linear indices 0..499): a uniform distribution on [0, 50] Gy.
struct RampCase {
  bd::Grid grid;
  std::vector<float> dose, unc;
  std::vector<std::uint8_t> lower_half;
  RampCase() {
    grid.size = {10, 10, 10};
    grid.spacing_mm = {2, 2, 2};
    dose.resize(1000);
    unc.resize(1000);
    lower_half.resize(1000);
    for (std::size_t n = 0; n < 1000; ++n) {
      dose[n] = float((double(n) + 0.5) * 0.1);
      unc[n] = n < 500 ? 0.02f : 0.04f;
      lower_half[n] = n < 500 ? 1 : 0;
    }
  }
};

}  // namespace

TEST(DoseMetrics, UniformRampGivesExactDxVxMeanAndDvh) {
  // A uniform distribution on [0, Dmax] has D_x = Dmax (1 - x/100) and V(d) = 1 - d/Dmax.
  // Voxel doses at the centres of N equal slices: the interpolated D_x is exact (the voxel of
  // rank k from the top sits at cumulative fraction (k + 1/2)/N, where the continuous D_x is
  // its dose); V(d) counts voxels, exact when d is a slice edge (multiples of 0.1 Gy here).
  RampCase c;
  bd::DoseMetricsOptions opt;
  opt.d_percent = {2, 50, 70, 90, 98};
  opt.v_gy = {10.0, 25.0, 40.0};
  const auto m = bd::compute_roi_metrics("lower", c.grid, c.dose, c.unc, c.lower_half, {}, opt);
  // Dmax = 50 Gy for the lower half. Tolerance 1e-5 Gy: float storage of doses (~4e-6 Gy at 50 Gy).
  EXPECT_EQ(m.voxel_count, 500u);
  EXPECT_NEAR(m.volume_ml, 500 * 8e-3, 1e-12);
  EXPECT_NEAR(m.d(90), 5.0, 1e-5);
  EXPECT_NEAR(m.d(70), 15.0, 1e-5);
  EXPECT_NEAR(m.d(50), 25.0, 1e-5);
  EXPECT_NEAR(m.d(2), 49.0, 1e-5);
  EXPECT_NEAR(m.d(98), 1.0, 1e-5);
  EXPECT_NEAR(m.v(10.0), 0.8, 1e-12);
  EXPECT_NEAR(m.v(25.0), 0.5, 1e-12);
  EXPECT_NEAR(m.v(40.0), 0.2, 1e-12);
  EXPECT_NEAR(m.mean_dose_gy, 25.0, 1e-5);
  EXPECT_NEAR(m.min_dose_gy, 0.05, 1e-6);
  EXPECT_NEAR(m.max_dose_gy, 49.95, 1e-5);
  EXPECT_NEAR(m.mean_rel_uncertainty, 0.02, 1e-7);  // only the masked voxels count
  EXPECT_EQ(m.mass_g, -1.0);

  // Whole grid (empty mask) = uniform on [0, 100] Gy.
  const auto all = bd::compute_roi_metrics("all", c.grid, c.dose, c.unc, {}, {}, opt);
  EXPECT_NEAR(all.d(90), 10.0, 1e-5);
  EXPECT_NEAR(all.d(70), 30.0, 1e-5);
  EXPECT_NEAR(all.mean_rel_uncertainty, 0.03, 1e-7);

  // Cumulative DVH with 10 Gy bins: V(10 b) = 1 - b/10, b = 0..10; the last point (100 Gy) lies
  // above the maximum 99.95 Gy.
  std::vector<std::pair<std::string, bd::DoseDistribution>> rois;
  rois.emplace_back("all", bd::make_roi_distribution(c.grid, c.dose, {}, {},
                                                     bd::DoseWeighting::volume, "all"));
  const auto dvh = bd::cumulative_dvh(rois, 10.0, bd::DoseWeighting::volume);
  ASSERT_EQ(dvh.dose_gy.size(), 11u);
  for (std::size_t b = 0; b < 11; ++b) {
    EXPECT_DOUBLE_EQ(dvh.dose_gy[b], 10.0 * double(b));
    EXPECT_NEAR(dvh.fraction[0][b], 1.0 - double(b) / 10.0, 1e-12) << "bin " << b;
  }
  std::ostringstream csv;
  bd::write_dvh_csv(csv, dvh);
  EXPECT_EQ(csv.str().substr(0, csv.str().find('\n')), "dose_Gy,all_volume_fraction");
  EXPECT_NE(csv.str().find("\n50,0.5\n"), std::string::npos) << csv.str();
}

TEST(DoseMetrics, ShuffledInputGivesTheSameResult) {
  // Order independence: a permutation of the ramp (n -> 379 n mod 1000, 379 coprime to 1000).
  std::vector<double> dose(1000);
  for (std::size_t n = 0; n < 1000; ++n) dose[(379 * n) % 1000] = (double(n) + 0.5) * 0.1;
  const bd::DoseDistribution d(dose, {});
  EXPECT_NEAR(d.dose_covering_percent(90), 10.0, 1e-9);
  EXPECT_NEAR(d.dose_covering_percent(37.5), 62.5, 1e-9);
  EXPECT_DOUBLE_EQ(d.dose_covering_percent(0), 99.95);
  EXPECT_DOUBLE_EQ(d.dose_covering_percent(100), 0.05);
  EXPECT_NEAR(d.fraction_at_least(0.0), 1.0, 1e-15);
  EXPECT_EQ(d.fraction_at_least(100.0), 0.0);
}

TEST(DoseMetrics, MassWeightingDiffersFromVolumeWeighting) {
  // Two halves of equal volume: 10 Gy at 1 g/cm3 and 20 Gy at 3 g/cm3.
  // Volume weighting: mean 15 Gy, V(15) = 0.5. Mass weighting: mean (10·1 + 20·3)/4 = 17.5 Gy
  // (energy/mass), V(15) = 3/4, D50 = 20 Gy (the 20 Gy half holds the hottest 75 % of the mass).
  bd::Grid g;
  g.size = {4, 1, 1};
  g.spacing_mm = {10, 10, 10};  // 1 ml voxels
  const std::vector<float> dose{10, 20, 10, 20}, rho{1, 3, 1, 3};
  bd::DoseMetricsOptions opt;
  opt.v_gy = {15};
  opt.d_percent = {50};
  const auto vol = bd::compute_roi_metrics("r", g, dose, {}, {}, rho, opt);
  EXPECT_NEAR(vol.mean_dose_gy, 15.0, 1e-12);
  EXPECT_NEAR(vol.v(15), 0.5, 1e-12);
  EXPECT_NEAR(vol.mass_g, 8.0, 1e-12);
  EXPECT_EQ(vol.mean_rel_uncertainty, -1.0);
  opt.weighting = bd::DoseWeighting::mass;
  const auto mass = bd::compute_roi_metrics("r", g, dose, {}, {}, rho, opt);
  EXPECT_NEAR(mass.mean_dose_gy, 17.5, 1e-12);
  EXPECT_NEAR(mass.v(15), 0.75, 1e-12);
  EXPECT_NEAR(mass.d(50), 20.0, 1e-12);
  EXPECT_STREQ(bd::to_string(mass.weighting), "mass");
}

TEST(DoseMetrics, BadInputNamesTheRoiAndTheProblem) {
  RampCase c;
  auto expect_error = [](auto&& fn, const std::string& needle) {
    try {
      fn();
      ADD_FAILURE() << "expected InputError containing '" << needle << "'";
    } catch (const bd::InputError& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  const std::vector<std::uint8_t> short_mask(10, 1), empty_mask(1000, 0);
  expect_error([&] { bd::compute_roi_metrics("tumour", c.grid, c.dose, {}, short_mask, {}); },
               "tumour");
  expect_error([&] { bd::compute_roi_metrics("liver", c.grid, c.dose, {}, empty_mask, {}); },
               "empty");
  bd::DoseMetricsOptions mass;
  mass.weighting = bd::DoseWeighting::mass;
  expect_error([&] { bd::compute_roi_metrics("liver", c.grid, c.dose, {}, {}, {}, mass); },
               "density");
  bd::DoseMetricsOptions bad_x;
  bad_x.d_percent = {120};
  expect_error([&] { bd::compute_roi_metrics("liver", c.grid, c.dose, {}, {}, {}, bad_x); }, "120");
  expect_error([&] { bd::parse_dose_weighting("energy", "--weighting"); }, "--weighting");
  std::vector<std::pair<std::string, bd::DoseDistribution>> none;
  expect_error([&] { bd::cumulative_dvh(none, 0.0, bd::DoseWeighting::volume); }, "bin width");
}
