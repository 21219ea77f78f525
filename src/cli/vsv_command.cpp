// `betadose vsv`: Monte Carlo voxel S-values for a cubic voxel and a material (DESIGN.md §4).
// CSV: i,j,k,s_mGy_per_MBq_s,energy_fraction,rel_uncertainty for 0 <= k <= j <= i <= half-width.
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

void add_vsv_command(CLI::App& app) {
  struct VsvArgs : KernelRunArgs {
    double voxel_mm = 4;
    int half_width = 5;
  };
  auto args = std::make_shared<VsvArgs>();
  args->material = "soft-tissue";
  auto* cmd = app.add_subcommand("vsv", "Monte Carlo voxel S-values (source uniformly filling the central voxel)");
  add_kernel_run_options(cmd, *args);
  // 10 µm to 10 cm: below, the resolution-matched cut-offs leave the physics tables' range.
  cmd->add_option("--voxel-mm", args->voxel_mm, "Cubic voxel side [mm] (0.01 to 100)")
      ->check(real_check(ValueRange{0.01, 100.0, true, true}))->capture_default_str();
  cmd->add_option("--half-width", args->half_width, "Largest offset reported (voxels)")
        ->transform(whole_check(0, 100))->capture_default_str();
  cmd->callback([args]() {
    KernelRunOptions opt = kernel_run_options(*args, "vsv");
    ScaleOut scale(args->scale, kernel_run_identity(*args, "vsv", {{"voxel_mm", args->voxel_mm}, {"half_width", double(args->half_width)}}));
    opt.run = scale.control();
    const EmissionSpec em = emission_of(*args);
    const VsvResult r = run_vsv(em, args->material, args->voxel_mm, args->half_width, opt, args->density);
    if (!ranks().root()) return;
    std::ostringstream out;
    out << "# betadose vsv: " << describe_emission(em)
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
    write_text_file_atomic(args->out, out.str(), "output", [&] { scale.finished(); });
    std::printf("vsv: %llu histories in %.2f s (%.3g /s), S(0,0,0) = %.4g mGy/(MBq s) -> %s\n",
                static_cast<unsigned long long>(r.histories), r.wall_time_s, r.histories / r.wall_time_s,
                r.entries.empty() ? 0.0 : r.entries[0].s_mGy_per_MBq_s, args->out.c_str());
  });
}

}  // namespace bd::cli
