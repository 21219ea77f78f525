// `betadose dpk`: Monte Carlo dose point kernel in a homogeneous material (DESIGN.md §4).
// CSV: r_inner_mm,r_outer_mm,r_mid_mm,energy_per_decay_MeV,dose_per_decay_Gy,rel_uncertainty
// after '#' header lines with the run, the deposited / beyond-rmax / escaped fractions and X90.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <sstream>
#include <iomanip>
#include <memory>

#include "betadose/cli_commands.hh"
#include "betadose/device.hh"
#include "betadose/errors.hh"
#include "betadose/point_kernels.hh"
#include "betadose/text_file.hh"
#include "src/cli/kernel_run_args.hh"

namespace bd::cli {

void add_dpk_command(CLI::App& app) {
  struct DpkArgs : KernelRunArgs {
    double shell_mm = 0.25, rmax_mm = 12;
  };
  auto args = std::make_shared<DpkArgs>();
  args->material = "water";
  auto* cmd = app.add_subcommand("dpk", "Monte Carlo dose point kernel (spherical shells) in a homogeneous material");
  add_kernel_run_options(cmd, *args);
  cmd->add_option("--shell-mm", args->shell_mm, "Shell width [mm]")
      ->check(real_check(ValueRange::positive()))->capture_default_str();
  cmd->add_option("--rmax-mm", args->rmax_mm, "Outer radius of the last shell [mm]")
      ->check(real_check(ValueRange::positive()))->capture_default_str();
  cmd->callback([args]() {
    KernelRunOptions opt = kernel_run_options(*args, "dpk");
    ScaleOut scale(args->scale, kernel_run_identity(*args, "dpk", {{"shell_mm", args->shell_mm}, {"rmax_mm", args->rmax_mm}}));
    opt.run = scale.control();
    const EmissionSpec em = emission_of(*args);
    const DpkResult r = run_dpk(em, args->material, args->shell_mm, args->rmax_mm, opt, args->density);
    if (!ranks().root()) return;
    write_text_file_atomic(args->out, format_dpk_csv(r, args->seed, args->device), "output",
                           [&] { scale.finished(); });
    std::printf("dpk: %llu histories in %.2f s (%.3g /s), deposited fraction %.4f, X90 %.3f mm -> %s\n",
                static_cast<unsigned long long>(r.histories), r.wall_time_s, r.histories / r.wall_time_s,
                r.deposited_fraction, r.x90_mm, args->out.c_str());
  });
}

}  // namespace bd::cli
