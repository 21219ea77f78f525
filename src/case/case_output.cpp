// Dose file, exports and ROI summary of a case (include/betadose/case_output.hh).
#include "betadose/case_output.hh"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>
#include <iomanip>
#include <sstream>

#include "betadose/dose_metrics.hh"
#include "betadose/errors.hh"
#include "betadose/image_header.hh"
#include "betadose/text_parse.hh"
#include "betadose/image_io.hh"
#include "betadose/output_file.hh"
#include "betadose/roi_set.hh"
#include "betadose/rtdose.hh"
#include "betadose/validation.hh"

namespace bd {

std::vector<std::pair<std::string, std::string>> case_inputs(const CaseSpec& s) {
  std::vector<std::pair<std::string, std::string>> in{
      {"--ct", s.ct},          {"--labels", s.labels},           {"--material-table", s.material_table},
      {"--activity", s.activity}, {"--hu-density", s.hu_density_csv}, {"--hu-materials", s.hu_materials_csv}};
  for (auto& f : roi_input_files(s.rois)) in.push_back(std::move(f));
  in.emplace_back("--activity-mask", s.activity_mask);
  in.emplace_back("--lung-mask", s.lung_mask);
  in.erase(std::remove_if(in.begin(), in.end(), [](const auto& p) { return p.second.empty(); }), in.end());
  return in;
}

std::vector<std::string> case_input_paths(const CaseSpec& s) {
  std::vector<std::string> in;
  for (const auto& [option, path] : case_inputs(s)) {
    in.push_back(path);
    // A .mhd/.nhdr input's voxels may sit in a file of another name (an export once wrote
    // its .raw over an input's).
    const std::string data = detached_data_file(path);
    if (!data.empty()) in.push_back(data);
  }
  return in;
}

std::vector<OutputTarget> case_output_targets(const CaseSpec& s) {
  std::vector<OutputTarget> outputs{{"--out", s.out}};
  if (!s.export_path.empty()) outputs.push_back({"--export", s.export_path});
  if (!s.export_rtdose.empty()) {
    outputs.push_back({"--export-rtdose", s.export_rtdose});
    outputs.push_back({"--export-rtdose (its RT Plan)", rtplan_path_for(s.export_rtdose)});
  }
  return outputs;
}

void check_case_outputs(const CaseSpec& s, const std::vector<OutputTarget>& more) {
  BD_VALIDATE(has_dose_file_extension(s.out),
              "--out " << s.out << ": the dose file must end in .h5 or .hdf5");
  BD_VALIDATE(s.export_path.empty() || is_writable_image_path(s.export_path),
              "--export " << s.export_path
                          << ": unsupported format (NIfTI .nii/.nii.gz, MetaImage .mhd/.mha, NRRD .nrrd/.nhdr)");
  std::vector<OutputTarget> outputs = case_output_targets(s);
  outputs.insert(outputs.begin() + 1, more.begin(), more.end());  // after --out, as the messages name them
  for (std::size_t i = 0; i < s.v_thresholds_gy.size(); ++i) {
    const double v = s.v_thresholds_gy[i];
    BD_VALIDATE(std::isfinite(v) && v > 0, "--v-thresholds-gy: thresholds must be positive, got " << v);
    for (std::size_t j = 0; j < i; ++j)
      BD_VALIDATE(s.v_thresholds_gy[j] != v, "--v-thresholds-gy: " << v << " Gy is given twice (one column each)");
  }
  check_outputs(outputs, case_input_paths(s));
}

namespace {

// --export-rtdose takes the identity of the DICOM series the dose is meant to be seen on: the
// CT's when --ct is a DICOM directory, else (no CT) the activity's.
RtDoseExportOptions rtdose_options(const CaseSpec& s) {
  RtDoseExportOptions o;
  std::error_code ec;
  if (!s.ct.empty() && std::filesystem::is_directory(s.ct, ec)) o.ct_dicom_dir = s.ct;
  // Without a DICOM CT, a DICOM activity series (PET/SPECT) gives the patient, study and frame
  // of reference, so that a planning system overlays the dose on it.
  else if (s.ct.empty() && !s.activity.empty() && std::filesystem::is_directory(s.activity, ec)) {
    o.ct_dicom_dir = s.activity;
    o.series_modalities = {"PT", "NM"};
  }
  return o;
}

}  // namespace

void check_case_rtdose(const CaseSpec& s, const DoseCase& dc) {
  if (s.export_rtdose.empty()) return;
  const RtDoseExportOptions o = rtdose_options(s);
  if (!o.ct_dicom_dir.empty())
    require_grid_in_series(dc.grid, s.export_rtdose + " (dose grid)", read_dicom_series_reference(o.ct_dicom_dir, o.series_modalities));
}

RunCaseDescription case_run_description(const DoseCase& dc) {
  RunCaseDescription c;
  c.geometry = (dc.has_geometry ? dc.geometry_name : std::string("none")) + "; dose grid = transport grid " +
               dc.grid.describe();
  for (const auto& p : dc.provenance) {
    if (p.quantity == "activity_image") c.activity_image = p.value;
    c.inputs.emplace_back(p.quantity, p.value + "  [" + p.source + "]");
  }
  for (const auto& [name, from] : dc.rois.origin) c.inputs.emplace_back("roi/" + name, from);
  const ActivityCalibration& cal = dc.calibration;
  c.activity_units = cal.units;
  std::string conversion;
  for (const auto& line : cal.lines) conversion += (conversion.empty() ? "" : "; ") + line;
  c.units_conversion = (conversion.empty() ? std::string(cal.quantitative ? "quantitative image" : "relative map")
                                           : conversion) +
                       "; resampled onto the dose grid conserving the total";
  const SourceReport& r = dc.source_report;
  c.total_activity_bq = r.total_activity_bq;
  c.lung_activity_bq = r.lung_activity_bq;
  c.lung_shunt_fraction = r.total_activity_bq > 0 ? r.lung_activity_bq / r.total_activity_bq : 0.0;
  c.activity_outside_grid_fraction = dc.outside_geometry_fraction;
  return c;
}

std::vector<Material> case_materials(const DoseCase& dc) {
  const auto all = load_materials();
  std::vector<Material> out;
  for (const auto& n : dc.phantom.material_names) out.push_back(find_material(all, n));
  return out;
}

std::vector<std::string> validation_case_summaries() {
  std::vector<std::string> out;
  for (const auto& c : validation_cases()) out.push_back(c.name + ": " + c.description);
  return out;
}

DoseFile case_dose_file(const DoseCase& dc) {
  DoseFile f;
  f.grid = dc.grid;
  f.activity_bq.assign(dc.source.activity_bq.begin(), dc.source.activity_bq.end());
  f.density_g_cm3 = dc.phantom.density_g_cm3;
  f.material_id = dc.phantom.material_id;
  f.material_names = dc.phantom.material_names;
  f.roi = dc.rois.masks;
  f.nuclide = dc.source.nuclide;
  f.total_activity_bq = dc.source_report.total_activity_bq;
  f.extra["lung_activity_bq"] = dc.source_report.lung_activity_bq;
  f.extra["activity_outside_geometry_fraction"] = dc.outside_geometry_fraction;
  f.text["outside_geometry"] = to_string(dc.outside_policy);
  const ActivityCalibration& c = dc.calibration;
  f.text["activity_units"] = c.units;
  if (!dc.frame_of_reference_uid.empty()) f.text["frame_of_reference_uid"] = dc.frame_of_reference_uid;
  if (c.quantitative) {
    f.text["activity_reference_time"] = c.reference_time;
    if (!c.administration_time.empty()) f.text["administration_time"] = c.administration_time;
    if (!c.decay_correction.empty()) f.text["decay_correction"] = c.decay_correction;
    f.extra["activity_factor_bq_per_ml_at_reference"] = c.reference_factor;
    f.extra["activity_decay_factor_to_administration"] = c.decay_factor;
    f.extra["activity_hours_after_administration"] = c.hours_after_administration;
    if (dc.total_activity_rescale_factor > 0) f.extra["total_activity_rescale_factor"] = dc.total_activity_rescale_factor;
  }
  std::ostringstream prov;
  for (const auto& p : dc.provenance) prov << p.quantity << " = " << p.value << "  [" << p.source << "]\n";
  for (const auto& [name, from] : dc.rois.origin) prov << "roi/" << name << "  [" << from << "]\n";
  f.text["provenance"] = prov.str();
  return f;
}

void write_case_outputs(const CaseSpec& s, const DoseFile& f, const std::function<void()>& committed) {
  // Every file is staged first and all are renamed together: never an export without its dose
  // file.
  StagedOutput dose(s.out, "--out");
  write_dose_file(dose.path(), f);
  std::vector<StagedOutput*> all{&dose};
  std::unique_ptr<StagedOutput> image;
  if (!s.export_path.empty()) {
    image = std::make_unique<StagedOutput>(s.export_path, "--export");
    Volume<float> v(f.grid);
    v.data = f.dose_gy;
    write_image(image->path(), v);
    all.push_back(image.get());
  }
  std::vector<std::unique_ptr<StagedOutput>> rtdose;
  if (!s.export_rtdose.empty()) stage_rtdose_export(f, s.export_rtdose, rtdose_options(s), rtdose);
  for (auto& r : rtdose) all.push_back(r.get());
  commit_all(all, committed);
}

std::string roi_summary_table(const DoseFile& f, const std::vector<double>& v_gy) {
  if (f.roi.empty()) return "";
  DoseMetricsOptions mo;
  mo.v_gy = v_gy;
  std::ostringstream os;
  std::size_t width = 14;
  for (const auto& [name, m] : f.roi) width = std::max(width, name.size() + 2);
  os << std::left << std::setw(int(width)) << "ROI" << std::right << std::setw(10) << "volume_ml" << std::setw(12)
     << "mean_Gy" << std::setw(10) << "D70_Gy" << std::setw(10) << "D90_Gy";
  for (double v : v_gy) os << std::setw(10) << ("V" + format_g(v) + "_%");
  os << std::setw(10) << "unc_%" << "\n";
  for (const auto& [name, mask] : f.roi) {
    const auto m = compute_roi_metrics(name, f.grid, f.dose_gy, f.dose_rel_uncertainty, mask, f.density_g_cm3, mo);
    os << std::left << std::setw(int(width)) << name << std::right << std::fixed << std::setprecision(1)
       << std::setw(10) << m.volume_ml << std::setw(12) << std::setprecision(2) << m.mean_dose_gy << std::setw(10)
       << m.d(70) << std::setw(10) << m.d(90);
    for (double v : v_gy) os << std::setw(10) << std::setprecision(1) << 100.0 * m.v(v);
    os << std::setw(10);
    if (m.mean_rel_uncertainty >= 0) os << std::setprecision(2) << 100.0 * m.mean_rel_uncertainty;
    else os << "-";
    os << std::defaultfloat << "\n";
  }
  return os.str();
}

}  // namespace bd
