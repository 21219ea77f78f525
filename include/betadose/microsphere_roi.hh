// Patient mode of `betadose spheres`: a ROI of a dose case (CT/labels, activity map, masks)
// as the deposition region. Portable host code; the case itself comes from the case loader.
//
// The fine grid subdivides the case grid by whole factors k_a = round(s_a / voxel) (fine
// spacing s_a/k_a, so each case voxel is a block of k fine voxels and its activity is spread
// only inside it), covers the ROI's bounding box and adds at least `padding_mm` on every side,
// grown to FFT-friendly sizes. Spheres lodge only in ROI voxels; the tissue is the ROI's most
// frequent material at the ROI's mean density (the kernel is homogeneous: heterogeneity inside
// the ROI is not modelled).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "betadose/grid.hh"
#include "betadose/microsphere_deposition.hh"
#include "betadose/phantom.hh"

namespace bd {

struct RoiRegion {
  DepositionRegion region;              // fine grid (ROI bounding box + padding), macro blocks
  std::vector<double> activity_bq;      // per macro voxel (0 outside the ROI)
  std::vector<std::uint8_t> mask;       // fine grid: voxels in the ROI
  double tissue_density_g_cm3 = 0;      // mean density over the ROI
  std::string tissue_material;          // the ROI's most frequent material
  std::vector<std::string> notes;
};

// `activity_bq` and `roi_mask` on `phantom.grid` (the case's dose grid); `padding_mm` gives
// the padding for the ROI's tissue (material, density): the kernel's reach, at least 11 mm.
// InputError naming --roi when the ROI is empty or holds no activity, and --voxel-um when the
// fine grid would exceed `max_voxels`.
RoiRegion make_roi_region(const Phantom& phantom, const std::vector<double>& activity_bq,
                          const std::vector<std::uint8_t>& roi_mask, const std::string& roi_name, double voxel_mm,
                          const std::function<double(const std::string&, double)>& padding_mm,
                          std::size_t max_voxels = std::size_t{96} << 20);

}  // namespace bd
