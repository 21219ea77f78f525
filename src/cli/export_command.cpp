// `betadose export dose.h5 --rtdose dose.dcm [--ct CT_DICOM_DIR]`: a dose file as DICOM RT Dose
// (include/betadose/rtdose.hh).
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "betadose/cli_commands.hh"
#include "betadose/dose_file.hh"
#include "betadose/errors.hh"
#include "betadose/output_file.hh"
#include "betadose/rtdose.hh"

namespace bd::cli {

namespace {

struct ExportOptions {
  std::string dose_path, rtdose;
  RtDoseExportOptions rt;
};

void run_export(const ExportOptions& o) {
  BD_VALIDATE(!o.rtdose.empty(), "nothing to export: give --rtdose dose.dcm");
  BD_VALIDATE(o.rt.bits == 16 || o.rt.bits == 32, "--rtdose-bits " << o.rt.bits << " (expected 16 or 32)");
  BD_VALIDATE(o.rt.rtplan.empty() || o.rt.rtplan_out.empty(),
              "--rtplan (reference an existing plan) and --rtplan-out (write one) exclude each other");
  std::vector<OutputTarget> outputs{{"--rtdose", o.rtdose}};
  if (o.rt.rtplan.empty())
    outputs.push_back({"--rtplan-out", o.rt.rtplan_out.empty() ? rtplan_path_for(o.rtdose) : o.rt.rtplan_out});
  std::vector<std::string> inputs{o.dose_path};
  if (!o.rt.ct_dicom_dir.empty()) inputs.push_back(o.rt.ct_dicom_dir);
  if (!o.rt.rtplan.empty()) inputs.push_back(o.rt.rtplan);
  check_outputs(outputs, inputs);
  const DoseFile file = read_dose_file(o.dose_path);
  const RtDoseExportResult r = export_dose_file_rtdose(file, o.rtdose, o.rt);
  std::cout << "wrote " << o.rtdose << ": RT Dose " << file.grid.describe() << "\n  identity: ";
  if (r.series.directory.empty())
    std::cout << "new study and frame of reference (no --ct)\n";
  else
    std::cout << "patient '" << r.series.identity.patient_id << "', study "
              << r.series.identity.study_instance_uid << ", frame of reference "
              << r.series.identity.frame_of_reference_uid << " from " << r.series.directory << " ("
              << r.series.slices << " images)\n";
  std::cout << "  plan: " << (r.plan_written ? "wrote " : "references ") << r.plan.path << " ("
            << r.plan.sop_instance_uid << ")\n";
}

}  // namespace

void add_export_command(CLI::App& app) {
  auto opt = std::make_shared<ExportOptions>();
  auto* cmd = app.add_subcommand("export", "Export a dose file for planning systems (DICOM RT Dose)");
  cmd->add_option("dose", opt->dose_path, "Dose file (HDF5, betadose format)")->required();
  cmd->add_option("--rtdose", opt->rtdose, "Write DICOM RT Dose here (e.g. dose.dcm)");
  cmd->add_option("--ct", opt->rt.ct_dicom_dir,
                  "DICOM CT series directory the dose was computed on: its patient, study and "
                  "frame of reference are used (default: new UIDs)");
  cmd->add_option("--rtplan", opt->rt.rtplan,
                  "Existing RT Plan the dose belongs to (referenced; default: write one)");
  cmd->add_option("--rtplan-out", opt->rt.rtplan_out,
                  "Where the RT Plan recording the administration goes (default: <rtdose>.rtplan.dcm)");
  cmd->add_option("--rtdose-bits", opt->rt.bits,
                  "Pixel size: 16 (default; quantum max/65535) or 32 (quantum max/(2^32-1))")
      ->capture_default_str();
  cmd->callback([opt]() { run_export(*opt); });
}

}  // namespace bd::cli
