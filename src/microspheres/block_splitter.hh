// Counts per voxel by recursive binomial splitting of voxel blocks (private to
// src/microspheres): a block's n spheres go to its two halves as Binomial(n, p_left) with
// p_left = W(left)/W(block) for the expected-count weights W — a multinomial distribution over
// the voxels drawn with O(occupied nodes) binomial draws instead of one draw per sphere. The
// arterial-tree model tilts p_left above the lobule depth (microsphere_deposition.hh).
#pragma once

#include <array>
#include <cstdint>
#include <utility>
#include <vector>

#include "betadose/microsphere_deposition.hh"

namespace bd::detail {

struct VoxelBox {
  std::array<std::uint32_t, 3> lo{{0, 0, 0}};
  std::array<std::uint32_t, 3> hi{{0, 0, 0}};  // exclusive
  std::uint64_t voxels() const {
    return std::uint64_t{hi[0] - lo[0]} * (hi[1] - lo[1]) * (hi[2] - lo[2]);
  }
  bool single() const { return voxels() == 1; }
};

// The split rule shared by the splitting and the lobule labels: the longest extent (x before y
// before z on ties) is cut at lo + extent/2.
std::pair<VoxelBox, VoxelBox> halve(const VoxelBox& box);

// W(box): expected spheres in a box of fine voxels, from the macro voxels' expected counts
// (uniform inside each macro voxel), by 3-D prefix sums over the macro grid.
class BlockWeights {
 public:
  explicit BlockWeights(const DepositionRegion& region);
  double weight(const VoxelBox& box) const;
  // Fine-voxel box of macro voxel m (x fastest index).
  VoxelBox macro_box(std::size_t m) const;
  std::size_t macro_count() const { return expected_.size(); }
  double expected(std::size_t m) const { return expected_[m]; }

 private:
  double prefix_box(std::size_t x0, std::size_t x1, std::size_t y0, std::size_t y1, std::size_t z0,
                    std::size_t z1) const;
  std::array<std::size_t, 3> block_{}, offset_{}, msize_{};
  std::vector<double> expected_;
  std::vector<double> prefix_;  // (Mx+1)(My+1)(Mz+1)
};

struct SplitRoot {
  VoxelBox box;
  std::uint64_t count = 0;
  std::uint64_t index = 0;  // distinguishes the roots' random streams
};

// Above `tilt_depth` (depth 0 = root) one daughter gets p' = p + s·(2q − 1)·min(p, 1 − p), s = ±1
// drawn per node: equal halves give q or 1 − q, and E[p'] = p keeps the expected counts.
struct SplitRule {
  int tilt_depth = 0;
  double q = 0.5;
};

struct VoxelCount {
  std::uint32_t voxel = 0;  // linear index in `grid`
  std::uint32_t count = 0;
};

// Sorted by voxel. Deterministic for a given key, whatever the thread count.
std::vector<VoxelCount> split_counts(const std::vector<SplitRoot>& roots, const BlockWeights& weights,
                                     const SplitRule& rule, std::uint64_t key, const Grid& grid);

// Labels the voxels of the 2^depth leaves of `root` (heap order, ids from 1; a block that is a
// single voxel before `depth` keeps one label). Returns the number of labels used.
std::uint32_t label_leaves(const VoxelBox& root, int depth, const Grid& grid,
                           std::vector<std::uint32_t>& label);

}  // namespace bd::detail
