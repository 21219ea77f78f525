#include "betadose/microsphere_metrics.hh"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "betadose/errors.hh"

namespace bd {

namespace {
double lookup(const std::vector<std::pair<double, double>>& v, double x, const char* what) {
  for (const auto& p : v)
    if (std::abs(p.first - x) < 1e-9) return p.second;
  throw std::out_of_range(std::string("micro metrics: ") + what + " not computed");
}
}  // namespace

double MicroDoseMetrics::d(double x) const { return lookup(d_percent_gy, x, "D_x"); }
double MicroDoseMetrics::below(double x) const { return lookup(fraction_below, x, "fraction below"); }

std::vector<double> equal_weight_dose_covering(std::vector<double> a, const std::vector<double>& x_percent) {
  const std::size_t M = a.size();
  std::vector<double> out(x_percent.size(), std::numeric_limits<double>::quiet_NaN());
  if (M == 0) return out;
  // Voxel k of the decreasing order sits at cumulative fraction (k + 0.5)/M; D_x interpolates
  // between the two neighbours of f = x/100. In ascending order those are a[M-1-k], a[M-2-k].
  struct Need {
    std::size_t lo_rank, hi_rank;  // ascending ranks to interpolate between
    double t;                      // weight of the lower-dose neighbour's complement
  };
  std::vector<Need> need(x_percent.size());
  std::vector<std::size_t> ranks;
  for (std::size_t q = 0; q < x_percent.size(); ++q) {
    const double x = x_percent[q];
    BD_VALIDATE(x >= 0 && x <= 100, "D_x: x = " << x << " % (expected 0 <= x <= 100)");
    const double f = x / 100.0;
    const double pos = f * static_cast<double>(M) - 0.5;  // fractional index in decreasing order
    std::size_t k0, k1;
    double t;
    if (pos <= 0) {
      k0 = k1 = 0;
      t = 0;
    } else if (pos >= static_cast<double>(M - 1)) {
      k0 = k1 = M - 1;
      t = 0;
    } else {
      k0 = static_cast<std::size_t>(std::floor(pos));
      k1 = k0 + 1;
      t = pos - static_cast<double>(k0);
    }
    // decreasing index k -> ascending rank M-1-k
    need[q] = {M - 1 - k0, M - 1 - k1, t};
    ranks.push_back(M - 1 - k0);
    ranks.push_back(M - 1 - k1);
  }
  std::sort(ranks.begin(), ranks.end());
  ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());
  // Successive selections on the shrinking right part.
  std::size_t start = 0;
  for (std::size_t r : ranks) {
    std::nth_element(a.begin() + static_cast<std::ptrdiff_t>(start), a.begin() + static_cast<std::ptrdiff_t>(r),
                     a.end());
    start = r + 1;  // keep the element just placed
  }
  for (std::size_t q = 0; q < need.size(); ++q) {
    const double d0 = a[need[q].lo_rank], d1 = a[need[q].hi_rank];
    out[q] = d0 + need[q].t * (d1 - d0);
  }
  return out;
}

MicroDoseMetrics micro_dose_metrics(const std::vector<double>& dose, const std::vector<std::uint8_t>& mask,
                                    const std::vector<std::uint32_t>& lobule, std::uint32_t lobule_count,
                                    const MicroMetricsOptions& o) {
  BD_VALIDATE(mask.empty() || mask.size() == dose.size(),
              "micro metrics: mask of " << mask.size() << " voxels for " << dose.size());
  BD_VALIDATE(lobule.empty() || lobule.size() == dose.size(),
              "micro metrics: lobule labels of " << lobule.size() << " voxels for " << dose.size());
  std::vector<double> sel;
  if (mask.empty()) {
    sel = dose;
  } else {
    sel.reserve(dose.size());
    for (std::size_t v = 0; v < dose.size(); ++v)
      if (mask[v]) sel.push_back(dose[v]);
  }
  BD_VALIDATE(!sel.empty(), "micro metrics: no voxel in the region");
  MicroDoseMetrics m;
  m.voxels = sel.size();
  double s = 0, s2 = 0;
  m.min_gy = sel[0];
  m.max_gy = sel[0];
  std::vector<std::size_t> below(o.below_gy.size(), 0);
  for (double d : sel) {
    m.min_gy = std::min(m.min_gy, d);
    m.max_gy = std::max(m.max_gy, d);
    s += d;
    s2 += d * d;
    for (std::size_t i = 0; i < o.below_gy.size(); ++i) below[i] += d < o.below_gy[i];
  }
  const double n = static_cast<double>(sel.size());
  m.mean_gy = s / n;
  const double var = std::max(0.0, s2 / n - m.mean_gy * m.mean_gy);
  m.cv = m.mean_gy > 0 ? std::sqrt(var) / m.mean_gy : 0.0;
  for (std::size_t i = 0; i < o.below_gy.size(); ++i) m.fraction_below.emplace_back(o.below_gy[i], below[i] / n);
  const auto dx = equal_weight_dose_covering(std::move(sel), o.d_percent);
  for (std::size_t i = 0; i < dx.size(); ++i) m.d_percent_gy.emplace_back(o.d_percent[i], dx[i]);
  if (!lobule.empty() && lobule_count > 0) {
    std::vector<double> sum(std::size_t{lobule_count} + 1, 0.0);
    std::vector<std::uint32_t> cnt(std::size_t{lobule_count} + 1, 0);
    for (std::size_t v = 0; v < dose.size(); ++v) {
      if (!mask.empty() && !mask[v]) continue;
      const std::uint32_t l = lobule[v];
      if (l == 0) continue;
      BD_VALIDATE(l <= lobule_count, "micro metrics: lobule label " << l << " > " << lobule_count);
      sum[l] += dose[v];
      cnt[l] += 1;
    }
    std::size_t low = 0;
    for (std::size_t l = 1; l < sum.size(); ++l) {
      if (!cnt[l]) continue;
      ++m.lobules;
      low += sum[l] / cnt[l] < o.lobule_threshold_gy;
    }
    if (m.lobules) m.lobules_below_fraction = static_cast<double>(low) / static_cast<double>(m.lobules);
  }
  return m;
}

std::vector<double> cumulative_volume_fraction(const std::vector<double>& dose, const std::vector<std::uint8_t>& mask,
                                               double bin_gy, std::size_t bins) {
  BD_VALIDATE(bin_gy > 0 && bins >= 2, "micro-DVH: bin width " << bin_gy << " Gy, " << bins << " bins");
  BD_VALIDATE(mask.empty() || mask.size() == dose.size(), "micro-DVH: mask size");
  std::vector<double> hist(bins + 1, 0.0);
  double n = 0;
  for (std::size_t v = 0; v < dose.size(); ++v) {
    if (!mask.empty() && !mask[v]) continue;
    // dose >= b·w for b = 0 .. floor(dose/w); count it at its top bin and sum from above.
    const double b = std::floor(dose[v] / bin_gy);
    hist[b >= bins ? bins - 1 : static_cast<std::size_t>(std::max(0.0, b))] += 1;
    n += 1;
  }
  BD_VALIDATE(n > 0, "micro-DVH: no voxel in the region");
  std::vector<double> cum(bins, 0.0);
  double acc = 0;
  for (std::size_t b = bins; b-- > 0;) {
    acc += hist[b];
    cum[b] = acc / n;
  }
  return cum;
}

}  // namespace bd
