// Small launch diagnostics used by the foundation tests and `betadose info`.
#pragma once

#include <cstdint>
#include <vector>

#include "betadose/device.hh"

namespace bd {

// Histogram of `draws` uniforms per history over `histories` histories.
std::vector<unsigned long long> rng_histogram(std::uint64_t seed, std::uint64_t histories, int draws,
                                              int bins, Device device, int threads = 0);

namespace detail {
// Implemented in kernels/diagnostics.cu (throws when CUDA is not compiled).
std::vector<unsigned long long> rng_histogram_cuda(std::uint64_t seed, std::uint64_t histories,
                                                   int draws, int bins);
}  // namespace detail

}  // namespace bd
