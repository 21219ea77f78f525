// CPU launch of the diagnostic functors; the CUDA twin is diagnostics.cu.
#include <stdexcept>

#include "betadose/diagnostics.hh"
#include "kernels/launch_cpu.hh"
#include "kernels/rng_histogram.hh"

namespace bd {

std::vector<unsigned long long> rng_histogram(std::uint64_t seed, std::uint64_t histories, int draws,
                                              int bins, Device device, int threads) {
  if (device == Device::cuda) {
    require_device(device);
    return detail::rng_histogram_cuda(seed, histories, draws, bins);
  }
  std::vector<unsigned long long> counts(static_cast<std::size_t>(bins), 0ull);
  RngHistogramFunctor f{seed, draws, {counts.data(), counts.size()}};
  launch_cpu(0, histories, f, threads);
  return counts;
}

#if !defined(BETADOSE_HAVE_CUDA)
namespace detail {
std::vector<unsigned long long> rng_histogram_cuda(std::uint64_t, std::uint64_t, int, int) {
  throw std::runtime_error("CUDA backend not configured in this build");
}
}  // namespace detail
#endif

}  // namespace bd
