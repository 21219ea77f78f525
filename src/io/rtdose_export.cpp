// export_dose_file_rtdose (include/betadose/rtdose.hh): a dose file as DICOM RT Dose with its
// RT Plan, both committed together through the output layer.
#include <filesystem>
#include <iomanip>
#include <memory>
#include <sstream>

#include "betadose/dose_file.hh"
#include "betadose/errors.hh"
#include "betadose/output_file.hh"
#include "betadose/rtdose.hh"

namespace bd {

std::string rtplan_path_for(const std::string& rtdose_path) {
  std::filesystem::path p(rtdose_path);
  std::string name = p.filename().string();
  const auto dot = name.rfind('.');
  if (dot != std::string::npos && dot > 0) name = name.substr(0, dot);
  return (p.parent_path() / (name + ".rtplan.dcm")).string();
}

RtDoseExportResult export_dose_file_rtdose(const DoseFile& file, const std::string& path,
                                           const RtDoseExportOptions& options) {
  std::vector<std::unique_ptr<StagedOutput>> staged;
  RtDoseExportResult r = stage_rtdose_export(file, path, options, staged);
  std::vector<StagedOutput*> all;
  for (auto& s : staged) all.push_back(s.get());
  commit_all(all);
  return r;
}

RtDoseExportResult stage_rtdose_export(const DoseFile& file, const std::string& path,
                                       const RtDoseExportOptions& options,
                                       std::vector<std::unique_ptr<StagedOutput>>& staged) {
  BD_VALIDATE(options.bits == 16 || options.bits == 32,
              "--rtdose-bits " << options.bits << " (expected 16 or 32)");
  RtDoseExportResult result;
  if (!options.ct_dicom_dir.empty()) {
    std::error_code ec;
    BD_VALIDATE(std::filesystem::is_directory(options.ct_dicom_dir, ec),
                "--ct " << options.ct_dicom_dir
                        << ": RT Dose takes the patient, study and frame of reference from a "
                           "DICOM CT series; give its directory (a NIfTI/MetaImage file carries "
                           "no patient identity)");
    result.series = read_dicom_series_reference(options.ct_dicom_dir, options.series_modalities);
    require_grid_in_series(file.grid, path + " (dose grid)", result.series);
    // A dose computed from DICOM images knows their frame; another scan's series (a later CT,
    // another patient) would carry it to the wrong place however well the boxes overlap.
    const auto frame = file.text.find("frame_of_reference_uid");
    if (frame != file.text.end() && !frame->second.empty())
      BD_VALIDATE(frame->second == result.series.identity.frame_of_reference_uid,
                  "--ct " << options.ct_dicom_dir << ": Frame of Reference UID (0020,0052) "
                          << result.series.identity.frame_of_reference_uid << ", but the dose was computed in "
                          << frame->second << " (its DICOM inputs): another scan's frame; export onto the series "
                                              "the dose was computed on");
  }
  const DicomIdentity identity = make_dicom_identity(options.ct_dicom_dir.empty() ? nullptr : &result.series);

  RtDoseOptions o;
  o.bits = options.bits;
  const auto corr = file.extra.find("density_correction_code");
  const bool kernel = file.method == "dpk" || file.method == "vsv";
  o.heterogeneity_from_image = !(kernel && (corr == file.extra.end() || corr->second == 0));
  // DoseComment is LO (64 characters): method, nuclide, activity, histories.
  std::ostringstream c;
  c << "betadose " << file.method << " " << file.nuclide << " " << std::setprecision(4)
    << file.total_activity_bq * 1e-9 << " GBq to complete decay";
  if (file.method == "mc") c << ", " << std::setprecision(3) << double(file.histories) << " decays";
  if (file.dose_to == "water") c << ", Dw,m";  // dose to water in medium (stopping-power ratio)
  o.dose_comment = c.str();
  o.series_description = (file.method == "mc" ? "betadose Monte Carlo dose" : "betadose " + file.method + " dose") +
                         (file.dose_to == "water" ? " to water" : "");

  staged.push_back(std::make_unique<StagedOutput>(path, "--rtdose"));
  StagedOutput& dose_out = *staged.back();
  if (!options.rtplan.empty()) {
    result.plan = read_rtplan_reference(options.rtplan, identity);
  } else {
    const std::string plan_path = options.rtplan_out.empty() ? rtplan_path_for(path) : options.rtplan_out;
    staged.push_back(std::make_unique<StagedOutput>(plan_path, "RT Plan of --rtdose"));
    StagedOutput& plan_out = *staged.back();
    RtPlanDescription plan;
    std::ostringstream d;
    d << file.nuclide << " radioembolization: " << std::setprecision(4)
      << file.total_activity_bq * 1e-9
      << " GBq administered; absorbed dose to complete decay computed by betadose "
      << file.method << " (this object records the administration for the RT Dose that "
      << "references it; it holds no delivery parameters)";
    plan.name = file.nuclide + " SIRT " + file.method + " dose";
    plan.description = d.str();
    result.plan = write_rtplan(plan_out.path(), identity, plan);
    result.plan.path = plan_path;
    result.plan_written = true;
  }
  write_rtdose(dose_out.path(), file.grid, file.dose_gy, identity, result.plan, o);
  return result;
}

}  // namespace bd
