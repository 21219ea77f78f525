// `betadose kernel --method ldm|dpk|vsv`: dose by local deposition or kernel convolution with
// exactly the inputs, output file and ROI summary of `betadose mc` (the shared case options);
// the work is src/case (load_case, run_kernel_case, write_case_outputs).
#include <CLI/CLI.hpp>

#include <memory>

#include "betadose/case_engines.hh"
#include "betadose/case_options.hh"
#include "betadose/cli_commands.hh"
#include "case_run.hh"

namespace bd::cli {
namespace {

struct KernelArgs {
  CaseSpec spec;
  KernelSettings kernel;
};

void run_kernel(const KernelArgs& a) {
  check_kernel_settings(a.kernel);
  CaseNeeds needs;
  needs.bytes_per_dose_voxel = kKernelBytesPerVoxel;
  run_case_command(a.spec, needs, [&](const DoseCase& dc) { return run_kernel_case(dc, a.kernel); });
}

}  // namespace

void add_kernel_command(CLI::App& app) {
  auto a = std::make_shared<KernelArgs>();
  auto* cmd = app.add_subcommand(
      "kernel", "Dose by local deposition (ldm), DPK or VSV convolution; the inputs and outputs of `mc`");
  add_case_options(*cmd, a->spec, CaseOptionSet::dose);
  auto* g = "Kernel method";
  auto& k = a->kernel;
  // Checked by check_kernel_settings (the message lists the methods).
  cmd->add_option("--method", k.method, "ldm | dpk | vsv (required)")->group(g);
  cmd->add_option("--dpk-file", k.dpk_file,
                  "Point kernel CSV (`betadose dpk` or Graves 2019 format; default: 90Y water, Graves 2019)")->group(g);
  cmd->add_option("--vsv-file", k.vsv_file,
                  "`betadose vsv` CSV for the grid's voxel size (default: Lanconelli 2012 soft tissue)")->group(g);
  cmd->add_option("--vsv-material", k.vsv_material, "Material of --vsv-file when its header names none")
      ->capture_default_str()->group(g);
  cmd->add_option("--vsv-bone-file", k.vsv_bone_file,
                  "Bone `betadose vsv` CSV for --density-correction material (default: Lanconelli bone)")->group(g);
  cmd->add_option("--vsv-bone-material", k.vsv_bone_material, "Material of --vsv-bone-file")
      ->capture_default_str()->group(g);
  cmd->add_option("--density-correction", k.density_correction,
                  "none | density (scale by rho_kernel/rho_voxel) | material (soft/bone kernels per voxel + "
                  "density scaling)")->capture_default_str()->group(g);
  cmd->callback([a]() { run_kernel(*a); });
}

}  // namespace bd::cli
