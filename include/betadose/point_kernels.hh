// Monte Carlo dose point kernels (DPK) and voxel S-values (VSV) with the transport engine:
// the `betadose dpk` and `betadose vsv` commands (DESIGN.md §4) and the validation tests.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "betadose/device.hh"
#include "betadose/electron_tables.hh"
#include "betadose/materials.hh"
#include "betadose/transport.hh"
#include "kernels/transport_params.hh"

namespace bd {

// What is emitted: a nuclide's beta spectrum (one beta per simulated decay, results scaled by
// the nuclide's betas per decay) or monoenergetic electrons (per emitted electron).
struct EmissionSpec {
  std::string nuclide = "Y-90";
  double electron_MeV = 0;  // > 0: monoenergetic electrons instead of the nuclide
};

struct KernelRunOptions {
  std::uint64_t histories = 1000000;
  int batches = 10;
  std::uint64_t seed = 1;
  Device device = Device::cpu;
  int threads = 0;
  std::int64_t secondary_queue = -1;  // as TransportOptions::secondary_queue (transport.hh)
  TransportParams params;  // defaults: kernels/transport_params.hh
  ElectronTableOptions tables;  // production thresholds W_cc, W_cr and the energy grid
  // Set W_cc and eabs_electron from the scoring resolution (shell width or voxel size;
  // match_cuts_to_resolution in transport_physics.hh), overriding the two values above.
  bool match_cuts = true;
  std::function<void(const TransportProgress&)> progress;
  RunControl run;  // MPI ranks, checkpoint/resume (run_control.hh)
};

struct DpkShell {
  double r_inner_mm = 0, r_outer_mm = 0, r_mid_mm = 0;
  double energy_per_decay_MeV = 0;   // mean energy deposited in the shell per decay
  double dose_per_decay_Gy = 0;      // energy / shell mass
  double rel_uncertainty = 0;        // 1 sigma, batch statistics
};

struct DpkResult {
  std::string material;
  double density_g_cm3 = 0;
  EmissionSpec emission;
  double emitted_per_decay_MeV = 0;  // mean emitted kinetic energy per decay (as simulated)
  std::vector<DpkShell> shells;
  double deposited_fraction = 0;     // in the shells (r < rmax) / emitted
  double beyond_rmax_fraction = 0;   // deposited in the medium beyond rmax / emitted
  double escaped_fraction = 0;       // photons leaving the world sphere / emitted
  double x90_mm = -1;                // radius holding 90 % of the emitted energy (-1: > rmax)
  double csda_range_mm = 0;          // CSDA range of electron_MeV in the material (mono only)
  EnergyBalance balance_per_decay;
  std::uint64_t histories = 0;
  double wall_time_s = 0;
  double steps_per_decay = 0;
};

// "Y-90" or "monoenergetic electrons 0.5 MeV" (CSV headers, messages).
std::string describe_emission(const EmissionSpec& emission);

// The `betadose dpk` CSV (DESIGN.md §4): '#' lines with the run (emission, medium, histories,
// seed, device) and the energy fractions, then
// r_inner_mm,r_outer_mm,r_mid_mm,energy_per_decay_MeV,dose_per_decay_Gy,rel_uncertainty.
std::string format_dpk_csv(const DpkResult& result, std::uint64_t seed, const std::string& device);

// Point source at the centre of an infinite medium of `material` at its nominal density
// (or `density_g_cm3` > 0), spherical shells of width shell_mm up to rmax_mm.
DpkResult run_dpk(const EmissionSpec& emission, const std::string& material, double shell_mm,
                  double rmax_mm, const KernelRunOptions& options, double density_g_cm3 = 0);

struct VsvEntry {
  int i = 0, j = 0, k = 0;             // 0 <= k <= j <= i <= half_width
  double s_mGy_per_MBq_s = 0;          // mean absorbed dose per decay in the target voxel
  double energy_fraction = 0;          // energy deposited in one such voxel / emitted energy
  double rel_uncertainty = 0;
};

struct VsvResult {
  std::string material;
  double voxel_mm = 0, density_g_cm3 = 0;
  int half_width = 0;
  EmissionSpec emission;
  double emitted_per_decay_MeV = 0;
  std::vector<VsvEntry> entries;       // ordered by i, then j, then k
  EnergyBalance balance_per_decay;
  std::uint64_t histories = 0;
  double wall_time_s = 0;
  double steps_per_decay = 0;
  // S value for any offset (symmetry: sorted absolute values); -1 beyond half_width.
  double s_value(int i, int j, int k) const;
};

// Source uniformly filling the central voxel of a cube of (2·half_width+1)³ voxels of
// `voxel_mm` (plus a margin of 2 voxels for backscatter) of `material` at its nominal density
// (or `density_g_cm3` > 0). S values are averaged over the 48 symmetric voxels of each offset.
VsvResult run_vsv(const EmissionSpec& emission, const std::string& material, double voxel_mm,
                  int half_width, const KernelRunOptions& options, double density_g_cm3 = 0);

// A voxel phantom of explicit materials (by definition, not by name: two identical materials
// under different names are two materials to the engine) with decays uniform over
// `source_voxels`; coordinates and indices as VoxelGeometry (x fastest). For kernel studies,
// heterogeneity and invariance tests.
struct KernelPhantom {
  std::vector<Material> materials;
  int nx = 0, ny = 0, nz = 0;
  std::array<double, 3> voxel_mm{0, 0, 0};
  std::vector<std::uint8_t> material_id;   // per voxel, index into `materials`
  std::vector<float> density_g_cm3;        // per voxel
  std::vector<std::size_t> source_voxels;  // equal activity in each
  // Optional scoring groups: voxel -> output bin (-1: not reported). Empty: one bin per
  // voxel. The uncertainty of a group sum comes from its batch spread (voxel correlations
  // included), unlike a sum of per-voxel uncertainties.
  std::vector<int> score_group;
};

struct VoxelKernelResult {
  std::vector<double> energy_per_decay_MeV;  // per voxel (or per score group)
  std::vector<double> rel_uncertainty;       // same bins, 1 sigma (batch statistics)
  int batches = 0;
  double emitted_per_decay_MeV = 0;
  EnergyBalance balance_per_decay;
  std::uint64_t histories = 0;
  double wall_time_s = 0;
  double steps_per_decay = 0;
};

// Cut-offs matched (options.match_cuts) to the smallest voxel side at the lowest density.
VoxelKernelResult run_voxel_kernel(const EmissionSpec& emission, const KernelPhantom& phantom,
                                   const KernelRunOptions& options);

}  // namespace bd
