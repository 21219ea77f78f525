// What every engine writes and prints for a case (implementation: src/case/case_output.cpp):
// the dose file (DESIGN.md §4) with the case's geometry, activity, phantom, ROIs and
// provenance, the optional viewer export, and the per-ROI summary table. All outputs go
// through the one output layer (output_file.hh): checked before any work, staged, and
// committed together at the end.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "betadose/case.hh"
#include "betadose/dose_file.hh"
#include "betadose/materials.hh"
#include "betadose/output_file.hh"
#include "betadose/provenance.hh"

namespace bd {

// Before reading anything: --out ends in .h5/.hdf5, --export is an image format, all outputs
// (with --export-rtdose's RT Plan, and `more`, e.g. a checkpoint) are writable and none is an
// input (check_outputs). InputError naming the option otherwise.
void check_case_outputs(const CaseSpec& spec, const std::vector<OutputTarget>& more = {});
// The files a case writes: --out, --export, --export-rtdose and its RT Plan.
std::vector<OutputTarget> case_output_targets(const CaseSpec& spec);

// After the case is loaded, before the engine runs: with --export-rtdose and a DICOM --ct
// directory, that series must be readable as one study and frame of reference and overlap the
// dose grid (rtdose.hh), so that a long run never ends in a refused export.
void check_case_rtdose(const CaseSpec& spec, const DoseCase& dose_case);

// The input files of a case by option ("--ct", "--mask liver", ...; --activity-mask and
// --lung-mask may name an ROI instead of a file), and their paths (for check_outputs).
std::vector<std::pair<std::string, std::string>> case_inputs(const CaseSpec& spec);
std::vector<std::string> case_input_paths(const CaseSpec& spec);

// Dose file fields that come from the case: grid, activity, density, materials, ROIs,
// nuclide, total activity, the outside-geometry policy, the activity calibration, and the
// provenance (text attribute "provenance", one "quantity = value  [source]" line per item).
// The engine adds dose, uncertainty, energies, method and run data.
DoseFile case_dose_file(const DoseCase& dose_case);

// The case part of the TG-268 record (provenance.hh): geometry, source, units conversion,
// lung shunt, and every input's origin (DoseCase::provenance, ROI origins).
RunCaseDescription case_run_description(const DoseCase& dose_case);
// The case's materials (phantom material names, in table order) as loaded.
std::vector<Material> case_materials(const DoseCase& dose_case);
// "name: what it compares" of every validation case (validation.hh), for the record.
std::vector<std::string> validation_case_summaries();

// Writes spec.out and, when given, spec.export_path (the dose as an image) and
// spec.export_rtdose (RT Dose + RT Plan) as one set; `committed` runs in the same step as the
// renames (commit_all), e.g. removing the checkpoint of the completed run.
void write_case_outputs(const CaseSpec& spec, const DoseFile& file, const std::function<void()>& committed = {});

// The per-ROI table every engine prints: ROI, volume_ml, mean_Gy, D70_Gy, D90_Gy, V<x>_%
// for each threshold, unc_% (mean voxel relative uncertainty; 0 for deterministic methods).
// Empty when the file has no ROI.
std::string roi_summary_table(const DoseFile& file, const std::vector<double>& v_thresholds_gy);

}  // namespace bd
