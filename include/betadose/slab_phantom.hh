// Water / lung (0.26 g/cm3) / cortical bone (1.85 g/cm3) slabs along x on a cube of voxels,
// activity (1 MBq per voxel) in a box: the heterogeneous case of the transport engine tests
// (tests/core/transport_engine_test.cpp) and of the CPU/GPU benchmark (tools/bench, case c).
// x voxels [0, n/2) are water, [n/2, 3n/4) lung, [3n/4, n) bone.
#pragma once

#include <cstddef>

#include "betadose/phantom.hh"
#include "betadose/source.hh"

namespace bd {

struct SlabPhantomSpec {
  std::size_t voxels = 16;  // per side
  double voxel_mm = 2.0;
  // The active box in voxel indices, half-open: x in [x_begin, x_end), y and z in [yz_begin, yz_end).
  std::size_t x_begin = 6, x_end = 10, yz_begin = 6, yz_end = 10;
};

struct SlabPhantomCase {
  Phantom phantom;
  VoxelSource source;
};

SlabPhantomCase water_lung_bone_slabs(const SlabPhantomSpec& spec);

}  // namespace bd
