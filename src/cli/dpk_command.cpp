// `betadose dpk`: Monte Carlo dose point kernel in a homogeneous material (DESIGN.md §4).
// CSV: r_inner_mm,r_outer_mm,r_mid_mm,energy_per_decay_MeV,dose_per_decay_Gy,rel_uncertainty
// after '#' header lines with the run, the deposited / beyond-rmax / escaped fractions and X90.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <fstream>
#include <iomanip>
#include <memory>

#include "betadose/cli_commands.hh"
#include "betadose/device.hh"
#include "betadose/errors.hh"
#include "betadose/point_kernels.hh"
#include "src/cli/progress_line.hh"

namespace bd::cli {

namespace {
struct DpkArgs {
  std::string nuclide = "Y-90";
  double electron_mev = 0;
  std::string material = "water";
  double density = 0;
  double shell_mm = 0.25, rmax_mm = 12;
  std::uint64_t histories = 1000000, seed = 1;
  int batches = 10, threads = 0;
  std::string device = "cpu", out;
};
}  // namespace

void add_dpk_command(CLI::App& app) {
  auto args = std::make_shared<DpkArgs>();
  auto* cmd = app.add_subcommand("dpk", "Monte Carlo dose point kernel (spherical shells) in a homogeneous material");
  auto* nuc = cmd->add_option("--nuclide", args->nuclide, "Emitting nuclide (beta spectrum)")->capture_default_str();
  auto* mono = cmd->add_option("--electron-mev", args->electron_mev, "Monoenergetic electrons of this energy [MeV] instead of a nuclide");
  nuc->excludes(mono);
  mono->excludes(nuc);
  cmd->add_option("--material", args->material, "Material (canonical name)")->capture_default_str();
  cmd->add_option("--density", args->density, "Density [g/cm3] (default: the material's nominal density)");
  cmd->add_option("--shell-mm", args->shell_mm, "Shell width [mm]")->capture_default_str();
  cmd->add_option("--rmax-mm", args->rmax_mm, "Outer radius of the last shell [mm]")->capture_default_str();
  cmd->add_option("--histories", args->histories, "Decays (or electrons) to simulate")->capture_default_str();
  cmd->add_option("--batches", args->batches, "Statistical batches (>= 2)")->capture_default_str();
  cmd->add_option("--seed", args->seed, "Random seed")->capture_default_str();
  cmd->add_option("--device", args->device, "cpu or cuda")->capture_default_str();
  cmd->add_option("--threads", args->threads, "CPU threads (0 = all)")->capture_default_str();
  cmd->add_option("--out", args->out, "Output CSV")->required();
  cmd->callback([args]() {
    KernelRunOptions opt;
    opt.histories = args->histories;
    opt.batches = args->batches;
    opt.seed = args->seed;
    opt.device = parse_device(args->device);
    opt.threads = args->threads;
    opt.progress = terminal_progress("dpk");
    BD_VALIDATE(args->density >= 0, "--density " << args->density << " must be positive");
    EmissionSpec em;
    em.nuclide = args->nuclide;
    em.electron_MeV = args->electron_mev;
    BD_VALIDATE(args->electron_mev >= 0, "--electron-mev " << args->electron_mev << " must be positive");
    const DpkResult r = run_dpk(em, args->material, args->shell_mm, args->rmax_mm, opt, args->density);
    std::ofstream out(args->out);
    BD_VALIDATE(out.good(), "--out " << args->out << ": cannot open for writing");
    out << "# betadose dpk: " << (em.electron_MeV > 0 ? "monoenergetic electrons " + std::to_string(em.electron_MeV) + " MeV" : em.nuclide)
        << " in " << r.material << " at " << r.density_g_cm3 << " g/cm3, " << r.histories << " histories, seed "
        << args->seed << ", device " << args->device << "\n";
    out << std::setprecision(6);
    out << "# emitted_per_decay_MeV " << r.emitted_per_decay_MeV << "\n";
    out << "# deposited_fraction " << r.deposited_fraction << " (in the shells, r < " << args->rmax_mm << " mm)\n";
    out << "# beyond_rmax_fraction " << r.beyond_rmax_fraction << "\n";
    out << "# escape_fraction " << r.escaped_fraction << " (photons leaving the world sphere, r > rmax + 20 mm)\n";
    out << "# X90_mm " << r.x90_mm << " (radius holding 90 % of the emitted energy; -1: beyond rmax)\n";
    if (em.electron_MeV > 0) out << "# csda_range_mm " << r.csda_range_mm << "\n";
    out << "r_inner_mm,r_outer_mm,r_mid_mm,energy_per_decay_MeV,dose_per_decay_Gy,rel_uncertainty\n";
    out << std::setprecision(8);
    for (const auto& s : r.shells)
      out << s.r_inner_mm << ',' << s.r_outer_mm << ',' << s.r_mid_mm << ',' << s.energy_per_decay_MeV << ','
          << s.dose_per_decay_Gy << ',' << s.rel_uncertainty << '\n';
    BD_VALIDATE(out.good(), "--out " << args->out << ": write failed");
    std::printf("dpk: %llu histories in %.2f s (%.3g /s), deposited fraction %.4f, X90 %.3f mm -> %s\n",
                static_cast<unsigned long long>(r.histories), r.wall_time_s, r.histories / r.wall_time_s,
                r.deposited_fraction, r.x90_mm, args->out.c_str());
  });
}

}  // namespace bd::cli
