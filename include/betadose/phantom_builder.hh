// Building the transport phantom {material_id, density} on the dose grid from
//   * a CT in Hounsfield units, through the HU calibration (hu_calibration.hh), or
//   * a label image plus a material table (CSV `label,material,density_g_cm3`).
// Air around the body stays material "air" at its low density: electrons cross it in one or
// two steps, so it costs little (no separate body contour is needed).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "betadose/grid.hh"
#include "betadose/phantom.hh"

namespace bd {

// Plausibility of a CT in HU (DESIGN.md: CT not in HU range is a bad input). Throws
// InputError naming `path` when the image is not HU: minimum above -500 HU (no air: raw
// stored values or a density map?), or more than 0.1 % of the voxels above 5000 HU.
struct CtRangeReport {
  double min_hu = 0, max_hu = 0;
  std::size_t padding_voxels = 0;  // below -1100 HU (outside the scan circle): set to -1000
  std::size_t high_voxels = 0;     // above kCtMaxHu: set to kCtMaxHu
};
inline constexpr float kCtMinHu = -1000.0f;
inline constexpr float kCtMaxHu = 3995.0f;  // inside the last calibration bin
CtRangeReport check_and_clamp_ct_hu(std::vector<float>& hu, const std::string& path);

class HuCalibration;

// CT in HU (already on the dose grid and clamped) -> phantom through the calibration: density
// per voxel from the HU -> density curve, material from the HU bins. material_names lists only
// the materials present, in order of their calibration index.
Phantom build_phantom_from_ct(const Volume<float>& ct_hu, const HuCalibration& calibration);

struct MaterialTableRow {
  int label = 0;
  std::string material;    // canonical material name
  double density_g_cm3 = 0;
  int line = 0;            // line in the table file
};

// Reads the CSV (header `label,material,density_g_cm3`; '#' comments; an empty density
// means the material's nominal density). Throws InputError naming `path` and the line for a
// malformed row, a duplicate label, a non-positive density, or a material that is not defined
// in `materials_dir` (default: the data directory).
std::vector<MaterialTableRow> read_material_table(const std::string& path,
                                                  const std::string& materials_dir = "");

// Label image (on the dose grid; values must be integral labels) -> phantom. Labels absent
// from the table are an InputError naming `labels_path` and `table_path`.
Phantom build_phantom_from_labels(const Volume<float>& labels,
                                  const std::vector<MaterialTableRow>& table,
                                  const std::string& labels_path, const std::string& table_path);

}  // namespace bd
