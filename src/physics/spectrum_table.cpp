// Inverse-CDF beta-spectrum tables: monotone cubic refinement of the tabulated N(E), then an
// exactly sampled piecewise-linear pdf (see include/betadose/spectrum_table.hh).
#include "betadose/spectrum_table.hh"

#include <algorithm>
#include <cmath>

#include "betadose/errors.hh"
#include "betadose/nuclide.hh"

namespace bd {
namespace {

int sign(double v) { return (v > 0) - (v < 0); }

// PCHIP end-point derivative: non-centred three-point formula, shape-preserving
// (Moler, Numerical Computing with MATLAB, pchipend).
double pchip_end(double h0, double h1, double del0, double del1) {
  double d = ((2 * h0 + h1) * del0 - h0 * del1) / (h0 + h1);
  if (sign(d) != sign(del0)) {
    d = 0;
  } else if (sign(del0) != sign(del1) && std::abs(d) > std::abs(3 * del0)) {
    d = 3 * del0;
  }
  return d;
}

}  // namespace

std::vector<double> pchip_interpolate(const std::vector<double>& x, const std::vector<double>& y,
                                      const std::vector<double>& xi) {
  const std::size_t n = x.size();
  BD_VALIDATE(n >= 2 && y.size() == n, "pchip_interpolate: need >= 2 points and equal sizes");
  std::vector<double> h(n - 1), del(n - 1), d(n, 0.0);
  for (std::size_t k = 0; k + 1 < n; ++k) {
    h[k] = x[k + 1] - x[k];
    BD_VALIDATE(h[k] > 0, "pchip_interpolate: abscissae must be strictly increasing");
    del[k] = (y[k + 1] - y[k]) / h[k];
  }
  if (n == 2) {
    d[0] = d[1] = del[0];
  } else {
    // Interior: weighted harmonic mean of the adjacent slopes (Fritsch & Butland 1984), zero
    // at local extrema -> the interpolant is monotone wherever the data are.
    for (std::size_t k = 1; k + 1 < n; ++k) {
      if (sign(del[k - 1]) * sign(del[k]) > 0) {
        const double w1 = 2 * h[k] + h[k - 1], w2 = h[k] + 2 * h[k - 1];
        d[k] = (w1 + w2) / (w1 / del[k - 1] + w2 / del[k]);
      }
    }
    d[0] = pchip_end(h[0], h[1], del[0], del[1]);
    d[n - 1] = pchip_end(h[n - 2], h[n - 3], del[n - 2], del[n - 3]);
  }
  std::vector<double> out(xi.size());
  for (std::size_t i = 0; i < xi.size(); ++i) {
    const double v = xi[i];
    std::size_t k = std::upper_bound(x.begin(), x.end(), v) - x.begin();
    k = std::min<std::size_t>(std::max<std::size_t>(k, 1), n - 1) - 1;
    const double t = (v - x[k]) / h[k];
    const double t2 = t * t, t3 = t2 * t;
    out[i] = (2 * t3 - 3 * t2 + 1) * y[k] + (t3 - 2 * t2 + t) * h[k] * d[k] +
             (-2 * t3 + 3 * t2) * y[k + 1] + (t3 - t2) * h[k] * d[k + 1];
  }
  return out;
}

SpectrumTable build_spectrum_table(const std::vector<double>& energy_MeV,
                                   const std::vector<double>& n_per_MeV, int subdivisions) {
  BD_VALIDATE(subdivisions >= 1, "spectrum table: subdivisions must be >= 1");
  BD_VALIDATE(energy_MeV.size() >= 2 && energy_MeV.size() == n_per_MeV.size(),
              "spectrum table: need >= 2 (E, N) points");
  SpectrumTable t;
  for (std::size_t k = 0; k + 1 < energy_MeV.size(); ++k) {
    const double e0 = energy_MeV[k], e1 = energy_MeV[k + 1];
    for (int j = 0; j < subdivisions; ++j) t.energy_MeV.push_back(e0 + (e1 - e0) * j / subdivisions);
  }
  t.energy_MeV.push_back(energy_MeV.back());
  t.pdf_per_MeV = pchip_interpolate(energy_MeV, n_per_MeV, t.energy_MeV);
  for (auto& p : t.pdf_per_MeV) p = std::max(p, 0.0);

  // Exact moments of the piecewise-linear pdf through the fine points.
  const std::size_t n = t.energy_MeV.size();
  t.cdf.assign(n, 0.0);
  double m0 = 0, m1 = 0, m2 = 0;
  for (std::size_t i = 0; i + 1 < n; ++i) {
    const double x0 = t.energy_MeV[i], h = t.energy_MeV[i + 1] - x0;
    const double a = t.pdf_per_MeV[i], b = t.pdf_per_MeV[i + 1];
    const double area = h * (a + b) / 2;
    const double it1 = h * h * (a + 2 * b) / 6;       // integral of t p(t)
    const double it2 = h * h * h * (a + 3 * b) / 12;  // integral of t^2 p(t)
    m0 += area;
    m1 += x0 * area + it1;
    m2 += x0 * x0 * area + 2 * x0 * it1 + it2;
    t.cdf[i + 1] = m0;
  }
  BD_VALIDATE(m0 > 0, "spectrum table: the spectrum integrates to zero");
  t.norm_per_decay = m0;
  for (auto& p : t.pdf_per_MeV) p /= m0;
  for (auto& c : t.cdf) c /= m0;
  t.cdf.back() = 1.0;
  t.guide = build_spectrum_guide(t.cdf);
  t.mean_MeV = m1 / m0;
  t.second_moment_MeV2 = m2 / m0;
  return t;
}

SpectrumTable build_spectrum_table(const Nuclide& nuclide, int subdivisions) {
  return build_spectrum_table(nuclide.spectrum_energy_MeV, nuclide.spectrum_n_per_MeV,
                              subdivisions);
}

SpectrumSamplerData SpectrumTable::view() const {
  return {{energy_MeV.data(), energy_MeV.size()},
          {pdf_per_MeV.data(), pdf_per_MeV.size()},
          {cdf.data(), cdf.size()},
          {guide.data(), guide.size()}};
}

std::vector<unsigned> build_spectrum_guide(const std::vector<double>& cdf) {
  BD_VALIDATE(cdf.size() >= 2, "spectrum table: " << cdf.size() << " cdf points (expected >= 2)");
  const std::size_t n = cdf.size(), cells = n - 1;
  std::vector<unsigned> guide(cells + 1);
  std::size_t i = 0;
  for (std::size_t k = 0; k <= cells; ++k) {
    const double p = static_cast<double>(k) / static_cast<double>(cells);
    while (i + 1 <= n - 2 && cdf[i + 1] <= p) ++i;
    guide[k] = static_cast<unsigned>(i);
  }
  return guide;
}

double SpectrumTable::cdf_at(double e) const {
  if (e <= energy_MeV.front()) return 0.0;
  if (e >= energy_MeV.back()) return 1.0;
  const std::size_t i =
      std::upper_bound(energy_MeV.begin(), energy_MeV.end(), e) - energy_MeV.begin() - 1;
  const double h = energy_MeV[i + 1] - energy_MeV[i], x = e - energy_MeV[i];
  const double a = pdf_per_MeV[i], s = (pdf_per_MeV[i + 1] - a) / h;
  return cdf[i] + a * x + 0.5 * s * x * x;
}

}  // namespace bd
