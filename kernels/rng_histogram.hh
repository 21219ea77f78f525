// Diagnostic history functor: each history draws `draws` uniforms from its own Philox stream
// and counts them into `bins` equal bins. Used to prove that CPU (any thread count) and GPU
// launches see the same streams.
#pragma once

#include <cstdint>

#include "kernels/atomics.hh"
#include "kernels/rng.hh"
#include "kernels/span.hh"

namespace bd {

struct RngHistogramFunctor {
  std::uint64_t seed;
  int draws;
  Span<unsigned long long> counts;

  BD_FUNCTION void operator()(std::uint64_t history) const {
    PhiloxEngine rng(seed, history);
    const auto nbins = static_cast<unsigned>(counts.size());
    for (int d = 0; d < draws; ++d) {
      auto bin = static_cast<unsigned>(rng.uniform() * nbins);
      if (bin >= nbins) bin = nbins - 1;
      atomic_add(&counts[bin], 1ull);
    }
  }
};

}  // namespace bd
