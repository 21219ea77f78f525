// `betadose vsv`: Monte Carlo voxel S-values for a cubic voxel and a material (DESIGN.md §4).
// CSV: i,j,k,s_mGy_per_MBq_s,energy_fraction,rel_uncertainty for 0 <= k <= j <= i <= half-width.
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
struct VsvArgs {
  std::string nuclide = "Y-90";
  double electron_mev = 0;
  std::string material = "soft-tissue";
  double density = 0;
  double voxel_mm = 4;
  int half_width = 5;
  std::uint64_t histories = 1000000, seed = 1;
  int batches = 10, threads = 0;
  std::string device = "cpu", out;
};
}  // namespace

void add_vsv_command(CLI::App& app) {
  auto args = std::make_shared<VsvArgs>();
  auto* cmd = app.add_subcommand("vsv", "Monte Carlo voxel S-values (source uniformly filling the central voxel)");
  auto* nuc = cmd->add_option("--nuclide", args->nuclide, "Emitting nuclide (beta spectrum)")->capture_default_str();
  auto* mono = cmd->add_option("--electron-mev", args->electron_mev, "Monoenergetic electrons of this energy [MeV] instead of a nuclide");
  nuc->excludes(mono);
  mono->excludes(nuc);
  cmd->add_option("--material", args->material, "Material (canonical name)")->capture_default_str();
  cmd->add_option("--density", args->density, "Density [g/cm3] (default: the material's nominal density)");
  cmd->add_option("--voxel-mm", args->voxel_mm, "Cubic voxel side [mm]")->capture_default_str();
  cmd->add_option("--half-width", args->half_width, "Largest offset reported (voxels)")->capture_default_str();
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
    opt.progress = terminal_progress("vsv");
    BD_VALIDATE(args->density >= 0, "--density " << args->density << " must be positive");
    BD_VALIDATE(args->electron_mev >= 0, "--electron-mev " << args->electron_mev << " must be positive");
    EmissionSpec em;
    em.nuclide = args->nuclide;
    em.electron_MeV = args->electron_mev;
    const VsvResult r = run_vsv(em, args->material, args->voxel_mm, args->half_width, opt, args->density);
    std::ofstream out(args->out);
    BD_VALIDATE(out.good(), "--out " << args->out << ": cannot open for writing");
    out << "# betadose vsv: " << (em.electron_MeV > 0 ? "monoenergetic electrons " + std::to_string(em.electron_MeV) + " MeV" : em.nuclide)
        << " in " << r.material << " at " << r.density_g_cm3 << " g/cm3, voxel " << r.voxel_mm << " mm, "
        << r.histories << " histories, seed " << args->seed << ", device " << args->device << "\n";
    out << std::setprecision(6);
    out << "# emitted_per_decay_MeV " << r.emitted_per_decay_MeV << "\n";
    out << "# energy balance per decay [MeV]: deposited " << r.balance_per_decay.deposited_MeV << ", escaped electrons "
        << r.balance_per_decay.escaped_electron_MeV << ", escaped photons " << r.balance_per_decay.escaped_photon_MeV << "\n";
    out << "i,j,k,s_mGy_per_MBq_s,energy_fraction,rel_uncertainty\n";
    out << std::setprecision(8);
    for (const auto& e : r.entries)
      out << e.i << ',' << e.j << ',' << e.k << ',' << e.s_mGy_per_MBq_s << ',' << e.energy_fraction << ','
          << e.rel_uncertainty << '\n';
    BD_VALIDATE(out.good(), "--out " << args->out << ": write failed");
    std::printf("vsv: %llu histories in %.2f s (%.3g /s), S(0,0,0) = %.4g mGy/(MBq s) -> %s\n",
                static_cast<unsigned long long>(r.histories), r.wall_time_s, r.histories / r.wall_time_s,
                r.entries.empty() ? 0.0 : r.entries[0].s_mGy_per_MBq_s, args->out.c_str());
  });
}

}  // namespace bd::cli
