// CUDA launch of the diagnostic functors (same functors as diagnostics.cpp).
#include <stdexcept>
#include <string>

#include "betadose/device_array.hh"
#include "betadose/diagnostics.hh"
#include "kernels/launch_cuda.cuh"
#include "kernels/rng_histogram.hh"

namespace bd::detail {

std::vector<unsigned long long> rng_histogram_cuda(std::uint64_t seed, std::uint64_t histories,
                                                   int draws, int bins) {
  DeviceBuffer<unsigned long long> counts(static_cast<std::size_t>(bins));
  counts.zero();
  RngHistogramFunctor f{seed, draws, counts.view()};
  cudaError_t err = launch_cuda(0, histories, f);
  if (err == cudaSuccess) err = cudaDeviceSynchronize();
  if (err != cudaSuccess) throw std::runtime_error(std::string("rng_histogram: ") + cudaGetErrorString(err));
  return counts.download();
}

}  // namespace bd::detail
