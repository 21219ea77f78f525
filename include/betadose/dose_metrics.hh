// Dose-map analysis: per-ROI mean/min/max dose, D_x, V_x, mean relative uncertainty and
// cumulative dose-volume histograms (DVH). Portable host code (no ITK/HDF5).
//
// Weighting (say which, always): clinical DVHs and the D_x/V_x of the EANM 2022 guideline are
// volume-based (each voxel counts by its volume; on a regular grid, equally). The mass-weighted
// variant (each voxel counts by its mass = density x volume) gives the MIRD mean absorbed dose
// of a region, energy / mass; it needs a density map. Both are offered through DoseWeighting.
//
// Definitions (for a distribution of voxel doses d_k with weights w_k, W = sum w_k):
//   mean  = sum w_k d_k / W
//   V(x)  = (sum of w_k with d_k >= x) / W        fraction of the ROI receiving >= x Gy
//   D_x   = the dose that the hottest x % of the ROI receives at least. Voxels are sorted by
//           decreasing dose; voxel k represents the cumulative fraction interval
//           [C_k, C_k + w_k/W) and its dose is placed at the interval's centre
//           c_k = C_k + w_k / (2W). D_x interpolates linearly in c between voxel centres and is
//           clamped to the max/min dose outside [c_first, c_last]. With this convention a
//           uniform dose distribution sampled at voxel centres (a dose ramp) gives D_x exactly.
//   mean relative uncertainty = weighted mean of the voxels' relative standard uncertainty
//           (1 sigma) over voxels with dose > 0 (a relative uncertainty is undefined at zero
//           dose). It is the average voxel uncertainty, not the uncertainty of the ROI mean.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

#include "betadose/grid.hh"

namespace bd {

enum class DoseWeighting { volume, mass };

// "volume" / "mass".
const char* to_string(DoseWeighting weighting);
// Parses "volume" or "mass"; throws InputError naming `option` otherwise.
DoseWeighting parse_dose_weighting(const std::string& text, const std::string& option);

// A weighted dose distribution, sorted by decreasing dose. Weights are relative (any unit).
class DoseDistribution {
 public:
  DoseDistribution() = default;
  // dose_gy and weight of equal length (weight empty = all equal); weights must be > 0.
  // Throws InputError naming `what` on mismatched sizes, negative/non-finite values.
  DoseDistribution(std::vector<double> dose_gy, std::vector<double> weight,
                   const std::string& what = "dose distribution");

  std::size_t size() const { return dose_gy_.size(); }
  bool empty() const { return dose_gy_.empty(); }
  double total_weight() const { return total_weight_; }
  double mean_gy() const;
  double min_gy() const;
  double max_gy() const;
  // D_x [Gy] for x in [0, 100] percent (see the header comment for the interpolation).
  double dose_covering_percent(double x_percent) const;
  // V(x) in [0, 1]: weighted fraction of the distribution with dose >= dose_gy.
  double fraction_at_least(double dose_gy) const;

  const std::vector<double>& sorted_dose_gy() const { return dose_gy_; }  // decreasing

 private:
  std::vector<double> dose_gy_;     // decreasing
  std::vector<double> cum_weight_;  // cum_weight_[k] = sum of weights of voxels 0..k
  double total_weight_ = 0;
  double weighted_sum_ = 0;
};

// Builds the distribution of `dose_gy` over the voxels where mask != 0 (empty mask = all voxels).
// Weighting::volume weighs each voxel by grid.voxel_volume_ml(); Weighting::mass by
// density_g_cm3 x volume [g] (density must then have the grid's voxel count). Throws InputError
// naming `roi_name` on size mismatches or a missing density.
DoseDistribution make_roi_distribution(const Grid& grid, const std::vector<float>& dose_gy,
                                       const std::vector<std::uint8_t>& mask,
                                       const std::vector<float>& density_g_cm3,
                                       DoseWeighting weighting, const std::string& roi_name);

struct DoseMetricsOptions {
  DoseWeighting weighting = DoseWeighting::volume;
  std::vector<double> d_percent{70.0, 90.0};  // which D_x to report (x in %)
  std::vector<double> v_gy;                    // which V_x to report (x in Gy)
};

struct RoiDoseMetrics {
  std::string roi;
  DoseWeighting weighting = DoseWeighting::volume;
  std::size_t voxel_count = 0;
  double volume_ml = 0;
  double mass_g = -1;  // -1 when no density map was given
  double mean_dose_gy = 0;
  double min_dose_gy = 0;
  double max_dose_gy = 0;
  double mean_rel_uncertainty = 0;  // -1 when no uncertainty map was given or no voxel > 0 Gy
  std::vector<std::pair<double, double>> d_percent_gy;   // (x [%], D_x [Gy])
  std::vector<std::pair<double, double>> v_gy_fraction;  // (x [Gy], V_x in [0, 1])

  // D_x / V_x lookups among the reported values; throw std::out_of_range when not reported.
  double d(double x_percent) const;
  double v(double x_gy) const;
};

// Metrics of one ROI (mask != 0; empty mask = whole grid). rel_uncertainty and density_g_cm3
// may be empty. Throws InputError naming `roi_name` on size mismatches, an empty ROI, or mass
// weighting without density.
RoiDoseMetrics compute_roi_metrics(const std::string& roi_name, const Grid& grid,
                                   const std::vector<float>& dose_gy,
                                   const std::vector<float>& rel_uncertainty,
                                   const std::vector<std::uint8_t>& mask,
                                   const std::vector<float>& density_g_cm3,
                                   const DoseMetricsOptions& options = {});

// Cumulative DVH: fraction[r][b] = V(dose_gy[b]) of ROI r (see V above), at
// dose_gy[b] = b * bin_width_gy, b = 0 .. floor(max dose over all ROIs / bin width) + 1, so the
// first point is V(0) = 1 and the last one lies above every dose (V = 0).
struct CumulativeDvh {
  DoseWeighting weighting = DoseWeighting::volume;
  double bin_width_gy = 0;
  std::vector<double> dose_gy;
  std::vector<std::string> roi_names;
  std::vector<std::vector<double>> fraction;
};

// Throws InputError when bin_width_gy <= 0 or the bin count would exceed 1e6.
CumulativeDvh cumulative_dvh(const std::vector<std::pair<std::string, DoseDistribution>>& rois,
                             double bin_width_gy, DoseWeighting weighting);

// CSV with a header naming units and weighting:
//   dose_Gy,<roi>_volume_fraction,...   (or <roi>_mass_fraction for mass weighting)
void write_dvh_csv(std::ostream& os, const CumulativeDvh& dvh);
// Same, to a file; throws InputError naming the path when it cannot be written.
void write_dvh_csv(const std::string& path, const CumulativeDvh& dvh);

}  // namespace bd
