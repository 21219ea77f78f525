// What `mc` and `kernel` add to their outputs for the clinic (issue 16): the TG-268 record's
// inputs that only the command knows, and the DICOM RT Dose export (--export-rtdose), whose
// inputs are checked before the run so that a long run never ends in a refused export.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "betadose/activity.hh"
#include "betadose/dose_file.hh"
#include "betadose/image_io.hh"
#include "betadose/materials.hh"
#include "betadose/rtdose.hh"
#include "betadose/validation.hh"

namespace bd::cli {

// "name: what it compares" of every validation case, for the record.
inline std::vector<std::string> validation_case_summaries() {
  std::vector<std::string> out;
  for (const auto& c : validation_cases()) out.push_back(c.name + ": " + c.description);
  return out;
}

// The run's materials (phantom material names, in table order) as loaded.
inline std::vector<Material> run_materials(const std::vector<std::string>& names) {
  const auto all = load_materials();
  std::vector<Material> out;
  for (const auto& n : names) out.push_back(find_material(all, n));
  return out;
}

// How the activity image became Bq per voxel (the record's "units conversion").
inline std::string activity_conversion(ActivityUnits units, double total_activity_gbq) {
  std::string s;
  switch (units) {
    case ActivityUnits::bq: s = "voxel values are Bq"; break;
    case ActivityUnits::bq_per_ml: s = "voxel values are Bq/ml, times the voxel volume"; break;
    case ActivityUnits::counts: s = "voxel values are counts, proportional to activity"; break;
  }
  s += "; resampled onto the dose grid conserving the total";
  if (total_activity_gbq > 0)
    s += "; normalised to --total-activity-gbq " + std::to_string(total_activity_gbq) + " GBq";
  return s;
}

// --export-rtdose: the CT's identity is used when the geometry came from a DICOM directory.
// Reads and checks it against the dose grid now (before the run); returns the options.
inline RtDoseExportOptions prepare_rtdose_export(const std::string& ct, const Grid& dose_grid,
                                                 const std::string& rtdose_path) {
  RtDoseExportOptions o;
  std::error_code ec;
  if (!ct.empty() && std::filesystem::is_directory(ct, ec)) {
    o.ct_dicom_dir = ct;
    require_grid_in_series(dose_grid, rtdose_path + " (dose grid)", read_dicom_series_reference(ct));
  }
  return o;
}

// The outputs of a dose run: the image export and the RT Dose (with its plan) first, the dose
// file last; a failure removes what was written before it, so no export outlives a missing
// dose file.
inline void write_run_outputs(const DoseFile& dose, const std::string& out, const std::string& export_image,
                              const std::string& export_rtdose, const RtDoseExportOptions& rtdose) {
  std::vector<std::string> written;
  try {
    if (!export_image.empty()) {
      Volume<float> v(dose.grid);
      v.data = dose.dose_gy;
      write_image(export_image, v);
      written.push_back(export_image);
    }
    if (!export_rtdose.empty()) {
      const auto r = export_dose_file_rtdose(dose, export_rtdose, rtdose);
      written.push_back(export_rtdose);
      if (r.plan_written) written.push_back(r.plan.path);
    }
    write_dose_file(out, dose);
  } catch (...) {
    for (const auto& p : written) {
      std::error_code ec;
      std::filesystem::remove(p, ec);
    }
    throw;
  }
}

}  // namespace bd::cli
