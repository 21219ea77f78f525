// CPU launch of SpectrumSampleFunctor; the CUDA twin is spectrum_sampling.cu.
#include <stdexcept>

#include "betadose/spectrum_table.hh"
#include "kernels/launch_cpu.hh"
#include "kernels/spectrum_sampling.hh"

namespace bd {

std::vector<float> sample_spectrum(const SpectrumTable& table, std::uint64_t seed,
                                   std::uint64_t histories, Device device, int threads) {
  if (device == Device::cuda) {
    require_device(device);
    return detail::sample_spectrum_cuda(table, seed, histories);
  }
  std::vector<float> out(histories);
  SpectrumSampleFunctor f{seed, table.view(), {out.data(), out.size()}};
  launch_cpu(0, histories, f, threads);
  return out;
}

#if !defined(BETADOSE_HAVE_CUDA)
namespace detail {
std::vector<float> sample_spectrum_cuda(const SpectrumTable&, std::uint64_t, std::uint64_t) {
  throw std::runtime_error("CUDA backend not configured in this build");
}
}  // namespace detail
#endif

}  // namespace bd
