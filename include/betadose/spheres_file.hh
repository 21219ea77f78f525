// The `betadose spheres` result file (HDF5), readable with h5py without betadose:
//   root attributes: filetype="betadose-spheres", version, betadose_version, mode (box|roi),
//     model, seed, realisations, mean_dose_gy (prescribed, 0 = from the map), days_after_calibration,
//     spacing_mm[3], origin_mm[3], grid_size[3] (x, y, z), periodic, region_volume_ml,
//     tissue_material, tissue_density_g_cm3, self_dose_correction, size_spread, wall_time_s
//   /dvh_dose_gy [B]                       dose axis of the cumulative micro-DVHs
//   /mask [nz][ny][nx] uint8               ROI mode: the voxels of the ROI
//   /kernels/<nuclide>/{r_inner_mm, r_outer_mm, energy_per_decay_MeV} (+ attributes material,
//     density_g_cm3, histories, emitted_per_decay_MeV, cache_file)
//   /products/<name>/                      attributes: nuclide, activity_per_sphere_bq (at
//     implantation), activity_at_calibration_bq, diameter_um, density_g_cm3, expected_spheres,
//     self_absorbed_fraction, lobule_depth, notes
//     dvh_volume_fraction [R][B]           cumulative micro-DVH of each realisation
//     <metric> [R]                         mean_dose_gy, min_dose_gy, max_dose_gy, cv, d98_gy ... d2_gy,
//                                          fraction_below_<x>gy, lobules_below_40gy_fraction
//                                          (tree), sphere_count, spheres_per_ml,
//                                          activity_per_sphere_bq, energy_emitted_J,
//                                          energy_tissue_J, energy_spheres_J
//     dose_realisation_0 [nz][ny][nx] float32                      (--save-dose)
//     spheres_realisation_0/{x_mm, y_mm, z_mm, activity_bq, diameter_um, cluster_id} (--sphere-list)
#pragma once

#include <string>
#include <vector>

#include "betadose/microsphere_study.hh"

namespace bd {

inline constexpr const char* kSpheresFileType = "betadose-spheres";
inline constexpr int kSpheresFileVersion = 1;

struct SpheresFileMeta {
  std::string mode = "box";
  std::string model;
  std::uint64_t seed = 0;
  int realisations = 0;
  double mean_dose_gy = 0;
  double days_after_calibration = 0;
  bool self_dose = true;
  bool size_spread = false;
};

// Writes the file at exactly `file_path` (the path of a StagedOutput; the caller commits).
void write_spheres_file_to(const std::string& file_path, const SpheresStudyResult& result,
                           const SpheresFileMeta& meta);

struct SpheresFileSummary {
  std::vector<std::string> products;
  std::size_t realisations = 0;
  std::size_t dvh_bins = 0;
  std::vector<double> mean_dose_gy;  // per product, mean over realisations
};
// InputError naming the file when it is not a betadose spheres file of this version.
SpheresFileSummary read_spheres_file_summary(const std::string& path);

}  // namespace bd
