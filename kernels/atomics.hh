// Portable atomic addition for tallies. Integer (fixed-point) addition is associative, so
// tallies are bitwise identical whatever the order threads add in (GPU.md item 4).
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/macros.hh"

// In both nvcc passes (host and device), so that the host stub sees what the device code
// instantiates.
#if defined(__CUDACC__)
#include <cooperative_groups.h>
#include <cooperative_groups/reduce.h>
#endif

namespace bd {

BD_FUNCTION BD_FORCEINLINE void atomic_add(unsigned long long* target, unsigned long long value) {
#if BD_DEVICE_COMPILE
  atomicAdd(target, value);
#else
  __atomic_fetch_add(target, value, __ATOMIC_RELAXED);
#endif
}

// *target += value; returns the value before the addition (slot claims).
BD_FUNCTION BD_FORCEINLINE unsigned long long atomic_fetch_add(unsigned long long* target, unsigned long long value) {
#if BD_DEVICE_COMPILE
  return atomicAdd(target, value);
#else
  return __atomic_fetch_add(target, value, __ATOMIC_RELAXED);
#endif
}

// base[index] += value, for tally bins. On the GPU the lanes of a warp that arrive here
// together are grouped by bin (labeled_partition, i.e. __match_any_sync); each group sums its
// values with shuffles and one lane adds the sum: one atomic per distinct bin per warp instead
// of one per lane (a hot spot's voxels, a point source's inner shells). The total is the same
// integer sum, so the result does not change.
BD_FUNCTION BD_FORCEINLINE void atomic_add_aggregated(unsigned long long* base, std::size_t index,
                                                      unsigned long long value) {
#if BD_DEVICE_COMPILE
  namespace cg = cooperative_groups;
  const cg::coalesced_group active = cg::coalesced_threads();
  const cg::coalesced_group peers = cg::labeled_partition(active, static_cast<unsigned long long>(index));
  const unsigned long long sum = cg::reduce(peers, value, cg::plus<unsigned long long>());
  if (peers.thread_rank() == 0) atomicAdd(base + index, sum);
#else
  __atomic_fetch_add(base + index, value, __ATOMIC_RELAXED);
#endif
}

}  // namespace bd
