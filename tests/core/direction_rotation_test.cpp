// rotate_direction (kernels/particle.hh): the direction stays a unit vector over a long chain
// of rotations (its renormalisation), and one rotation turns by the requested polar angle.
#include <gtest/gtest.h>

#include <cmath>

#include "kernels/particle.hh"
#include "kernels/rng.hh"

TEST(DirectionRotation, StaysUnitOverAMillionChainedRotations) {
  bd::PhiloxEngine rng(7, 0);
  bd::Vec3f d{0.0f, 0.6f, 0.8f};
  double worst_norm = 0, worst_cos = 0;
  for (int k = 0; k < 1000000; ++k) {
    const float cos_t = 1.0f - 2.0f * rng.uniform() * (k % 2 ? 0.05f : 1.0f);  // small and large turns
    const bd::Vec3f r = bd::rotate_direction(d, cos_t, 6.283185307f * rng.uniform());
    const double n = std::sqrt(double(r.x) * r.x + double(r.y) * r.y + double(r.z) * r.z);
    worst_norm = std::max(worst_norm, std::abs(n - 1.0));
    const double c = (double(r.x) * d.x + double(r.y) * d.y + double(r.z) * d.z) / n;
    worst_cos = std::max(worst_cos, std::abs(c - cos_t));
    d = r;
  }
  // Float rounding of one rotation is a few 1e-8. With w2 = 1 − d.z² (cancellation near the
  // poles) the polar angle was off by up to 0.1 in cos θ and the norm by 4e-3 here.
  EXPECT_LT(worst_norm, 1e-6);
  EXPECT_LT(worst_cos, 2e-5);
}
