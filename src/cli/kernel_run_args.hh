// Options shared by `betadose dpk` and `betadose vsv`: what is emitted, the medium, and how
// the Monte Carlo runs.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <filesystem>
#include <iomanip>
#include <sstream>
#include <string>

#include "betadose/case_scale_out.hh"
#include "betadose/device.hh"
#include "betadose/errors.hh"
#include "betadose/option_checks.hh"
#include "betadose/output_file.hh"
#include "betadose/parallel.hh"
#include "betadose/point_kernels.hh"
#include "src/cli/progress_line.hh"

namespace bd::cli {

struct KernelRunArgs {
  std::string nuclide = "Y-90";
  double electron_mev = 0;
  std::string material;
  double density = 0;
  std::uint64_t histories = 1000000, seed = 1;
  int batches = 10, threads = 0;
  std::string device = "cpu", out;
  ScaleOutSettings scale;  // --checkpoint, --checkpoint-every-s, --resume
};

inline void add_kernel_run_options(CLI::App* cmd, KernelRunArgs& a) {
  auto* nuc = cmd->add_option("--nuclide", a.nuclide, "Emitting nuclide (beta spectrum)")->capture_default_str();
  auto* mono = cmd->add_option("--electron-mev", a.electron_mev,
                               "Monoenergetic electrons of this energy [MeV] instead of a nuclide")
                   ->check(real_check(ValueRange::positive()));
  nuc->excludes(mono);
  mono->excludes(nuc);
  cmd->add_option("--material", a.material, "Material (canonical name)")->capture_default_str();
  // From below air (1.2e-3) to above any tissue or metal; 1e-30 ran, depositing nothing.
  cmd->add_option("--density", a.density, "Density [g/cm3], 1e-4 to 30 (default: the material's nominal density)")
      ->check(real_check(ValueRange{1e-4, 30.0, true, true}));
  cmd->add_option("--histories", a.histories, "Decays (or electrons) to simulate")->capture_default_str();
  cmd->add_option("--batches", a.batches, "Statistical batches (>= 2)")->capture_default_str();
  cmd->add_option("--seed", a.seed, "Random seed")->capture_default_str();
  cmd->add_option("--device", a.device, "cpu or cuda")->capture_default_str();
  cmd->add_option("--threads", a.threads, "CPU threads (0 = all)")->capture_default_str();
  cmd->add_option("--out", a.out, "Output CSV")->required();
  add_scale_out_options(*cmd, a.scale, false);
}

// The identity of a dpk/vsv run for checkpoints: the emission, the medium, the run options and
// the command's geometry (name, value).
inline RunIdentity kernel_run_identity(const KernelRunArgs& a, const std::string& command,
                                       const std::vector<std::pair<std::string, double>>& geometry) {
  std::ostringstream os;
  os << std::setprecision(17) << "nuclide = " << a.nuclide << "\nelectron_mev = " << a.electron_mev
     << "\nmaterial = " << a.material << "\ndensity = " << a.density << "\nhistories = " << a.histories
     << "\nbatches = " << a.batches << "\nseed = " << a.seed << "\ndevice = " << a.device << "\n";
  for (const auto& [name, value] : geometry) os << name << " = " << value << "\n";
  return make_run_identity(command, {}, os.str());
}

inline KernelRunOptions kernel_run_options(const KernelRunArgs& a, const char* label) {
  BD_VALIDATE(a.density >= 0, "--density " << a.density << " must be positive");
  BD_VALIDATE(a.electron_mev >= 0, "--electron-mev " << a.electron_mev << " must be positive");
  // Fail before a long run, not after it, when the output cannot be written.
  check_scale_out_settings(a.scale, 0);
  auto outputs = scale_out_outputs(a.scale);
  outputs.push_back({"--out", a.out});
  check_outputs(outputs, {});
  check_outputs_spare_resume(a.scale, outputs);  // the checkpoint being resumed is an input
  KernelRunOptions opt;
  opt.histories = a.histories;
  opt.batches = a.batches;
  opt.seed = a.seed;
  opt.device = parse_device(a.device);
  opt.threads = a.threads;
  if (ranks().root()) opt.progress = terminal_progress(label);
  return opt;
}

inline EmissionSpec emission_of(const KernelRunArgs& a) {
  EmissionSpec em;
  em.nuclide = a.nuclide;
  em.electron_MeV = a.electron_mev;
  return em;
}

}  // namespace bd::cli
