// Comparison of two dose distributions on one grid: voxelwise differences and the 3-D gamma
// index (portable host code, src/analysis/compare.cpp).
//
// Gamma index (Low et al., Med Phys 25:656, 1998, eq. 4-6): for each reference voxel r_r with
// dose D_r above the low-dose threshold,
//   γ(r_r) = min over evaluated points r_e of sqrt(|r_e − r_r|² / Δd² + δ² / ΔD²),
//   δ = D_e(r_e) − D_r,
// with ΔD = DD × max(D_r) (global) or DD × D_r(r_r) (local) and Δd the distance to agreement.
// The evaluated distribution is sampled on a fine lattice around r_r (step = the smallest
// voxel spacing / `samples_per_voxel`) by trilinear interpolation between voxel centres, out
// to `search_radius_mm` (default 2 Δd, γ is then capped at 2 for points without a better
// match); lattice points are visited in order of increasing distance and the search stops as
// soon as |r_e − r_r| / Δd exceeds the best γ found (the distance-ordered search of Wendling
// et al., Med Phys 34:1647, 2007). Δd = 0 gives the pure dose-difference test.
// A voxel passes when γ ≤ 1; the pass rate is over the voxels evaluated.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "betadose/grid.hh"

namespace bd {

struct GammaOptions {
  double dose_difference = 0.03;   // DD as a fraction (3 % -> 0.03)
  double dta_mm = 3.0;             // Δd
  bool local = false;              // local (per-voxel) instead of global normalisation
  double threshold = 0.10;         // evaluate reference voxels with D >= threshold × max D_ref
  double search_radius_mm = 0;     // 0: 2 × dta_mm
  int samples_per_voxel = 5;       // fine-sampling step = min spacing / samples_per_voxel
};

// Parses "3%/3mm" (also "3/3", "2%/2 mm", "3%/0mm") into DD and DTA; InputError otherwise.
void parse_gamma_criterion(const std::string& text, GammaOptions& options);
// Parses "10%" or "10" into a fraction (0.10); InputError naming `option` otherwise.
double parse_percent(const std::string& text, const std::string& option);

struct GammaResult {
  std::vector<float> gamma;        // per voxel; -1 where not evaluated (below threshold)
  std::size_t evaluated = 0;
  std::size_t passed = 0;
  double pass_rate = 0;            // passed / evaluated (1 when nothing was evaluated)
  double mean_gamma = 0;           // over evaluated voxels
  double max_dose_reference = 0;
};

// Throws InputError when the grids differ (resample first) or sizes mismatch.
GammaResult gamma_index(const Grid& grid, const std::vector<float>& reference,
                        const std::vector<float>& evaluated, const GammaOptions& options);

struct DoseDifference {
  std::vector<float> absolute_gy;   // B − A
  std::vector<float> relative;      // (B − A) / A where A >= threshold × max A, else 0
  double mean_relative_difference = 0;  // mean of (B − A)/A over those voxels
  double mean_absolute_difference_gy = 0;  // mean of |B − A| over those voxels
  double max_absolute_difference_gy = 0;   // max |B − A| over the whole grid
  std::size_t voxels = 0;                  // voxels in the relative statistics
};

// A = reference, B = evaluated, on one grid (InputError otherwise).
DoseDifference dose_difference(const Grid& grid, const std::vector<float>& a,
                               const std::vector<float>& b, double threshold);

// Resampling onto one grid: include/betadose/resample.hh (resample_linear).

}  // namespace bd
