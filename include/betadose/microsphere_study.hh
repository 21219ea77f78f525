// `betadose spheres`: glass vs resin (or any products) at equal mean dose, micro-scale dose
// on a fine grid (implementation: src/kernel_methods/microsphere_study.cpp, FFTW).
//
// Production path per product and realisation:
//   deposit_microspheres -> activity per fine voxel -> decays (complete decay, τ = T½/ln 2)
//   -> cyclic FFT convolution with the voxel kernel (microsphere_kernel.hh) on the periodic
//   box, or on the ROI's grid padded by >= max(11 mm, DPK reach) so that nothing wraps
//   -> sub-voxel self-dose correction (microsphere_dose.hh) -> metrics and micro-DVH.
// The kernel's DPK comes from betadose's Monte Carlo (run_dpk) and is cached on disk, keyed by
// nuclide, tissue, density, shell width (from the voxel size), reach, histories and seed.
//
// Number of spheres: the prescribed mean dose D over a region of mass m needs
//   N = D · m / (a · τ · E_k)   spheres of activity a,
// E_k the kernel's deposited energy per decay (betas; for 166Ho the IE/Auger electrons and the
// photons are not in the kernel, see materials/README.md).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "betadose/grid.hh"
#include "betadose/microsphere_deposition.hh"
#include "betadose/microsphere_dose.hh"
#include "betadose/microsphere_kernel.hh"
#include "betadose/microsphere_metrics.hh"
#include "betadose/microsphere_products.hh"
#include "betadose/microsphere_roi.hh"

namespace bd {

// The tissue point kernel of one nuclide (energy per decay per shell) and where it came from.
struct MicroKernel {
  std::string nuclide, material;
  double density_g_cm3 = 0;
  std::vector<double> r_inner_mm, r_outer_mm, energy_MeV;
  double emitted_per_decay_MeV = 0;  // as simulated (betas)
  double tau_s = 0;                  // decays per Bq to complete decay
  std::uint64_t histories = 0;
  std::string file;                  // cache file ("" when not cached)
  bool from_cache = false;
  double total_MeV() const;          // deposited per decay within the reach
  double reach_mm() const { return r_outer_mm.empty() ? 0.0 : r_outer_mm.back(); }
};

// The cache file name of a kernel spec (no directory).
std::string micro_kernel_cache_name(const MicroKernelSpec& spec);
// Reads the kernel from `cache_dir` when present, else runs the Monte Carlo and (cache_dir
// non-empty) writes it there atomically (a concurrent run writing the same file is harmless).
MicroKernel obtain_micro_kernel(const MicroKernelSpec& spec, const std::string& cache_dir);

struct SpheresStudySpec {
  std::vector<MicrosphereProduct> products;
  double days_after_calibration = 0;
  DepositionSpec deposition;            // model, parameters, size spread, seed
  int realisations = 10;
  double mean_dose_gy = 0;              // box: required; ROI: > 0 rescales the map
  // Box mode (periodic tissue box) unless `roi` is set.
  double box_mm = 20, voxel_mm = 0.1;
  const RoiRegion* roi = nullptr;
  MicroKernelSpec kernel;               // material/density/voxel filled by the study in ROI mode
  std::string kernel_cache_dir;
  bool self_dose = true;
  bool keep_first_dose = false;         // dose of realisation 0 per product
  bool keep_first_spheres = false;      // sphere list of realisation 0 per product
  MicroMetricsOptions metrics;
  std::size_t dvh_bins = 1000;          // bin width = 10 × mean dose / dvh_bins
  std::function<void(const std::string&)> progress;
};

struct ProductRun {
  MicrosphereProduct product;
  double activity_per_sphere_bq = 0;    // at implantation (decayed)
  double expected_spheres = 0;
  double self_absorbed_fraction = 0;
  std::vector<MicroDoseMetrics> metrics;          // per realisation
  std::vector<std::vector<double>> dvh;           // per realisation, cumulative volume fraction
  std::vector<std::uint64_t> sphere_count;        // per realisation
  std::vector<double> spheres_per_ml;             // per realisation
  std::vector<double> activity_used_bq;           // mean activity per sphere per realisation
  std::vector<double> energy_emitted_MeV, energy_tissue_MeV, energy_spheres_MeV;  // per realisation
  std::vector<double> first_dose_gy;
  std::vector<Sphere> first_spheres;
  int lobule_depth = 0;
  std::vector<std::string> notes;
};

struct SpheresStudyResult {
  Grid grid;
  bool periodic = true;
  std::vector<std::uint8_t> mask;       // empty in box mode
  double region_volume_ml = 0, region_mass_g = 0;
  double tissue_density_g_cm3 = 0;
  std::string tissue_material;
  double dvh_bin_gy = 0;
  std::vector<MicroKernel> kernels;     // one per nuclide used
  std::vector<ProductRun> products;
  double wall_time_s = 0;
  std::vector<std::string> notes;
};

SpheresStudyResult run_spheres_study(const SpheresStudySpec& spec);

// Mean and sample standard deviation of a list (sd 0 for one value).
std::pair<double, double> mean_and_sd(const std::vector<double>& values);

}  // namespace bd
