// Gamma index and dose differences on analytic distributions with known answers.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "betadose/compare.hh"
#include "betadose/errors.hh"

namespace {

bd::Grid grid_2mm(std::size_t n) {
  bd::Grid g;
  g.size = {{n, n, n}};
  g.spacing_mm = {{2.0, 2.0, 2.0}};
  return g;
}

// Smooth analytic dose: Gaussian blob, σ = 10 mm, centred in the grid, shifted by `shift_mm`
// along x and scaled by `scale`.
std::vector<float> blob(const bd::Grid& g, double shift_mm, double scale) {
  std::vector<float> d(g.voxel_count());
  const double c = 0.5 * (g.size[0] - 1) * g.spacing_mm[0];
  for (std::size_t k = 0; k < g.size[2]; ++k)
    for (std::size_t j = 0; j < g.size[1]; ++j)
      for (std::size_t i = 0; i < g.size[0]; ++i) {
        const double x = i * 2.0 - c - shift_mm, y = j * 2.0 - c, z = k * 2.0 - c;
        d[g.linear_index(i, j, k)] =
            static_cast<float>(scale * 100.0 * std::exp(-(x * x + y * y + z * z) / (2 * 100.0)));
      }
  return d;
}

TEST(Gamma, OneMillimetreShiftPassesThreePercentThreeMillimetres) {
  const auto g = grid_2mm(31);
  const auto a = blob(g, 0.0, 1.0);
  const auto b = blob(g, 1.0, 1.0);
  bd::GammaOptions o;  // 3 %/3 mm global, 10 % threshold
  const auto r = bd::gamma_index(g, a, b, o);
  EXPECT_GT(r.evaluated, 1000u);
  EXPECT_EQ(r.passed, r.evaluated);
  EXPECT_DOUBLE_EQ(r.pass_rate, 1.0);
  // Pure dose difference (DTA 0) of the same shift fails on the steep flanks: the largest
  // difference of a 1 mm shift of this blob is max|∂D/∂x|·1 mm = 100 e^{-1/2}/10 ≈ 6 % > 3 %.
  bd::GammaOptions dd;
  dd.dta_mm = 0;
  EXPECT_LT(bd::gamma_index(g, a, b, dd).pass_rate, 1.0);
  // For a pure 1 mm shift the exact match lies 1 mm away: γ <= 1/3 in the continuum. The
  // search refines the best lattice point to < 0.01 mm; trilinear interpolation of the
  // evaluated dose (h²/8·|D''| <= 0.5 % of max for σ = 10 mm, 2 mm voxels) adds <= 0.17 in
  // quadrature, so γ <= sqrt(1/9 + 0.17²) = 0.373 (+0.005 for the refinement resolution).
  float gmax = 0;
  for (float gv : r.gamma) gmax = std::max(gmax, gv);
  EXPECT_LE(gmax, 0.378);
  EXPECT_GT(gmax, 0.2);  // a shift is not invisible
}

TEST(Gamma, FivePercentScaleFailsThreePercentZeroMillimetresWhereFlat) {
  const auto g = grid_2mm(31);
  const auto a = blob(g, 0.0, 1.0);
  const auto b = blob(g, 0.0, 1.05);
  bd::GammaOptions o;
  o.dta_mm = 0;
  // Global 3 %: a voxel fails exactly when 0.05 D_a > 0.03 max, i.e. D_a > 0.6 max.
  const auto r = bd::gamma_index(g, a, b, o);
  std::size_t eval = 0, pass = 0;
  for (float d : a) {
    if (d < 10.0f) continue;
    ++eval;
    if (0.05 * d <= 0.03 * 100.0) ++pass;
  }
  EXPECT_EQ(r.evaluated, eval);
  EXPECT_EQ(r.passed, pass);
  // Local 3 %: every voxel is 5 % off.
  o.local = true;
  const auto rl = bd::gamma_index(g, a, b, o);
  EXPECT_EQ(rl.passed, 0u);
  EXPECT_NEAR(rl.mean_gamma, 5.0 / 3.0, 1e-4);
  // With 3 mm, a flat-topped dose (100 Gy plateau to 12 mm, Gaussian fall-off σ = 6 mm beyond)
  // still fails inside the plateau (the nearest 100 Gy point of the 5 %-scaled dose lies in
  // the fall-off, > 3 mm away for r < 9 mm, so γ > 1), while the fall-off region passes.
  auto flat = [&](double scale) {
    std::vector<float> d(g.voxel_count());
    for (std::size_t k = 0; k < g.size[2]; ++k)
      for (std::size_t j = 0; j < g.size[1]; ++j)
        for (std::size_t i = 0; i < g.size[0]; ++i) {
          const double x = i * 2.0 - 30, y = j * 2.0 - 30, z = k * 2.0 - 30;
          const double r = std::sqrt(x * x + y * y + z * z);
          const double t = r <= 12 ? 0.0 : (r - 12) / 6.0;
          d[g.linear_index(i, j, k)] = static_cast<float>(scale * 100.0 * std::exp(-0.5 * t * t));
        }
    return d;
  };
  o.dta_mm = 3;
  const auto fa = flat(1.0);
  const auto fb = flat(1.05);
  const auto r3 = bd::gamma_index(g, fa, fb, o);
  std::size_t plateau = 0;
  for (std::size_t k = 0; k < 31; ++k)
    for (std::size_t j = 0; j < 31; ++j)
      for (std::size_t i = 0; i < 31; ++i) {
        const double x = i * 2.0 - 30, y = j * 2.0 - 30, z = k * 2.0 - 30;
        if (x * x + y * y + z * z < 8.0 * 8.0) {
          EXPECT_GT(r3.gamma[g.linear_index(i, j, k)], 1.0f);
          ++plateau;
        }
      }
  EXPECT_GT(plateau, 200u);
  EXPECT_LE(r3.gamma[g.linear_index(15, 15, 25)], 1.0f);  // r = 20 mm, in the fall-off
  EXPECT_GT(r3.pass_rate, 0.3);
  EXPECT_LT(r3.pass_rate, 0.95);
}

TEST(Gamma, IdenticalDistributionsPassWithGammaZero) {
  const auto g = grid_2mm(11);
  const auto a = blob(g, 0.0, 1.0);
  const auto r = bd::gamma_index(g, a, a, {});
  EXPECT_DOUBLE_EQ(r.pass_rate, 1.0);
  EXPECT_DOUBLE_EQ(r.mean_gamma, 0.0);
}

TEST(Gamma, ParsesCriteriaAndRejectsBadInput) {
  bd::GammaOptions o;
  bd::parse_gamma_criterion("2%/1.5mm", o);
  EXPECT_DOUBLE_EQ(o.dose_difference, 0.02);
  EXPECT_DOUBLE_EQ(o.dta_mm, 1.5);
  bd::parse_gamma_criterion("3 / 3", o);
  EXPECT_DOUBLE_EQ(o.dose_difference, 0.03);
  EXPECT_DOUBLE_EQ(o.dta_mm, 3.0);
  EXPECT_THROW(bd::parse_gamma_criterion("3%", o), bd::InputError);
  EXPECT_THROW(bd::parse_gamma_criterion("x%/3mm", o), bd::InputError);
  EXPECT_THROW(bd::parse_gamma_criterion("0%/3mm", o), bd::InputError);
  EXPECT_DOUBLE_EQ(bd::parse_percent("10%", "--threshold"), 0.10);
  EXPECT_THROW(bd::parse_percent("150%", "--threshold"), bd::InputError);
  // different voxel counts (grids not matched)
  const auto g = grid_2mm(5);
  std::vector<float> a(g.voxel_count(), 1.0f), b(g.voxel_count() + 1, 1.0f);
  EXPECT_THROW(bd::gamma_index(g, a, b, {}), bd::InputError);
  EXPECT_THROW(bd::dose_difference(g, a, b, 0.1), bd::InputError);
}

TEST(DoseDifference, RelativeAndAbsoluteMaps) {
  const auto g = grid_2mm(9);
  const auto a = blob(g, 0.0, 1.0);
  const auto b = blob(g, 0.0, 1.05);
  const auto d = bd::dose_difference(g, a, b, 0.10);
  EXPECT_NEAR(d.mean_relative_difference, 0.05, 1e-6);
  for (std::size_t v = 0; v < a.size(); ++v) EXPECT_NEAR(d.absolute_gy[v], 0.05 * a[v], 1e-4);
  EXPECT_NEAR(d.max_absolute_difference_gy, 5.0, 1e-3);  // at the centre, 5 % of 100 Gy
}

}  // namespace
