// CUDA backend launchers: one thread per history index, grid-stride loop, the same functors
// as launch_cpu. Include only from .cu files.
//  - launch_cuda: any functor f(i) (diagnostics, spectrum sampling).
//  - launch_cuda_reduced: decay histories. Each thread sums the counters of all its histories
//    in registers (F::run(i, counters)); at the end the block reduces them (warp shuffles,
//    one shared-memory slot per warp) and adds each counter with one atomic per block,
//    instead of kBalanceSize atomics per history on one cache line.
#pragma once

#include <cstdint>

#include <cuda_runtime.h>

#include "kernels/tallies.hh"

namespace bd {

template <class F>
__global__ void history_kernel(std::uint64_t begin, std::uint64_t end, F f) {
  const std::uint64_t stride = static_cast<std::uint64_t>(blockDim.x) * gridDim.x;
  for (std::uint64_t i = begin + blockIdx.x * static_cast<std::uint64_t>(blockDim.x) + threadIdx.x;
       i < end; i += stride) {
    f(i);
  }
}

// Register budget of the decay-history kernel: 128 threads per block and at least 4 blocks
// (16 warps) per SM, i.e. <= 65536 / 512 = 128 registers per thread. Unbounded, ptxas uses
// 133-143 registers for the three history kernels (sm_90, CUDA 13.0, this commit), which
// leaves 3 blocks per SM; at 128 it spills 8-20 bytes (the voxel-source kernel: 8 B stores,
// 16 B loads per thread, L1-resident), a fair price for a third more resident warps on a
// latency-bound, divergent loop. A tighter bound (6 blocks, 80 registers) would spill in the
// electron step itself. The stack frame is the per-thread secondary stack in local memory
// (cached in L1): ~1.2 KB with every secondary on it (kStackDepth × 48 B), ~0.4 KB in the
// default queued mode (kQueuedStackDepth, kernels/secondary_queue.hh). tools/ptxas_report.sh
// prints the figures in CI; the achieved occupancy needs a lent GPU (tools/device-check.sh).
inline constexpr int kHistoryBlockSize = 128;
inline constexpr int kHistoryMinBlocksPerSm = 4;

template <class F>
__global__ void __launch_bounds__(kHistoryBlockSize, kHistoryMinBlocksPerSm)
    reduced_history_kernel(std::uint64_t begin, std::uint64_t end, F f) {
  // Each thread owns one column of the block's counters in shared memory (15 × 128 × 8 B =
  // 15 KB per block): a history's counters live in registers only while it runs (as on the
  // CPU), then go to the column without atomics; the block sums the columns at the end.
  // (Summing in registers across histories instead kept 15 more 64-bit values live through
  // the electron loop: 152-159 registers, ptxas.)
  __shared__ unsigned long long column[kBalanceSize][kHistoryBlockSize];
  for (int k = 0; k < kBalanceSize; ++k) column[k][threadIdx.x] = 0;
  const std::uint64_t stride = static_cast<std::uint64_t>(blockDim.x) * gridDim.x;
  for (std::uint64_t i = begin + blockIdx.x * static_cast<std::uint64_t>(blockDim.x) + threadIdx.x;
       i < end; i += stride) {
    typename F::Counters c;
    f.run(i, c);
    for (int k = 0; k < kBalanceSize; ++k) column[k][threadIdx.x] += counter_value(c, k);
  }
  // Every thread of the block arrives here (no early exit above): warp w sums counters
  // w, w + kWarps, ... over the block's threads with shuffles; one atomic per counter.
  __syncthreads();
  constexpr int kWarps = kHistoryBlockSize / 32;
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  for (int k = warp; k < kBalanceSize; k += kWarps) {
    unsigned long long v = 0;
    for (int t = lane; t < kHistoryBlockSize; t += 32) v += column[k][t];
    for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_down_sync(0xffffffffu, v, offset);
    if (lane == 0 && v) atomicAdd(&f.balance[k], v);
  }
}

// Grid: at most 32 blocks per SM; the grid-stride loop gives each thread many histories
// (fewer blocks, fewer counter atomics; the per-thread cost spread evens out over them).
inline unsigned history_blocks(std::uint64_t n, int block_size) {
  int device = 0, sms = 0;
  cudaGetDevice(&device);
  cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device);
  std::uint64_t blocks = (n + block_size - 1) / block_size;
  const std::uint64_t max_blocks = static_cast<std::uint64_t>(sms) * 32;
  if (blocks > max_blocks) blocks = max_blocks;
  return static_cast<unsigned>(blocks);
}

// Returns the launch error (if any); the caller synchronises and checks.
template <class F>
cudaError_t launch_cuda(std::uint64_t begin, std::uint64_t end, const F& f, int block_size = 128,
                        cudaStream_t stream = nullptr) {
  if (end <= begin) return cudaSuccess;
  history_kernel<<<history_blocks(end - begin, block_size), block_size, 0, stream>>>(begin, end, f);
  return cudaGetLastError();
}

template <class F>
cudaError_t launch_cuda_reduced(std::uint64_t begin, std::uint64_t end, const F& f, cudaStream_t stream = nullptr) {
  if (end <= begin) return cudaSuccess;
  reduced_history_kernel<<<history_blocks(end - begin, kHistoryBlockSize), kHistoryBlockSize, 0, stream>>>(
      begin, end, f);
  return cudaGetLastError();
}

}  // namespace bd
