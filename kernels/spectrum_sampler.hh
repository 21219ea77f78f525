// Beta-spectrum sampling by exact inversion of a piecewise-linear pdf (host/device).
// The table (built on the host by build_spectrum_table, spectrum_table.hh) holds energies E_i,
// pdf values p_i and cdf values C_i. A draw u in (0,1) selects the interval with
// C_i <= u < C_{i+1} (binary search) and solves, within it,
//   p_i t + (p_{i+1} - p_i) t^2 / (2 h) = u - C_i,   0 <= t <= h = E_{i+1} - E_i,
// in the cancellation-free form t = 2r / (p_i + sqrt(p_i^2 + 2 s r)), s = (p_{i+1}-p_i)/h.
// The sampled distribution is therefore exactly the tabulated piecewise-linear pdf (mean
// preserved). Double precision: one draw per decay, not in the hot loop, and the cdf needs
// more than float's 24 bits near 1.
#pragma once

#include <cmath>

#include "kernels/macros.hh"
#include "kernels/span.hh"

namespace bd {

struct SpectrumSamplerData {
  ConstSpan<double> energy_MeV;
  ConstSpan<double> pdf_per_MeV;
  ConstSpan<double> cdf;
};

// Energy [MeV] of the piecewise-linear pdf at cumulative probability u in [0, 1].
BD_FUNCTION inline double spectrum_inverse_cdf(const SpectrumSamplerData& d, double u) {
  const std::size_t n = d.cdf.size();
  std::size_t lo = 0, hi = n - 1;  // invariant: cdf[lo] <= u < cdf[hi] (or hi = n-1)
  while (hi - lo > 1) {
    const std::size_t mid = (lo + hi) / 2;
    if (d.cdf[mid] <= u) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  const double e0 = d.energy_MeV[lo];
  const double h = d.energy_MeV[lo + 1] - e0;
  const double a = d.pdf_per_MeV[lo];
  const double s = (d.pdf_per_MeV[lo + 1] - a) / h;
  const double r = u - d.cdf[lo];
  const double disc = a * a + 2.0 * s * r;
  const double den = a + sqrt(disc > 0.0 ? disc : 0.0);
  double t = den > 0.0 ? 2.0 * r / den : 0.0;
  t = t < 0.0 ? 0.0 : (t > h ? h : t);
  return e0 + t;
}

// Sampler functor: `SpectrumSampler sample_energy{data}; float e = sample_energy(rng);`
struct SpectrumSampler {
  SpectrumSamplerData data;

  template <class Engine>
  BD_FUNCTION float operator()(Engine& rng) const {
    return static_cast<float>(spectrum_inverse_cdf(data, rng.uniform_double()));
  }
};

}  // namespace bd
