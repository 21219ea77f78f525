// Per-ROI analysis of a dose file, shared by `betadose analyze` and `betadose report` (the
// report's table is this, so it equals `analyze --json` on the same file and options):
// dose metrics (dose_metrics.hh: mean, min, max, D_x, V_x, mean relative uncertainty) and the
// ROI means of the voxel BED and EQD2 for a permanent implant (radiobiology.hh, Dale 1985).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "betadose/dose_metrics.hh"
#include "betadose/json_writer.hh"
#include "betadose/radiobiology.hh"

namespace bd {

struct DoseFile;

struct DoseAnalysisOptions {
  DoseWeighting weighting = DoseWeighting::volume;
  std::vector<double> d_percent{2, 50, 70, 90, 98};
  std::vector<double> v_gy{70, 100};
  PermanentImplantLq lq = PermanentImplantLq::tumour();  // physical half-life: see below
  bool half_life_given = false;  // false: the dose file's nuclide decides the half-life
  // Per-ROI (alpha/beta [Gy], repair half-time [h]); the physical half-life is lq's.
  std::map<std::string, std::pair<double, double>> roi_lq;
};

struct RoiAnalysis {
  RoiDoseMetrics metrics;
  PermanentImplantLq lq;
  double mean_bed_gy = 0;   // ROI mean of the voxel BED (BED is convex in D: not BED(mean))
  double mean_eqd2_gy = 0;
};

struct DoseAnalysis {
  DoseWeighting weighting = DoseWeighting::volume;
  PermanentImplantLq lq;                // with the half-life used
  std::string half_life_source;         // "--half-life-h" or "<nuclide> nuclide data"
  std::vector<RoiAnalysis> rois;        // in ROI-name order
  std::vector<std::pair<std::string, DoseDistribution>> distributions;  // for DVHs
  std::vector<std::string> notes;
};

// `rois`: name -> mask on the file's grid (an empty mask = the whole grid); when empty, one
// ROI "grid" over the whole grid is analysed (and a note says so). InputError for an --roi-lq
// naming no ROI, invalid LQ parameters, an unknown nuclide, or the errors of
// compute_roi_metrics.
DoseAnalysis analyze_dose(const DoseFile& file,
                          const std::map<std::string, std::vector<std::uint8_t>>& rois,
                          const DoseAnalysisOptions& options);

// The object `betadose analyze --json` prints (keys: dose_file, weighting, bed, rois, notes).
JsonObject dose_analysis_json(const DoseAnalysis& analysis, const std::string& dose_path);
// One ROI's entry of "rois" (name, voxel_count, volume_ml, ..., d_gy{D70...}, v_fraction{V100Gy...}).
JsonObject roi_analysis_json(const RoiAnalysis& roi);
// Keys of d_gy / v_fraction: "D70", "V100Gy".
std::string d_key(double x_percent);
std::string v_key(double x_gy);

}  // namespace bd
