// The inputs shared by the dose commands (`betadose kernel`, and usable by `betadose mc`):
// geometry (CT or labels + material table), activity map, ROI masks and the dose grid, turned
// into a Phantom + VoxelSource + ROI masks on one grid (implementation: src/io/dose_case.cpp,
// it reads images through image_io.hh). The pipeline is the one documented in activity.hh:
//   geometry image -> dose grid (the geometry grid, or a regrid to --voxel-mm) ->
//   CT: HU trilinear onto the dose grid (air outside) -> HU calibration -> Phantom;
//   labels: nearest neighbour -> material table -> Phantom;
//   activity: image values -> content per voxel -> resample_activity (total conserved) ->
//   build_voxel_source (restriction mask, lung shunt, normalisation);
//   masks: nearest neighbour onto the dose grid (value > 0.5 is inside).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "betadose/phantom.hh"
#include "betadose/source.hh"

namespace bd {

struct DoseCaseInputs {
  std::string ct;              // CT image in HU, or
  std::string labels;          // label image + material table (CSV label,material,density_g_cm3)
  std::string material_table;
  std::string activity;        // activity image
  std::string activity_units = "bq";  // bq | bq-per-ml | counts
  double total_activity_gbq = 0;      // > 0: normalise to this (required for counts)
  std::string activity_mask;          // optional: remove activity outside this mask
  double lung_shunt = 0;              // fraction of the total placed in the lung mask
  std::string lung_mask;
  std::string lung_shunt_mode = "uniform";  // uniform | map
  bool clamp_negative = false;
  std::vector<std::string> masks;     // NAME=FILE, repeatable
  double voxel_mm = 0;                // dose grid spacing; 0 = the geometry image's grid
  std::string nuclide = "Y-90";
};

struct DoseCase {
  Phantom phantom;
  VoxelSource source;
  std::map<std::string, std::vector<std::uint8_t>> roi;  // on the dose grid
  std::vector<std::string> notes;                        // what was resampled, clamped, ...
};

// Throws InputError naming the option/file and the problem.
DoseCase load_dose_case(const DoseCaseInputs& inputs);

// Splits "NAME=FILE"; InputError naming `option` when malformed.
std::pair<std::string, std::string> split_name_file(const std::string& spec,
                                                    const std::string& option);

}  // namespace bd
