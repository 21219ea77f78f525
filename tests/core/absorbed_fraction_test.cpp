#include <gtest/gtest.h>

#include <cmath>

#include "betadose/absorbed_fraction.hh"
#include "support/paths.hh"

namespace {

// A kernel that deposits everything in one thin shell at radius a: φ(R) = P(a) exactly.
bd::RadialKernel thin_shell(double a_mm) {
  bd::RadialKernel k;
  k.r_outer_mm = {a_mm - 1e-6, a_mm + 1e-6};
  k.energy_fraction = {0.0, 1.0};
  return k;
}

}  // namespace

TEST(AbsorbedFraction, ThinShellKernelReproducesGeometricReductionFactor) {
  const double R = 10;
  for (double a : {0.5, 2.0, 5.0, 10.0, 15.0, 19.9}) {
    const double x = a / R;
    EXPECT_NEAR(bd::sphere_self_absorbed_fraction(thin_shell(a), R), 1 - 0.75 * x + x * x * x / 16, 1e-6);
  }
  EXPECT_NEAR(bd::sphere_self_absorbed_fraction(thin_shell(25), R), 0.0, 1e-12);
}

TEST(AbsorbedFraction, Y90SpheresFollowTheSurfaceToVolumeLaw) {
  const auto k = bd::read_graves_dpk(bd::test::reference_path("dpk_y90_water_graves2019.csv"));
  // Large spheres: 1 − φ ≈ (3/4R)·<r>, with <r> the energy-weighted mean distance
  // (first-order expansion of P(r)); check the expansion within 5 % for R = 50 mm.
  double mean_r = 0, r_in = 0;
  for (std::size_t i = 0; i < k.r_outer_mm.size(); ++i) {
    mean_r += k.energy_fraction[i] * 0.5 * (r_in + k.r_outer_mm[i]);
    r_in = k.r_outer_mm[i];
  }
  const double R = 50;
  const double loss = 1 - bd::sphere_self_absorbed_fraction(k, R);
  EXPECT_NEAR(loss / (0.75 * mean_r / R), 1.0, 0.05);
  // Monotonic in R and between 0 and 1.
  double prev = 0;
  for (double r : {1.0, 2.0, 5.0, 10.0, 15.0, 25.0}) {
    const double phi = bd::sphere_self_absorbed_fraction(k, r);
    EXPECT_GT(phi, prev);
    EXPECT_LT(phi, 1.0);
    prev = phi;
  }
  // X90 of 90Y in water is about 5.2–5.5 mm in published kernels (e.g. ICRU 56, Graves 2019).
  const double x90 = bd::kernel_radius_for_fraction(k, 0.9);
  EXPECT_GT(x90, 5.0);
  EXPECT_LT(x90, 5.8);
}

TEST(AbsorbedFraction, DensityScalingShrinksDistances) {
  const auto k = bd::read_graves_dpk(bd::test::reference_path("dpk_y90_water_graves2019.csv"));
  const auto lung = bd::scale_kernel_to_density(k, 0.26);
  EXPECT_NEAR(bd::kernel_radius_for_fraction(lung, 0.9), bd::kernel_radius_for_fraction(k, 0.9) / 0.26, 1e-9);
}

TEST(AbsorbedFraction, VoxelIntegratorAgreesWithSphereFormula) {
  const auto k = bd::read_graves_dpk(bd::test::reference_path("dpk_y90_water_graves2019.csv"));
  // A finely voxelised sphere (0.5 mm voxels, R = 8 mm) in a grid large enough to hold
  // everything: label 1 = sphere, 0 = outside it.
  bd::Grid g;
  g.size = {72, 72, 72};
  g.spacing_mm = {0.5, 0.5, 0.5};
  std::vector<std::uint8_t> labels(g.voxel_count(), 0);
  const double c = 35.5, R = 8.0;
  double volume_mm3 = 0;
  for (std::size_t kk = 0; kk < 72; ++kk)
    for (std::size_t j = 0; j < 72; ++j)
      for (std::size_t i = 0; i < 72; ++i) {
        const double dx = (i - c) * 0.5, dy = (j - c) * 0.5, dz = (kk - c) * 0.5;
        if (dx * dx + dy * dy + dz * dz <= R * R) {
          labels[g.linear_index(i, j, kk)] = 1;
          volume_mm3 += g.voxel_volume_mm3();
        }
      }
  const auto f = bd::kernel_absorbed_fractions(g, labels, 2, labels, k, 400000, 7);
  const double r_eq = std::cbrt(3 * volume_mm3 / (4 * M_PI));
  const double phi = bd::sphere_self_absorbed_fraction(k, r_eq);
  // Sampling sigma ~ sqrt(0.2*0.8/4e5) = 6.3e-4; voxel staircase adds < 0.5 % surface excess.
  EXPECT_NEAR(f[1], phi, 3 * 6.3e-4 + 0.005);
  EXPECT_NEAR(f[0] + f[1] + f[2], 1.0, 1e-12);
  EXPECT_EQ(f[2], 0.0);  // 12 mm kernel reach < 18 mm margin
}
