// The dose engines run on a loaded case (implementation: src/case/mc_engine.cpp,
// src/case/kernel_engine.cpp). Each returns the dose file (case_output.hh's case_dose_file plus
// the engine's dose, uncertainty, energies and run data) and the lines it wants printed; the
// CLI prints them, then the ROI summary (roi_summary_table), so every engine reports alike.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "betadose/case.hh"
#include "betadose/dose_file.hh"
#include "betadose/transport.hh"

namespace bd {

// ---- Monte Carlo ------------------------------------------------------------------------------
// Memory per dose voxel: phantom (1 + 4), source content + activity (2 x 8), result dose /
// uncertainty / energy (3 x 8), engine tallies (sum, sum^2, batch: 3 x 8), output copies (4 x 4).
inline constexpr double kMcBytesPerVoxel = 5 + 16 + 24 + 24 + 16;

struct McSettings {
  std::string histories = "1e6";  // decays; "2e7" style accepted
  double target_uncertainty = 0;  // relative, in (0, 1); 0 = run all histories
  std::string uncertainty_mask;   // ROI deciding the stop (default: voxels > 50 % of max)
  int batches = 10;
  std::uint64_t seed = 1;
  std::string device = "cpu";
  int threads = 0;
  std::string dose_to = "medium";  // medium | water (dose to water in medium, transport.hh)
  std::string source_sampling = "stratified";  // stratified | independent (TransportOptions)
};

// Checks the settings before any input is read (InputError naming the option); also applies
// --threads to the host-side preparation and checks that the device exists.
void check_mc_settings(const McSettings& settings);

struct EngineRun {
  DoseFile file;
  std::vector<std::string> lines;  // run, energy, uncertainty ...
};

// `run`: MPI ranks, checkpoint and resume (run_control.hh; case_scale_out.hh builds it).
EngineRun run_mc_case(const DoseCase& dose_case, const McSettings& settings,
                      const std::function<void(const TransportProgress&)>& progress = {},
                      const RunControl& run = {});

// The transport options of `settings` on a case (the stop region resolved among its ROIs).
TransportOptions mc_transport_options(const DoseCase& dose_case, const McSettings& settings);
// The ROI --uncertainty-mask names (nullptr for ""); InputError listing the ROIs otherwise.
const std::vector<std::uint8_t>* mc_stop_region(const RoiSet& rois, const std::string& name);

// What the Monte Carlo report needs besides the result.
struct McReport {
  double target_uncertainty = 0;
  const std::vector<std::uint8_t>* stop_region = nullptr;  // nullptr: voxels > 50 % of max
  std::string stop_region_name;
  std::string device = "cpu";
  int threads = 0;           // --threads (TG-268 machine section)
  double engine_wall_s = 0;  // the engine's time (transport and its preparation)
};

// The case's dose file (case_dose_file) with the TG-268 record of the case and of the
// parameters `result` used (the sections of what the transport did come with mc_engine_run):
// what a job-array part stores for the merge.
DoseFile mc_case_dose_file(const DoseCase& dose_case, const DoseResult& result);

// The dose file and lines of a Monte Carlo result on the case's dose file `skeleton`
// (mc_case_dose_file): the last step of run_mc_case, and of the merge of parts.
EngineRun mc_engine_run(DoseFile skeleton, const DoseResult& result, const McReport& report);

// ---- kernel methods (kernel_methods.hh) ------------------------------------------------------------
// Memory per dose voxel of the FFT convolution: zero-padded grid (up to 8x the voxels) of
// real + complex transforms of decays and kernel, plus the case itself.
inline constexpr double kKernelBytesPerVoxel = 8 * (8 + 16) * 2 + 85;

struct KernelSettings {
  std::string method;  // ldm | dpk | vsv
  std::string dpk_file, vsv_file, vsv_bone_file;
  std::string vsv_material = "soft-tissue";
  std::string vsv_bone_material = "cortical-bone";
  std::string density_correction = "none";  // none | density | material
};

// Checks the method, the density correction and that kernel files exist (before the images).
void check_kernel_settings(const KernelSettings& settings);

EngineRun run_kernel_case(const DoseCase& dose_case, const KernelSettings& settings);

}  // namespace bd
