// Comparisons of Monte Carlo point kernels with published ones, with the pass rule
//   |MC − ref| <= tol + k sqrt(σ_MC² + σ_ref²)   in every bin
// (k from Student's t for the degrees of freedom of σ_MC, include/betadose/statistics.hh).
// One implementation for the CI tests (tests/core/transport_*_test.cpp) and the validation
// suite (src/validation/kernel_cases.cpp). References: shared/reference (see its README).
#pragma once

#include <string>
#include <vector>

namespace bd {

struct BinCheck {
  double x_lo = 0, x_hi = 0;      // bin edges (r/r0 or mm)
  double mc = 0, mc_sigma = 0;    // betadose and its 1σ
  double ref = 0, ref_sigma = 0;  // reference and its 1σ (0 when not published)
  double tolerance = 0;           // systematic allowance, absolute (same units as mc)
  double allowed = 0;             // tolerance + k·σ
  bool passed = false;
  double difference() const { return mc - ref; }
};

struct KernelCheck {
  std::string reference;        // what was compared with
  double k = 0;                 // coverage factor used
  double scale = 0;             // the reference's normalisation (peak of F, or 0 = relative per bin)
  std::vector<BinCheck> bins;
  int failures = 0;
  // Bin with the largest |difference| / allowed (the one closest to failing or most failed).
  const BinCheck& worst() const;
  // Extras of the 90Y DPK check.
  double x90_mc_mm = 0, x90_ref_mm = 0, r95_ref_mm = 0;
};

// Scaled kernel F(x) = d(E/E0)/d(r/r0) of monoenergetic electrons in water in 0.05 bins of
// x = r/r0 from 0 (f[i], sigma[i] for bin [0.05 i, 0.05 (i+1))) against `code` ("EGSnrc":
// same 0.05 bins; "ETRAN": points every 0.025, averaged over each bin by Simpson's rule) of
// dpk_mono_electrons_water_egsnrc_etran.csv, bins with x_hi <= x_max. Tolerance: a fraction
// of the reference peak.
KernelCheck check_mono_kernel(const std::vector<double>& f, const std::vector<double>& sigma,
                              const std::string& reference_csv, const std::string& code, double e0_MeV,
                              double tolerance_of_peak, double x_max, double k);

// ESTAR CSDA range of liquid water [g/cm²] at a grid energy of estar_water_air_nist.csv.
double estar_water_csda_range(const std::string& estar_csv, double T_MeV);

// 90Y DPK in water in 0.5 mm shells from 0 (energy per decay [MeV] and 1σ) against Graves et
// al. 2019 (dpk_y90_water_graves2019.csv, 0.1 mm shells summed in fives, their per-shell
// uncertainties added in quadrature), every shell with r_inner < R95 of the reference:
// tolerance 3 % to 4 mm, 5 % beyond (relative). X90 and R95 are the radii holding 90 % and
// 95 % of `mean_energy_MeV` (linear inside a shell), for both kernels.
KernelCheck check_y90_dpk(const std::vector<double>& energy, const std::vector<double>& sigma,
                          const std::string& graves_csv, double mean_energy_MeV, double k);

}  // namespace bd
