// From an activity image (SPECT/PET/a user map) to the transport source (VoxelSource):
// units, NaN/negative handling, normalisation to an administered activity, restriction to a
// mask and the lung shunt. Portable host code (no ITK).
//
// Pipeline used by `betadose mc`:
//   1. activity_to_extensive: image values -> content per voxel (Bq or counts) on the image
//      grid; NaN/negative voxels are an InputError unless clamping is asked (then reported).
//   2. resample_activity (resample.hh) onto the dose grid, conserving the total.
//   3. build_voxel_source: restrict to a mask, apply the lung shunt, normalise.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "betadose/grid.hh"
#include "betadose/source.hh"

namespace bd {

enum class ActivityUnits { bq, bq_per_ml, counts };

// "bq", "bq-per-ml", "counts"; InputError naming `option` otherwise.
ActivityUnits parse_activity_units(const std::string& text, const std::string& option = "--activity-units");
const char* to_string(ActivityUnits units);

struct ActivityCleanReport {
  std::size_t nan_voxels = 0;
  std::size_t negative_voxels = 0;
  double negative_sum = 0;  // sum of the clamped negative values, in the map's extensive unit
  double total = 0;         // sum after clamping, extensive unit (Bq or counts)
};

// Per-voxel content: bq and counts as they are, bq-per-ml times the voxel volume [ml].
// Throws InputError naming `path` for NaN/infinite or negative voxels unless `clamp_negative`
// (then they become 0 and the report says how many and how much).
Volume<double> activity_to_extensive(const Volume<float>& image, ActivityUnits units,
                                     bool clamp_negative, const std::string& path,
                                     ActivityCleanReport* report = nullptr);

enum class LungShuntMode {
  uniform,  // the shunted activity is spread uniformly over the lung mask; map voxels there are replaced
  map       // the map's own distribution inside the lung mask is scaled to the shunted activity
};
LungShuntMode parse_lung_shunt_mode(const std::string& text);

struct SourceSpec {
  std::string activity_name;             // file name, for messages
  ActivityUnits units = ActivityUnits::bq;
  double total_activity_bq = 0;          // > 0: normalise to this; required for counts
  std::vector<std::uint8_t> restrict_mask;  // empty = none; activity outside is removed
  std::string restrict_mask_name;
  double lung_shunt_fraction = 0;        // in [0, 1)
  std::vector<std::uint8_t> lung_mask;
  std::string lung_mask_name;
  LungShuntMode lung_shunt_mode = LungShuntMode::uniform;
  // A measured image (quantitative DICOM PET) without a given total: the shunt keeps what it
  // measured outside the lung and adds the lung's share (total = rest / (1 − F)).
  bool keep_measured_outside_lung = false;
  std::string nuclide = "Y-90";
};

struct SourceReport {
  double map_total = 0;            // content of the map on the dose grid (before mask/shunt)
  double removed_outside_mask = 0; // content removed by the restriction mask
  double total_activity_bq = 0;    // of the source built
  double lung_activity_bq = 0;     // inside the lung mask
  double map_lung = 0, map_rest = 0; // map content inside / outside the lung mask (after restriction; with a shunt)
  double scale_bq_per_unit = 0;    // normalisation factor applied to the (non-lung) map
  std::size_t active_voxels = 0;
};

// `content` is the extensive map on the dose grid (step 2). Throws InputError naming the files
// when the total is zero (after restriction), the shunt fraction or masks are invalid, or
// counts are given without a total activity.
VoxelSource build_voxel_source(const Volume<double>& content, const SourceSpec& spec,
                               SourceReport* report = nullptr);

}  // namespace bd
