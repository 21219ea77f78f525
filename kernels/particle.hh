// Per-history particle state and the fixed-size secondary stack (no allocation; lives in
// registers / local memory of the thread running the history).
#pragma once

#include <cmath>
#include <cstdint>

#include "kernels/macros.hh"
#include "kernels/transport_params.hh"

namespace bd {

enum class ParticleType : std::uint8_t { electron = 0, photon = 1 };

struct Vec3f {
  float x, y, z;
};

struct Particle {
  ParticleType type;
  float energy_MeV;
  Vec3f pos_cm;   // geometry coordinates (see the geometry views)
  Vec3f dir;      // unit vector
  // Geometry cache (voxel indices); set by the geometry's locate().
  int ix, iy, iz;
};

// A particle waiting for transport, with the identity of its random-number stream (its
// lineage within the history; kernels/secondary_queue.hh).
struct StackedParticle {
  Particle p;
  std::uint32_t lineage;
};

template <int Depth>
class ParticleStackN {
 public:
  BD_FUNCTION ParticleStackN() : n_(0) {}
  BD_FUNCTION bool empty() const { return n_ == 0; }
  BD_FUNCTION bool full() const { return n_ == Depth; }
  // Returns false (and stores nothing) when full; the caller deposits the energy locally.
  BD_FUNCTION bool push(const Particle& p, std::uint32_t lineage) {
    if (n_ == Depth) return false;
    items_[n_++] = StackedParticle{p, lineage};
    return true;
  }
  BD_FUNCTION StackedParticle pop() { return items_[--n_]; }

 private:
  StackedParticle items_[Depth];
  int n_;
};

using ParticleStack = ParticleStackN<kStackDepth>;

// min/max without libm calls on the host (fminf/fmaxf are not inlined by g++ -O2 because of
// their NaN rules; the transport never feeds NaN to them).
BD_FUNCTION BD_FORCEINLINE float min_f(float a, float b) { return a < b ? a : b; }
BD_FUNCTION BD_FORCEINLINE float max_f(float a, float b) { return a > b ? a : b; }

// Rotates direction `d` by polar angle (cos_theta) and azimuth phi [rad] (the usual
// direction-cosine update, e.g. PENELOPE 2008 manual eq. 1.131).
BD_FUNCTION BD_FORCEINLINE Vec3f rotate_direction(const Vec3f& d, float cos_theta, float phi) {
  float sin_theta2 = 1.0f - cos_theta * cos_theta;
  const float sin_theta = sin_theta2 > 0.0f ? sqrtf(sin_theta2) : 0.0f;
  float sp, cp;
#if BD_DEVICE_COMPILE
  __sincosf(phi, &sp, &cp);
#else
  sp = sinf(phi);
  cp = cosf(phi);
#endif
  Vec3f r;
  const float w2 = d.x * d.x + d.y * d.y;
  if (w2 > 1e-10f) {
    const float s = sqrtf(w2);
    const float a = sin_theta / s;
    r.x = d.x * cos_theta + a * (d.x * d.z * cp - d.y * sp);
    r.y = d.y * cos_theta + a * (d.y * d.z * cp + d.x * sp);
    r.z = d.z * cos_theta - sin_theta * cp * s;
  } else {
    const float sgn = d.z >= 0.0f ? 1.0f : -1.0f;
    r.x = sin_theta * cp;
    r.y = sin_theta * sp;
    r.z = sgn * cos_theta;
  }
  // Renormalise to keep |d| = 1 over many rotations in single precision. |r|² = 1 + ε with
  // |ε| of a few float ulps (w2 is taken as d.x² + d.y², free of the cancellation of
  // 1 − d.z² near the poles), so one Newton step for 1/√(1 + ε), (3 − |r|²)/2, is exact to
  // O(ε²) (no square root or division; tests/core/direction_rotation_test.cpp).
  const float inv = 1.5f - 0.5f * (r.x * r.x + r.y * r.y + r.z * r.z);
  r.x *= inv;
  r.y *= inv;
  r.z *= inv;
  return r;
}

BD_FUNCTION inline Vec3f isotropic_direction(float u1, float u2) {
  const float w = 2.0f * u1 - 1.0f;
  const float s = sqrtf(fmaxf(0.0f, 1.0f - w * w));
  const float phi = 6.283185307f * u2;
  return Vec3f{s * cosf(phi), s * sinf(phi), w};
}

}  // namespace bd
