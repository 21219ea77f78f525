// Per-ROI dose metrics and cumulative DVHs; definitions in include/betadose/dose_metrics.hh.
#include "betadose/dose_metrics.hh"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <limits>
#include <numeric>
#include <ostream>
#include <sstream>
#include <stdexcept>

#include "betadose/errors.hh"
#include "betadose/text_file.hh"

namespace bd {

const char* to_string(DoseWeighting weighting) {
  return weighting == DoseWeighting::mass ? "mass" : "volume";
}

DoseWeighting parse_dose_weighting(const std::string& text, const std::string& option) {
  if (text == "volume") return DoseWeighting::volume;
  if (text == "mass") return DoseWeighting::mass;
  throw InputError(detail::concat(option, ": unknown weighting '", text,
                                  "' (expected 'volume' or 'mass')"));
}

DoseDistribution::DoseDistribution(std::vector<double> dose_gy, std::vector<double> weight,
                                   const std::string& what) {
  if (weight.empty()) weight.assign(dose_gy.size(), 1.0);
  BD_VALIDATE(weight.size() == dose_gy.size(),
              what << ": " << dose_gy.size() << " doses but " << weight.size()
                   << " weights (expected one weight per dose)");
  for (std::size_t i = 0; i < dose_gy.size(); ++i) {
    BD_VALIDATE(std::isfinite(dose_gy[i]),
                what << ": dose " << dose_gy[i] << " Gy at entry " << i << " is not finite");
    BD_VALIDATE(std::isfinite(weight[i]) && weight[i] > 0,
                what << ": weight " << weight[i] << " at entry " << i
                     << " (expected a finite weight > 0; leave zero-mass voxels out of the ROI)");
  }
  std::vector<std::size_t> order(dose_gy.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  // Stable so that equal doses keep voxel order: results do not depend on the sort library.
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return dose_gy[a] > dose_gy[b]; });
  dose_gy_.resize(order.size());
  cum_weight_.resize(order.size());
  double cum = 0, wsum = 0;
  for (std::size_t k = 0; k < order.size(); ++k) {
    dose_gy_[k] = dose_gy[order[k]];
    cum += weight[order[k]];
    cum_weight_[k] = cum;
    wsum += weight[order[k]] * dose_gy_[k];
  }
  total_weight_ = cum;
  weighted_sum_ = wsum;
}

double DoseDistribution::mean_gy() const {
  return empty() ? std::numeric_limits<double>::quiet_NaN() : weighted_sum_ / total_weight_;
}
double DoseDistribution::min_gy() const {
  return empty() ? std::numeric_limits<double>::quiet_NaN() : dose_gy_.back();
}
double DoseDistribution::max_gy() const {
  return empty() ? std::numeric_limits<double>::quiet_NaN() : dose_gy_.front();
}

double DoseDistribution::dose_covering_percent(double x_percent) const {
  BD_VALIDATE(x_percent >= 0 && x_percent <= 100,
              "D_x: x = " << x_percent << " % (expected 0 <= x <= 100)");
  if (empty()) return std::numeric_limits<double>::quiet_NaN();
  const double f = x_percent / 100.0;
  // Centre of voxel k's cumulative-fraction interval.
  auto centre = [&](std::size_t k) {
    const double w = cum_weight_[k] - (k ? cum_weight_[k - 1] : 0.0);
    return (cum_weight_[k] - 0.5 * w) / total_weight_;
  };
  if (f <= centre(0)) return dose_gy_.front();
  const std::size_t n = size();
  if (f >= centre(n - 1)) return dose_gy_.back();
  // First k with centre(k) >= f (centres increase strictly since weights are > 0).
  std::size_t lo = 0, hi = n - 1;
  while (hi - lo > 1) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (centre(mid) >= f) hi = mid; else lo = mid;
  }
  const double c0 = centre(lo), c1 = centre(hi);
  const double t = (f - c0) / (c1 - c0);
  return dose_gy_[lo] + t * (dose_gy_[hi] - dose_gy_[lo]);
}

double DoseDistribution::fraction_at_least(double dose_gy) const {
  if (empty()) return std::numeric_limits<double>::quiet_NaN();
  // dose_gy_ is decreasing: count of entries >= dose_gy.
  const auto it = std::partition_point(dose_gy_.begin(), dose_gy_.end(),
                                       [&](double d) { return d >= dose_gy; });
  const std::size_t count = static_cast<std::size_t>(it - dose_gy_.begin());
  if (count == 0) return 0.0;
  return cum_weight_[count - 1] / total_weight_;
}

namespace {

void check_size(std::size_t n, std::size_t expected, const std::string& roi, const char* what) {
  BD_VALIDATE(n == expected, "ROI '" << roi << "': " << what << " has " << n
                                     << " voxels, the dose grid " << expected
                                     << " (expected the same grid)");
}

}  // namespace

DoseDistribution make_roi_distribution(const Grid& grid, const std::vector<float>& dose_gy,
                                       const std::vector<std::uint8_t>& mask,
                                       const std::vector<float>& density_g_cm3,
                                       DoseWeighting weighting, const std::string& roi_name) {
  const std::size_t n = grid.voxel_count();
  check_size(dose_gy.size(), n, roi_name, "the dose map");
  if (!mask.empty()) check_size(mask.size(), n, roi_name, "the mask");
  if (weighting == DoseWeighting::mass) {
    BD_VALIDATE(!density_g_cm3.empty(),
                "ROI '" << roi_name
                        << "': mass weighting needs a density map (/density_g_cm3 in the dose "
                           "file); use volume weighting otherwise");
    check_size(density_g_cm3.size(), n, roi_name, "the density map");
  }
  const double voxel_ml = grid.voxel_volume_ml();
  std::vector<double> dose, weight;
  for (std::size_t i = 0; i < n; ++i) {
    if (!mask.empty() && mask[i] == 0) continue;
    dose.push_back(dose_gy[i]);
    if (weighting == DoseWeighting::mass) {
      BD_VALIDATE(density_g_cm3[i] > 0, "ROI '" << roi_name << "': density "
                                                << density_g_cm3[i] << " g/cm3 at voxel " << i
                                                << " (expected > 0 inside an ROI)");
      weight.push_back(double(density_g_cm3[i]) * voxel_ml);  // [g] since 1 ml = 1 cm3
    } else {
      weight.push_back(voxel_ml);
    }
  }
  return DoseDistribution(std::move(dose), std::move(weight), "ROI '" + roi_name + "'");
}

double RoiDoseMetrics::d(double x_percent) const {
  for (const auto& p : d_percent_gy)
    if (p.first == x_percent) return p.second;
  throw std::out_of_range("D_x not computed for x = " + std::to_string(x_percent));
}

double RoiDoseMetrics::v(double x_gy) const {
  for (const auto& p : v_gy_fraction)
    if (p.first == x_gy) return p.second;
  throw std::out_of_range("V_x not computed for x = " + std::to_string(x_gy));
}

RoiDoseMetrics compute_roi_metrics(const std::string& roi_name, const Grid& grid,
                                   const std::vector<float>& dose_gy,
                                   const std::vector<float>& rel_uncertainty,
                                   const std::vector<std::uint8_t>& mask,
                                   const std::vector<float>& density_g_cm3,
                                   const DoseMetricsOptions& options) {
  const std::size_t n = grid.voxel_count();
  const DoseDistribution dist =
      make_roi_distribution(grid, dose_gy, mask, density_g_cm3, options.weighting, roi_name);
  BD_VALIDATE(!dist.empty(), "ROI '" << roi_name << "' is empty (no voxel of its mask is set)");
  if (!rel_uncertainty.empty()) check_size(rel_uncertainty.size(), n, roi_name, "the uncertainty map");
  if (!density_g_cm3.empty()) check_size(density_g_cm3.size(), n, roi_name, "the density map");

  RoiDoseMetrics m;
  m.roi = roi_name;
  m.weighting = options.weighting;
  m.voxel_count = dist.size();
  m.volume_ml = double(dist.size()) * grid.voxel_volume_ml();
  m.mean_dose_gy = dist.mean_gy();
  m.min_dose_gy = dist.min_gy();
  m.max_dose_gy = dist.max_gy();

  double mass_g = 0, unc_sum = 0, unc_weight = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!mask.empty() && mask[i] == 0) continue;
    const double w = options.weighting == DoseWeighting::mass
                         ? double(density_g_cm3[i]) * grid.voxel_volume_ml()
                         : grid.voxel_volume_ml();
    if (!density_g_cm3.empty()) mass_g += double(density_g_cm3[i]) * grid.voxel_volume_ml();
    if (!rel_uncertainty.empty() && dose_gy[i] > 0 && std::isfinite(rel_uncertainty[i])) {
      unc_sum += w * rel_uncertainty[i];
      unc_weight += w;
    }
  }
  m.mass_g = density_g_cm3.empty() ? -1.0 : mass_g;
  m.mean_rel_uncertainty = unc_weight > 0 ? unc_sum / unc_weight : -1.0;
  for (double x : options.d_percent) m.d_percent_gy.emplace_back(x, dist.dose_covering_percent(x));
  for (double x : options.v_gy) m.v_gy_fraction.emplace_back(x, dist.fraction_at_least(x));
  return m;
}

CumulativeDvh cumulative_dvh(const std::vector<std::pair<std::string, DoseDistribution>>& rois,
                             double bin_width_gy, DoseWeighting weighting) {
  BD_VALIDATE(std::isfinite(bin_width_gy) && bin_width_gy > 0,
              "DVH bin width " << bin_width_gy << " Gy (expected > 0)");
  double max_gy = 0;
  for (const auto& r : rois)
    if (!r.second.empty()) max_gy = std::max(max_gy, r.second.max_gy());
  const double nbins = std::floor(max_gy / bin_width_gy) + 2;
  BD_VALIDATE(nbins <= 1e6, "DVH bin width " << bin_width_gy << " Gy gives " << nbins
                                             << " points up to " << max_gy
                                             << " Gy (expected at most 1e6; use wider bins)");
  CumulativeDvh dvh;
  dvh.weighting = weighting;
  dvh.bin_width_gy = bin_width_gy;
  const auto count = static_cast<std::size_t>(nbins);
  for (std::size_t b = 0; b < count; ++b) dvh.dose_gy.push_back(double(b) * bin_width_gy);
  for (const auto& r : rois) {
    dvh.roi_names.push_back(r.first);
    std::vector<double> f(count);
    for (std::size_t b = 0; b < count; ++b) f[b] = r.second.fraction_at_least(dvh.dose_gy[b]);
    dvh.fraction.push_back(std::move(f));
  }
  return dvh;
}

void write_dvh_csv(std::ostream& os, const CumulativeDvh& dvh) {
  const char* suffix = dvh.weighting == DoseWeighting::mass ? "_mass_fraction" : "_volume_fraction";
  os << "dose_Gy";
  for (const auto& name : dvh.roi_names) os << ',' << name << suffix;
  os << '\n' << std::setprecision(9);
  for (std::size_t b = 0; b < dvh.dose_gy.size(); ++b) {
    os << dvh.dose_gy[b];
    for (const auto& f : dvh.fraction) os << ',' << f[b];
    os << '\n';
  }
}

void write_dvh_csv(const std::string& path, const CumulativeDvh& dvh) {
  std::ostringstream os;
  write_dvh_csv(os, dvh);
  write_text_file_atomic(path, os.str());
}

}  // namespace bd
