// The one input pipeline of every dose command (mc, kernel, plan, spheres, report):
//
//   CaseSpec (plain data: every input path and option, filled from CLI11 or TOML by
//   case_options.hh) -> load_case -> DoseCase (dose grid, phantom, source, ROIs, and the
//   provenance of every number: which file, which header field, which default).
//
// Steps of load_case (src/case/load_case.cpp):
//   1. activity image (+ DICOM quantitation header) and geometry: --ct (HU) | --labels +
//      --material-table | --uniform MATERIAL[:DENSITY] (a uniform phantom over the activity
//      grid); every image is logged with its full geometry (describe_geometry).
//   2. dose grid: --voxel-mm activity (default) | ct | S | Sx,Sy,Sz; memory estimate.
//   3. phantom on the dose grid (CT trilinear/box-averaged -> HU calibration; labels nearest).
//   4. ROIs on the dose grid (roi_set.hh): --mask NAME=FILE[:LABEL], --segmentation, --rtstruct.
//   5. source: units (activity_calibration.hh) -> activity per image voxel -> activity outside
//      the geometry (--outside-geometry error|air|drop) -> resample conserving the total ->
//      --activity-mask, --lung-shunt, --total-activity-gbq (rescale factor printed, warned
//      beyond ±20 % for quantitative images).
// The case module reads images only through image_io.hh/segmentation_io.hh/rtstruct_io.hh and
// never includes ITK, HDF5 or DCMTK.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "betadose/activity.hh"
#include "betadose/activity_calibration.hh"
#include "betadose/grid.hh"
#include "betadose/phantom.hh"
#include "betadose/roi_set.hh"
#include "betadose/source.hh"

namespace bd {

// Where activity outside the geometry (dose voxels whose centre lies outside the CT/label
// image) goes: an error (default), kept in air, or removed before normalisation.
enum class OutsideGeometry { error, air, drop };
OutsideGeometry parse_outside_geometry(const std::string& text);  // InputError otherwise
const char* to_string(OutsideGeometry policy);

struct CaseSpec {
  // Geometry: exactly one of ct, labels (+ material_table), uniform.
  std::string ct, labels, material_table;
  std::string uniform;  // MATERIAL[:DENSITY_G_CM3], e.g. "soft-tissue:1.03"
  std::string hu_density_csv, hu_materials_csv;
  // Activity.
  std::string activity;
  std::string activity_units = "auto";  // auto | bq | bq-per-ml | counts | suv
  double total_activity_gbq = 0;        // > 0: normalise to it (relative maps need it)
  std::string activity_mask;            // ROI name or mask file
  double lung_shunt = 0;
  std::string lung_mask;                // ROI name or mask file
  std::string lung_shunt_mode = "uniform";
  bool clamp_negative = false;
  bool allow_lossy_activity = false;  // accept lossy-compressed DICOM activity pixels (recorded)
  bool allow_implausible = false;  // accept > 100 GBq or > 1 GBq/ml (value_checks.hh)
  std::string nuclide = "Y-90";
  std::string outside_geometry = "error";  // error | air | drop
  // ROIs.
  RoiInputs rois;
  // Dose grid: "activity", "ct" (= the geometry image), "masks" (the first ROI image), a
  // voxel size "S" or "Sx,Sy,Sz" [mm] over the geometry's extent.
  std::string voxel_mm = "activity";
  // Outputs (case_output.hh).
  std::string out = "dose.h5";
  std::string export_path;
  std::string export_rtdose;  // DICOM RT Dose (+ its RT Plan), identity from a DICOM --ct
  std::vector<double> v_thresholds_gy{100.0, 150.0};
  bool quiet = false;
};

// What a command needs from the case.
struct CaseNeeds {
  bool geometry = true;          // a phantom (plan: optional, for masses)
  bool activity = true;          // an activity image (plan: optional, for T/N)
  bool source = true;            // normalised VoxelSource (plan: no, only the map on the grid)
  double bytes_per_dose_voxel = 0;  // memory estimate of the engine (0: no estimate)
};

struct ProvenanceItem {
  std::string quantity;  // e.g. "dose_grid", "total_activity_bq", "activity_units"
  std::string value;
  std::string source;    // a file, "file (tag) Name", "--option", "default"
};

struct DoseCase {
  Grid grid;                        // the dose grid
  bool has_geometry = false;
  Grid geometry_grid;               // CT/labels image, or the activity grid for --uniform
  std::string geometry_name;        // file or "--uniform MATERIAL:DENSITY"
  Phantom phantom;                  // on the dose grid (empty without geometry)
  bool has_activity = false;
  Volume<double> activity_on_grid;  // activity content per dose voxel before the source
                                    // steps (Bq when quantitative, else relative)
  VoxelSource source;               // when CaseNeeds::source
  SourceReport source_report;
  ActivityCalibration calibration;
  OutsideGeometry outside_policy = OutsideGeometry::error;
  double outside_geometry_fraction = 0;  // of the activity map, before the policy applied
  double total_activity_rescale_factor = 0;  // --total-activity-gbq / a quantitative image's own
  RoiSet rois;
  std::vector<ProvenanceItem> provenance;
  // DICOM Frame of Reference UID (0020,0052) of the CT/labels series, else of the activity
  // series; "" for file images. Stored in the dose file: an RT Dose export onto another
  // scan's series is refused.
  std::string frame_of_reference_uid;

  void note(const std::string& quantity, const std::string& value, const std::string& source) {
    provenance.push_back({quantity, value, source});
  }
};

// Throws InputError (exit 2) naming the file/option and the problem.
DoseCase load_case(const CaseSpec& spec, const CaseNeeds& needs = {}, const CaseLog& log = {});

// The dose grid of a --voxel-mm choice (exposed for tests): `geometry_option` names the
// geometry ("ct", "labels", "uniform") in messages.
Grid choose_dose_grid(const std::string& voxel_mm, const Grid* activity, const Grid* geometry,
                      const Grid* first_roi_image, const std::string& geometry_option);

}  // namespace bd
