// Diagnostic functor: history h draws one beta energy from its own Philox stream (seed, h),
// exactly as a decay history does, and stores it. CPU (spectrum_sampling.cpp) and CUDA
// (spectrum_sampling.cu) launches of the same functor must agree sample by sample.
#pragma once

#include <cstdint>

#include "kernels/rng.hh"
#include "kernels/span.hh"
#include "kernels/spectrum_sampler.hh"

namespace bd {

struct SpectrumSampleFunctor {
  std::uint64_t seed;
  SpectrumSamplerData data;
  Span<float> energy_MeV;  // one per history

  BD_FUNCTION void operator()(std::uint64_t history) const {
    PhiloxEngine rng(seed, history);
    const SpectrumSampler sample_energy{data};
    energy_MeV[history] = sample_energy(rng);
  }
};

}  // namespace bd
