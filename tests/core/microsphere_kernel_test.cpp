// Micro-scale voxel kernel from a point kernel: exact energy, the analytic limit of a uniform
// energy density, symmetry, and the sphere self-absorption against its closed form.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <vector>

#include "betadose/errors.hh"
#include "betadose/microsphere_kernel.hh"

namespace {

// A point kernel with a uniform energy density k0 [MeV/mm3] inside radius R (shells of `w`).
struct Shells {
  std::vector<double> ri, ro, e;
};
Shells uniform_ball(double R, double w, double k0) {
  Shells s;
  for (double r = 0; r < R - 1e-12; r += w) {
    s.ri.push_back(r);
    s.ro.push_back(r + w);
    s.e.push_back(k0 * 4.0 / 3.0 * M_PI * (std::pow(r + w, 3) - std::pow(r, 3)));
  }
  return s;
}

bd::Grid cube(std::size_t n, double h) {
  bd::Grid g;
  g.size = {n, n, n};
  g.spacing_mm = {h, h, h};
  return g;
}

}  // namespace

TEST(MicrosphereKernel, KeepsEveryShellsEnergy) {
  const auto s = uniform_ball(1.0, 0.025, 1.0);
  // Grid larger than the reach (no wrap) and smaller (wrapped): the total is the same.
  for (std::size_t n : {std::size_t{64}, std::size_t{7}}) {
    const auto K = bd::voxel_kernel_on_grid(s.ri, s.ro, s.e, cube(n, 0.1));
    const double total = std::accumulate(K.begin(), K.end(), 0.0);
    const double expected = std::accumulate(s.e.begin(), s.e.end(), 0.0);
    EXPECT_NEAR(total, expected, 1e-12 * expected) << n;
  }
}

TEST(MicrosphereKernel, UniformDensityGivesItsVoxelIntegralInside) {
  // With k = k0 for r < R, every target voxel whose overlap support (|o|h + sqrt(3)h) lies
  // inside R receives exactly k0·V; voxels straddling R less; nothing beyond R + sqrt(3)h.
  // Shells of 2 µm, so that the kernel's constant dE/dr inside a shell meets the ball's r².
  const double h = 0.1, R = 1.0, k0 = 2.0;
  const auto s = uniform_ball(R, 0.002, k0);
  const std::size_t n = 40;
  const auto K = bd::voxel_kernel_on_grid(s.ri, s.ro, s.e, cube(n, h));
  const double kv = k0 * h * h * h;
  int checked = 0;
  for (int k = -12; k <= 12; ++k)
    for (int j = -12; j <= 12; ++j)
      for (int i = -12; i <= 12; ++i) {
        const double r = h * std::sqrt(double(i * i + j * j + k * k));
        const double v = K[((i + n) % n) + n * (((j + n) % n) + n * ((k + n) % n))];
        if (r + std::sqrt(3.0) * h < R - 1e-9) {
          EXPECT_NEAR(v, kv, 0.01 * kv) << i << "," << j << "," << k;  // direction sampling
          ++checked;
        } else if (r - std::sqrt(3.0) * h > R + 1e-9) {
          EXPECT_EQ(v, 0.0);
        }
      }
  EXPECT_GT(checked, 1000);
}

TEST(MicrosphereKernel, IsSymmetric) {
  const auto s = uniform_ball(0.8, 0.025, 1.0);
  const std::size_t n = 30;
  const auto K = bd::voxel_kernel_on_grid(s.ri, s.ro, s.e, cube(n, 0.05));
  auto at = [&](int i, int j, int k) { return K[((i + n) % n) + n * (((j + n) % n) + n * ((k + n) % n))]; };
  for (int i = 0; i < 8; ++i)
    for (int j = 0; j < 5; ++j)
      for (int k = 0; k < 3; ++k) {
        const double v = at(i, j, k);
        EXPECT_DOUBLE_EQ(at(-i, j, k), v);
        EXPECT_DOUBLE_EQ(at(i, -j, -k), v);
        EXPECT_DOUBLE_EQ(at(j, i, k), v);
        EXPECT_DOUBLE_EQ(at(k, j, i), v);
      }
}

TEST(MicrosphereKernel, SelfAbsorptionOfAUniformDensityIsTheVolumeRatio) {
  // F(r) = (r/Rb)^3 inside Rb: φ = ∫ψ dF = (R/Rb)^3 for a sphere of (tissue-equivalent) radius R.
  const double Rb = 0.5;
  const auto s = uniform_ball(Rb, 0.001, 1.0);
  // 25 µm sphere at 3.3 g/cm3 in tissue of 1.1 g/cm3: R = 12.5 µm × 3 = 37.5 µm.
  const double phi = bd::sphere_self_absorbed_fraction(s.ri, s.ro, s.e, 1.1, 25, 3.3);
  // Shells of 1 µm with F linear inside each: 3e-4 relative from the exact cubic.
  EXPECT_NEAR(phi, std::pow(0.0375 / Rb, 3), 1e-3 * std::pow(0.0375 / Rb, 3));
  EXPECT_THROW(bd::sphere_self_absorbed_fraction(s.ri, s.ro, s.e, 1.1, 0, 3.3), bd::InputError);
}

TEST(MicrosphereKernel, ShellWidthAndReach) {
  EXPECT_DOUBLE_EQ(bd::micro_kernel_shell_mm(0.1), 0.025);
  EXPECT_DOUBLE_EQ(bd::micro_kernel_shell_mm(0.25), 0.025);
  EXPECT_DOUBLE_EQ(bd::micro_kernel_shell_mm(0.05), 0.0125);
  EXPECT_NEAR(bd::micro_kernel_shell_mm(0.025), 0.025 / 4, 1e-15);
  // 90Y beta endpoint 2.28 MeV: CSDA range in liver ~1.1 g/cm2 -> ~10.5 mm; rmax 11-11.5 mm.
  const double r = bd::micro_kernel_rmax_mm("Y-90", "liver", 0);
  EXPECT_GE(r, 10.5);
  EXPECT_LE(r, 12.0);
  EXPECT_LT(bd::micro_kernel_rmax_mm("Ho-166", "liver", 0), r);
}
