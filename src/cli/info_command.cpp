// `betadose info`: what this build can do on this machine, and the physics data it finds;
// `betadose info dose.h5`: the dose file's summary and its TG-268 record (provenance.hh).
#include <CLI/CLI.hpp>
#include <omp.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "betadose/cli_commands.hh"
#include "betadose/data_paths.hh"
#include "betadose/device.hh"
#include "betadose/dose_file.hh"
#include "betadose/materials.hh"
#include "betadose/nuclide.hh"

namespace bd::cli {

namespace {

void print_dose_file_info(const std::string& path) {
  const DoseFile f = read_dose_file(path);
  std::cout << path << ": betadose dose file, method " << f.method << ", " << f.nuclide << ", "
            << f.grid.describe() << "\n"
            << "  total activity " << f.total_activity_bq * 1e-9 << " GBq, histories "
            << f.histories << ", seed " << f.seed << ", device " << f.device << ", wall time "
            << f.wall_time_s << " s\n"
            << "  energy emitted " << f.energy_emitted_J << " J, deposited " << f.energy_deposited_J
            << " J, escaped " << f.energy_escaped_J << " J\n";
  if (!f.roi.empty()) {
    std::cout << "  ROIs:";
    for (const auto& [name, mask] : f.roi) std::cout << " " << name;
    std::cout << "\n";
  }
  std::cout << "\n";
  if (f.provenance.empty())
    std::cout << "no /provenance group: the file was written before betadose recorded the "
                 "TG-268 record, or by another program\n";
  else
    std::cout << format_provenance(f.provenance);
}

}  // namespace

void add_info_command(CLI::App& app) {
  auto dose = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand(
      "info", "Show build configuration, GPUs, materials and nuclides; with a dose file, its "
              "summary and TG-268 provenance record");
  cmd->add_option("dose", *dose, "Dose file (HDF5): print its TG-268 record instead");
  cmd->callback([dose]() {
    if (!dose->empty()) {
      print_dose_file_info(*dose);
      return;
    }
    std::cout << "betadose " << BETADOSE_VERSION << "\n"
              << "CUDA backend:   " << (cuda_compiled() ? "compiled" : "not compiled") << "\n"
              << "GPUs:           " << cuda_device_summary() << "\n"
              << "OpenMP threads: " << omp_get_max_threads() << "\n"
              << "data directory: " << materials_dir() << "\n";

    const auto materials = load_materials();
    std::cout << "\nmaterials (" << materials.size() << "):\n";
    std::printf("  %-28s %13s %8s  %s\n", "name", "density g/cm3", "I eV", "source");
    for (const auto& m : materials) {
      std::printf("  %-28s %13.6g %8.3f  %s\n", m.name.c_str(), m.density_g_cm3, m.I_eV,
                  m.source.c_str());
    }
    std::fflush(stdout);

    const auto names = available_nuclides();
    std::cout << "\nnuclides (" << names.size() << "):\n";
    for (const auto& name : names) {
      const Nuclide nu = load_nuclide(name);
      std::printf(
          "  %-8s T1/2 %.6g h, beta endpoint %.4f MeV, mean beta %.5f MeV (sampled spectrum; "
          "listed %.5f), electrons %.5f MeV/decay = %.2f J/GBq to complete decay\n"
          "           source: %s\n",
          nu.name.c_str(), nu.half_life_s / 3600.0, nu.endpoint_MeV, nu.mean_beta_energy_MeV,
          nu.listed_mean_beta_energy_MeV, nu.electron_energy_per_decay_MeV,
          nu.electron_energy_to_complete_decay_J_per_GBq(), nu.source.c_str());
    }
    std::fflush(stdout);
  });
}

}  // namespace bd::cli
