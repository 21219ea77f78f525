// CUDA launch of SpectrumSampleFunctor (same functor as spectrum_sampling.cpp).
#include <stdexcept>
#include <string>

#include "betadose/device_array.hh"
#include "betadose/spectrum_table.hh"
#include "kernels/launch_cuda.cuh"
#include "kernels/spectrum_sampling.hh"

namespace bd::detail {

std::vector<float> sample_spectrum_cuda(const SpectrumTable& table, std::uint64_t seed,
                                        std::uint64_t histories) {
  DeviceBuffer<double> energy, pdf, cdf;
  DeviceBuffer<unsigned> guide;
  energy.upload(table.energy_MeV);
  pdf.upload(table.pdf_per_MeV);
  cdf.upload(table.cdf);
  guide.upload(table.guide);
  DeviceBuffer<float> out(static_cast<std::size_t>(histories));
  const SpectrumSamplerData data{{energy.view().data(), energy.size()},
                                 {pdf.view().data(), pdf.size()},
                                 {cdf.view().data(), cdf.size()},
                                 {guide.view().data(), guide.size()}};
  SpectrumSampleFunctor f{seed, data, out.view()};
  cudaError_t err = launch_cuda(0, histories, f);
  if (err == cudaSuccess) err = cudaDeviceSynchronize();
  if (err != cudaSuccess) {
    throw std::runtime_error(std::string("sample_spectrum: ") + cudaGetErrorString(err));
  }
  return out.download();
}

}  // namespace bd::detail
