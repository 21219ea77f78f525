// Decay position samplers (views): a Walker alias table over voxels (decays uniform inside the
// voxel) or over an explicit list of points (microspheres, point-source kernels).
// Walker, ACM TOMS 3 (1977) 253; Vose, IEEE TSE 17 (1991) 972 (construction on the host in
// src/transport/alias_table.cpp). Independent sampling: one double uniform picks the column
// (resolution for millions of voxels), one float decides between the column and its alias.
// Stratified sampling (the `mc` default): one value of a randomised golden-ratio sequence
// per decay does both (AliasTableView::stratified_uniform).
#pragma once

#include <cstdint>

#include "kernels/geometry.hh"
#include "kernels/particle.hh"
#include "kernels/rng.hh"
#include "kernels/span.hh"

namespace bd {

struct AliasTableView {
  ConstSpan<float> probability;        // acceptance probability of column i
  ConstSpan<std::uint32_t> alias;      // alias of column i
  // Stratified (randomised quasi-Monte Carlo) choice, when stratify_per_batch > 0: see
  // stratified_uniform(). 0 = one independent uniform per decay.
  std::uint64_t stratify_per_batch = 0;
  std::uint64_t stratify_key = 0;

  BD_FUNCTION std::uint32_t sample(PhiloxEngine& rng, std::uint64_t history) const {
    const auto n = static_cast<std::uint32_t>(probability.size());
    if (stratify_per_batch == 0) {
      auto i = static_cast<std::uint32_t>(rng.uniform_double() * n);
      if (i >= n) i = n - 1;
      return rng.uniform() < probability[i] ? i : alias[i];
    }
    // One uniform u picks the column (floor(u n)) and decides between it and its alias (the
    // fraction u n − floor(u n)): a map of u onto the entries that is piecewise constant on
    // 2n intervals of total length p_v for entry v.
    const double x = stratified_uniform(history) * n;
    auto i = static_cast<std::uint32_t>(x);
    if (i >= n) i = n - 1;
    return static_cast<float>(x - i) < probability[i] ? i : alias[i];
  }

  // u_k = frac(U_b + k φ), φ = (√5 − 1)/2, for decay k of batch b (history = b·per_batch + k),
  // U_b uniform from Philox keyed by (stratify_key, b). Each u_k is uniform, so every decay
  // still samples the activity distribution exactly; within a batch the golden-ratio
  // (Kronecker) sequence has discrepancy O(log n / n) on every interval (Weyl; Niederreiter,
  // "Random Number Generation and Quasi-Monte Carlo Methods", SIAM 1992, ch. 2 and 3), so each
  // source voxel gets its expected number of decays to within a few, instead of the
  // multinomial spread sqrt(n p). The batches are independent randomisations (random shifts
  // U_b), so the batch-to-batch variance stays an unbiased estimate of the variance of the
  // mean (randomised QMC; L'Ecuyer & Lemieux, in "Modeling Uncertainty", 2002, §4).
  // Computed in 64-bit fixed point (exact modulo 2^64, any k).
  BD_FUNCTION double stratified_uniform(std::uint64_t history) const {
    const std::uint64_t b = history / stratify_per_batch, k = history - b * stratify_per_batch;
    PhiloxEngine shift_rng(stratify_key, b, 0u);
    const std::uint64_t shift = (static_cast<std::uint64_t>(shift_rng()) << 32) | shift_rng();
    const std::uint64_t x = shift + k * 0x9E3779B97F4A7C15ull;  // 2^64 φ
    return (static_cast<double>(x >> 11) + 0.5) * (1.0 / 9007199254740992.0);
  }
};

// Decays uniformly distributed inside the voxels of a grid, weighted by the alias table over
// the entries of `voxel_index` (the voxels with activity), in VoxelGeometry coordinates.
struct VoxelSourceSampler {
  AliasTableView table;
  ConstSpan<std::uint32_t> voxel_index;   // linear index (x fastest) of each active voxel
  int nx = 0, ny = 0;
  float dx_cm = 0, dy_cm = 0, dz_cm = 0;

  BD_FUNCTION Vec3f sample(PhiloxEngine& rng, std::uint64_t history) const {
    const std::uint32_t v = voxel_index[table.sample(rng, history)];
    const std::uint32_t ix = v % static_cast<std::uint32_t>(nx);
    const std::uint32_t rest = v / static_cast<std::uint32_t>(nx);
    const std::uint32_t iy = rest % static_cast<std::uint32_t>(ny);
    const std::uint32_t iz = rest / static_cast<std::uint32_t>(ny);
    return Vec3f{(static_cast<float>(ix) + rng.uniform()) * dx_cm,
                 (static_cast<float>(iy) + rng.uniform()) * dy_cm,
                 (static_cast<float>(iz) + rng.uniform()) * dz_cm};
  }
};

// Decays at explicit points (geometry coordinates), weighted by the alias table.
struct PointSourceSampler {
  AliasTableView table;
  ConstSpan<Vec3f> position_cm;

  BD_FUNCTION Vec3f sample(PhiloxEngine& rng, std::uint64_t history) const {
    if (position_cm.size() == 1) return position_cm[0];
    return position_cm[table.sample(rng, history)];
  }
};

}  // namespace bd
