// All transport parameters in ONE place (issue 4). Defaults are the values the validation
// tests (tests/core/transport_validation_test.cpp) were run with; change them only together
// with those tests. The production thresholds W_cc / W_cr are table parameters
// (ElectronTableOptions in include/betadose/electron_tables.hh) and are fixed when the tables
// are built; the host copies them here so the kernel knows them.
//
//   parameter            default   meaning
//   eabs_electron_MeV    0.010     electrons below this are stopped, residual energy local
//                                  (CSDA range in water 2.5 µm, far below any scoring bin)
//   eabs_photon_MeV      0.010     photons below this are absorbed locally (mfp ~ 2 mm in water
//                                  at 10 keV, but only ~1e-4 of the 90Y energy is carried by
//                                  such photons)
//   max_eloss_fraction   0.10      a condensed-history step loses at most this fraction of
//                                  the kinetic energy by soft (continuous) loss
//   max_step_lambda1     0.50      and is at most this many first transport mean free paths
//                                  (keeps the random-hinge MS angle well inside the MW model)
//   straggling           on        Bohr straggling of the restricted soft loss (exact mean and
//                                  variance, PENELOPE soft-loss distributions)
//   range_rejection      on        electrons whose CSDA range is below the distance to their
//                                  voxel's faces deposit there (voxel tallies only)
// Production thresholds and the electron absorption energy are matched to the scoring
// resolution by match_cuts_to_resolution() (transport_physics.hh): W_cc = eabs_electron = the
// energy whose CSDA range is 2 % of the voxel/shell size, clamped to [5, 50] keV.
//
// Units: energies [MeV], lengths [cm], mass thickness [g/cm²].
#pragma once

#include <cstdint>

#include "kernels/macros.hh"
#include "kernels/physics_model.hh"

namespace bd {

// The variance-reduction technique of the engine (TG-268 "VRT"), switched by range_rejection.
inline constexpr PhysicsModel kRangeRejection{
    "variance reduction: range rejection",
    "an electron whose CSDA range is below the distance to its voxel's faces deposits its "
    "energy there (voxel tallies only; its bremsstrahlung, a fraction of a percent of the 90Y "
    "energy, then stays local too)",
    "Sempau et al., Phys Med Biol 45 (2000) 2263 (DPM); EGSnrc practice"};

// Secondary stack depth per history (registers/local memory). A 2.28 MeV electron makes at
// most a handful of δ-rays above 20 keV alive at once (they are processed depth first); when
// the stack is full the secondary is deposited locally and counted (balance stays closed).
inline constexpr int kStackDepth = 24;

struct TransportParams {
  float eabs_electron_MeV = 0.010f;
  float eabs_photon_MeV = 0.010f;
  float max_eloss_fraction = 0.10f;
  float max_step_lambda1 = 0.50f;
  bool straggling = true;
  bool range_rejection = true;
  // Copied from the electron tables (production thresholds the cross sections assume).
  float wcc_MeV = 0.020f;
  float wcr_MeV = 0.010f;
};

}  // namespace bd
