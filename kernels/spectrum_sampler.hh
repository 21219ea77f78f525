// Beta-spectrum sampling by exact inversion of a piecewise-linear pdf (host/device).
// The table (built on the host by build_spectrum_table, spectrum_table.hh) holds energies E_i,
// pdf values p_i and cdf values C_i. A draw u in (0,1) selects the interval with
// C_i <= u < C_{i+1} (the largest such i <= n − 2) and solves, within it,
//   p_i t + (p_{i+1} - p_i) t^2 / (2 h) = u - C_i,   0 <= t <= h = E_{i+1} - E_i,
// in the cancellation-free form t = 2r / (p_i + sqrt(p_i^2 + 2 s r)), s = (p_{i+1}-p_i)/h.
// The sampled distribution is therefore exactly the tabulated piecewise-linear pdf (mean
// preserved). Double precision: one draw per decay, not in the hot loop, and the cdf needs
// more than float's 24 bits near 1.
// Interval search: a guide table (Chen & Asau, J Chin Inst Eng 1 (1974); Devroye 1986,
// III.2.4) of G cells of equal probability, guide[k] = largest i <= n − 2 with C_i <= k/G
// (k = 0..G), brackets u in [guide[k], guide[k+1] + 1] for k = floor(u G); the binary search
// inside that bracket (one or two steps for G ~ n instead of log2 n ~ 11 dependent loads)
// ends on the same i as over the whole table, so guided and unguided sampling are bitwise
// equal (tests/core/nuclide_test.cpp). Without a guide (empty span) the whole table is
// searched.
#pragma once

#include <cmath>

#include "kernels/macros.hh"
#include "kernels/span.hh"

namespace bd {

struct SpectrumSamplerData {
  ConstSpan<double> energy_MeV;
  ConstSpan<double> pdf_per_MeV;
  ConstSpan<double> cdf;
  ConstSpan<unsigned> guide;  // [G + 1], see above; may be empty
};

// Energy [MeV] of the piecewise-linear pdf at cumulative probability u in [0, 1].
BD_FUNCTION inline double spectrum_inverse_cdf(const SpectrumSamplerData& d, double u) {
  const std::size_t n = d.cdf.size();
  std::size_t lo = 0, hi = n - 1;  // invariant: cdf[lo] <= u < cdf[hi] (or hi = n-1)
  if (!d.guide.empty()) {
    const std::size_t cells = d.guide.size() - 1;
    const double x = u * static_cast<double>(cells);
    std::size_t k = x > 0.0 ? static_cast<std::size_t>(x) : 0;
    if (k >= cells) k = cells - 1;
    lo = d.guide[k];
    const std::size_t top = static_cast<std::size_t>(d.guide[k + 1]) + 1;
    hi = top < n - 1 ? top : n - 1;
    // k/G and u·G are rounded: restore the invariant if a node sits within an ulp of u.
    while (lo > 0 && d.cdf[lo] > u) --lo;
    while (hi < n - 1 && d.cdf[hi] <= u) ++hi;
  }
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
