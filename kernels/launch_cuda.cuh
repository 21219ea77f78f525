// CUDA backend launcher: one thread per history index, grid-stride loop, the same functor as
// launch_cpu. Include only from .cu files.
#pragma once

#include <cstdint>

#include <cuda_runtime.h>

namespace bd {

template <class F>
__global__ void history_kernel(std::uint64_t begin, std::uint64_t end, F f) {
  const std::uint64_t stride = static_cast<std::uint64_t>(blockDim.x) * gridDim.x;
  for (std::uint64_t i = begin + blockIdx.x * static_cast<std::uint64_t>(blockDim.x) + threadIdx.x;
       i < end; i += stride) {
    f(i);
  }
}

// Returns the launch error (if any); the caller synchronises and checks.
template <class F>
cudaError_t launch_cuda(std::uint64_t begin, std::uint64_t end, const F& f, int block_size = 128,
                        cudaStream_t stream = nullptr) {
  if (end <= begin) return cudaSuccess;
  int device = 0, sms = 0;
  cudaGetDevice(&device);
  cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device);
  const std::uint64_t n = end - begin;
  std::uint64_t blocks = (n + block_size - 1) / block_size;
  const std::uint64_t max_blocks = static_cast<std::uint64_t>(sms) * 32;
  if (blocks > max_blocks) blocks = max_blocks;
  history_kernel<<<static_cast<unsigned>(blocks), block_size, 0, stream>>>(begin, end, f);
  return cudaGetLastError();
}

}  // namespace bd
