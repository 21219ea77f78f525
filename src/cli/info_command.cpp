// `betadose info`: what this build can do on this machine.
#include <CLI/CLI.hpp>
#include <omp.h>

#include <iostream>

#include "betadose/cli_commands.hh"
#include "betadose/data_paths.hh"
#include "betadose/device.hh"

namespace bd::cli {

void add_info_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("info", "Show build configuration, GPUs, materials and nuclides");
  cmd->callback([]() {
    std::cout << "betadose " << BETADOSE_VERSION << "\n"
              << "CUDA backend:   " << (cuda_compiled() ? "compiled" : "not compiled") << "\n"
              << "GPUs:           " << cuda_device_summary() << "\n"
              << "OpenMP threads: " << omp_get_max_threads() << "\n"
              << "data directory: " << materials_dir() << "\n";
  });
}

}  // namespace bd::cli
