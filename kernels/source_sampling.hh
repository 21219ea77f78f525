// Decay position samplers (views): a Walker alias table over voxels (decays uniform inside the
// voxel) or over an explicit list of points (microspheres, point-source kernels).
// Walker, ACM TOMS 3 (1977) 253; Vose, IEEE TSE 17 (1991) 972 (construction on the host in
// src/transport/alias_table.cpp). One double uniform picks the column (resolution for
// millions of voxels), one float decides between the column and its alias.
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

  BD_FUNCTION std::uint32_t sample(PhiloxEngine& rng) const {
    const auto n = static_cast<std::uint32_t>(probability.size());
    auto i = static_cast<std::uint32_t>(rng.uniform_double() * n);
    if (i >= n) i = n - 1;
    return rng.uniform() < probability[i] ? i : alias[i];
  }
};

// Decays uniformly distributed inside the voxels of a grid, weighted by the alias table over
// the entries of `voxel_index` (the voxels with activity), in VoxelGeometry coordinates.
struct VoxelSourceSampler {
  AliasTableView table;
  ConstSpan<std::uint32_t> voxel_index;   // linear index (x fastest) of each active voxel
  int nx = 0, ny = 0;
  float dx_cm = 0, dy_cm = 0, dz_cm = 0;

  BD_FUNCTION Vec3f sample(PhiloxEngine& rng) const {
    const std::uint32_t v = voxel_index[table.sample(rng)];
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

  BD_FUNCTION Vec3f sample(PhiloxEngine& rng) const {
    if (position_cm.size() == 1) return position_cm[0];
    return position_cm[table.sample(rng)];
  }
};

}  // namespace bd
