// Energy scorers (views) in 64-bit integer fixed point (GPU.md item 4): integer addition is
// associative, so a batch tally is bitwise identical for any thread count or launch order.
//
// Quantum: 1 unit = kTallyQuantum_MeV = 1e-9 MeV. One counter holds up to 2^64 units
// = 1.8e10 MeV, i.e. ~2e10 decays of 90Y (0.93 MeV each) depositing *all* their energy in one
// voxel within one batch; the run driver caps batches far below that. Rounding one deposit
// costs at most 0.5e-9 MeV, ~1e-9 of a typical deposit, so the energy balance closes to
// ~1e-8 relative even after 1e3 deposits per decay.
//
// Both tallies map a deposit Site to a bin (-1 = not scored: outside the scoring region); the
// history keeps one pending deposit and flushes it when the bin changes (one atomic per bin
// visit rather than per step).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

#include "kernels/assert.hh"
#include "kernels/atomics.hh"
#include "kernels/geometry.hh"
#include "kernels/span.hh"

namespace bd {

inline constexpr double kTallyQuantum_MeV = 1e-9;
inline constexpr double kTallyUnitsPerMeV = 1e9;

// round(E / quantum) = round(E · 1e9), exactly, in integer arithmetic (no FP64 in the
// per-deposit path of the GPU, GPU.md): E = m · 2^−s with the 24-bit significand m of the
// float and s = 150 − (biased exponent), so E · 1e9 = m · 1e9 · 2^−s with m · 1e9 < 2^54;
// shifting right by s with half added rounds half up. 0 for E <= 0, NaN and infinities
// (never deposited: the energy balance would show them); saturated beyond 2^32 MeV (p · 2^9 <
// 2^63; no deposit comes near).
static_assert(kTallyUnitsPerMeV == 1e9, "to_tally_units multiplies by 1e9");
BD_FUNCTION inline unsigned long long to_tally_units(float energy_MeV) {
  std::uint32_t bits;
  memcpy(&bits, &energy_MeV, sizeof bits);
  const int biased = static_cast<int>((bits >> 23) & 0xFFu);
  if ((bits >> 31) != 0u || biased == 0xFF) return 0;
  const unsigned long long m = (bits & 0x7FFFFFu) | (biased != 0 ? 0x800000u : 0u);
  const unsigned long long p = m * 1000000000ull;
  const int s = 150 - (biased != 0 ? biased : 1);
  if (s <= 0) return s < -9 ? ~0ull : p << (-s);
  if (s > 55) return 0;  // p < 2^54: below half a unit
  return (p + (1ull << (s - 1))) >> s;
}

// Voxel tally on the geometry grid (scoring grid = phantom grid).
struct VoxelTally {
  Span<unsigned long long> energy;  // [voxel]
  int nx = 0, ny = 0, nz = 0;

  BD_FUNCTION long long bin(const Site& s) const {
    if (s.ix < 0 || s.iy < 0 || s.iz < 0 || s.ix >= nx || s.iy >= ny || s.iz >= nz) return -1;
    return static_cast<long long>(s.ix) + static_cast<long long>(nx) * (s.iy + static_cast<long long>(ny) * s.iz);
  }
  BD_FUNCTION void add(long long b, unsigned long long units) const {
    BD_ASSERT(static_cast<std::size_t>(b) < energy.size());
    atomic_add_aggregated(energy.data(), static_cast<std::size_t>(b), units);
  }
};

// Spherical shells of width dr around the origin (point-source kernels).
struct ShellTally {
  Span<unsigned long long> energy;  // [shell]
  float inv_dr_cm = 0;

  BD_FUNCTION long long bin(const Site& s) const {
    const float r = sqrtf(s.pos_cm.x * s.pos_cm.x + s.pos_cm.y * s.pos_cm.y + s.pos_cm.z * s.pos_cm.z);
    const float x = r * inv_dr_cm;
    if (!(x < static_cast<float>(energy.size()))) return -1;
    return static_cast<long long>(x);
  }
  BD_FUNCTION void add(long long b, unsigned long long units) const {
    BD_ASSERT(static_cast<std::size_t>(b) < energy.size());
    atomic_add_aggregated(energy.data(), static_cast<std::size_t>(b), units);
  }
};

// Energy-balance and work counters, accumulated per history in registers and added once per
// history. Energies in tally units; the rest are counts.
enum BalanceIndex : int {
  kEmitted = 0,          // kinetic energy of the decay electrons (and any primary photons)
  kDepositedScored,      // deposited in the scoring bins (includes local cut-off deposits)
  kDepositedUnscored,    // deposited inside the geometry but outside the scoring region
  kEscapedElectron,      // left the geometry
  kEscapedPhoton,
  kBelowCutoff,          // part of the deposits: residual energy of stopped particles
  kStackOverflow,        // part of the deposits: secondaries deposited because the stack was full
  kRangeRejected,        // part of the deposits: electrons that could not leave their voxel
  kCountDecays,
  kCountElectronSteps,
  kCountPhotonSteps,
  kCountHardEvents,
  kCountElectronTracks,
  kCountPhotonTracks,
  kCountTallyFlushes,
  kBalanceSize
};

}  // namespace bd
