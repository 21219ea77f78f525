// The Monte Carlo transport engine's host interface (implementation: src/transport/ and
// kernels/). Everything the engine needs arrives here; everything it produces leaves in a
// DoseResult. Dose is integrated to complete decay (energy per Bq = Ē·τ, τ = T½/ln 2).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "betadose/device.hh"
#include "betadose/electron_tables.hh"
#include "betadose/grid.hh"
#include "betadose/phantom.hh"
#include "betadose/run_control.hh"
#include "betadose/source.hh"
#include "kernels/transport_params.hh"

namespace bd {

struct TransportProgress {
  std::uint64_t histories_done = 0;
  std::uint64_t histories_planned = 0;   // 0 when running to a target uncertainty
  double elapsed_s = 0;
  double mean_rel_uncertainty = -1;      // over the stopping region, -1 before 2 batches
};

// What the dose tally means: absorbed dose to the voxel's medium, or dose to water in the
// medium, D_w = D_m · (S_col/ρ)_w / (S_col/ρ)_m, the ratio of unrestricted collision stopping
// powers applied per energy deposit at the depositing electron's energy (so it is averaged
// over the local electron spectrum exactly as the deposits are; kernels/decay_history.hh).
enum class DoseTo { medium, water };
const char* to_string(DoseTo d);
// "medium" | "water"; InputError naming `what` otherwise.
DoseTo parse_dose_to(const std::string& text, const std::string& what);

struct TransportOptions {
  std::uint64_t histories = 1000000;     // decays to simulate (upper bound with a target)
  double target_rel_uncertainty = 0;     // > 0: stop when reached (see uncertainty_mask)
  // Voxels whose mean relative uncertainty decides the stop; empty = voxels above 50 % of
  // the maximum dose.
  std::vector<std::uint8_t> uncertainty_mask;
  int batches = 10;                      // statistical batches (>= 2 for uncertainties)
  std::uint64_t seed = 1;
  Device device = Device::cpu;
  int threads = 0;                       // 0 = OpenMP default
  // Secondary-queue capacity [particles]: -1 = the device's default (GPU: a queue, CPU: the
  // per-history stack), 0 = none, n > 0 = n (kernels/secondary_queue.hh). The dose does not
  // depend on it (bitwise).
  std::int64_t secondary_queue = -1;
  DoseTo dose_to = DoseTo::medium;
  // The source entry (voxel or point) of each decay stratified within its batch
  // (kernels/source_sampling.hh, AliasTableView::stratified_uniform): the same expected dose,
  // a smaller variance (no multinomial spread of the decays per source voxel). false: one
  // independent uniform per decay.
  bool stratified_source = true;
  std::function<void(const TransportProgress&)> progress;  // optional, called per batch
  RunControl run;                        // MPI ranks, parts, checkpoint/resume (run_control.hh)
};

struct EnergyBalance {
  double emitted_MeV = 0;          // kinetic energy of all emitted particles
  double deposited_MeV = 0;        // in the scoring grid
  double escaped_electron_MeV = 0; // left the geometry
  double escaped_photon_MeV = 0;
  double below_cutoff_MeV = 0;     // deposited locally at cut-off (part of deposited)
  double overflow_MeV = 0;         // secondaries deposited where created for lack of room on
                                   // the stack (and in the queue); part of deposited
  // |emitted − deposited − escaped| / emitted
  double relative_residual() const;
};

// The energy balance per decay of a run's totals (balance slots of kernels/tallies.hh):
// per history × `scale` (betas per decay, or 1 per emitted particle).
EnergyBalance energy_balance_per_decay(const RunTotals& totals, double scale);

// The numbers besides the batch totals that make a voxel run's DoseResult (a part stores
// them, so that the merge finishes the run exactly as one process would).
struct VoxelRunScale {
  double total_activity_bq = 0;  // of the source [Bq]
  double decays_per_bq = 0;      // τ [s] for complete decay
  double betas_per_decay = 1;    // simulated histories (betas) per decay
  std::uint64_t seed = 0;
  std::string device, nuclide;
  DoseTo dose_to = DoseTo::medium;  // what the tally means (the merged file must say so too)
};

struct DoseResult {
  Grid grid;                                 // scoring grid
  std::vector<double> dose_gy;               // per voxel, complete decay of the source
  std::vector<double> rel_uncertainty;       // 1 sigma, from batch statistics
  std::vector<double> energy_per_decay_MeV;  // mean deposited energy per decay per voxel
  EnergyBalance balance_per_decay;           // mean per decay [MeV]
  std::uint64_t histories = 0;
  std::uint64_t seed = 0;
  double total_activity_bq = 0;
  double decays_per_bq = 0;                  // τ [s] for complete decay
  double wall_time_s = 0;
  std::string device;
  std::string nuclide;
  DoseTo dose_to = DoseTo::medium;
  // What the run used (for the TG-268 record): the parameters after the cut-offs were matched
  // to the grid, the table options, the batches actually run.
  TransportParams params;
  ElectronTableOptions table_options;
  int batches = 0;
  // Work counters (benchmarks, GPU.md "Measuring").
  double electron_steps_per_decay = 0;
  double photon_steps_per_decay = 0;
  double tally_flushes_per_decay = 0;   // integer atomics into the dose tally per decay
  VoxelRunScale scale;                  // what finish_voxel_run needs besides the totals
  std::string case_fingerprint;         // when options.run.make_digest was set
};

// Dose, uncertainty, energy balance and counters of a voxel run from its totals, on `grid`
// with the phantom's densities (the last step of run_voxel_transport/run_point_transport, and
// of the merge of parts). All fields 0 when the totals hold no decay (a part's own result).
DoseResult finish_voxel_run(const RunTotals& totals, const Grid& grid, const std::vector<float>& density_g_cm3,
                            const VoxelRunScale& scale);

// Voxel activity in a voxel phantom; scoring grid = phantom grid. The axes are transported in
// index space (spacing only), so any orthonormal direction matrix gives the same dose. With a
// target uncertainty, `histories` is the upper bound and batches of histories/batches decays
// run until the mean relative uncertainty over the mask (or the voxels above 50 % of the
// maximum dose) reaches the target, after at least 5 batches.
DoseResult run_voxel_transport(const Phantom& phantom, const VoxelSource& source,
                               const TransportOptions& options);

// Decays at explicit points (physical positions [mm], e.g. microspheres), weighted by their
// activities, in a voxel phantom; scoring grid = phantom grid. InputError for points outside.
DoseResult run_point_transport(const Phantom& phantom, const PointSource& source,
                               const TransportOptions& options);

}  // namespace bd
