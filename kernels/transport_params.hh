// All transport parameters in ONE place (issue 4). Defaults are the values the validation
// tests (tests/core/transport_*_test.cpp) were run with; change them only together
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
//   max_eloss_fraction   0.10      a condensed-history flight loses at most this fraction of
//                                  the kinetic energy by soft (continuous) loss
//   elastic_event_lambda1 0.10     mean free path of the artificial elastic collisions in
//                                  units of λ1 (each deflects with <1 − cos θ> = this value;
//                                  kernels/decay_history.hh): 0.1 keeps the mono kernels
//                                  within 0.5 % of their peak of the converged (0.05) result
//   straggling           on        Bohr straggling of the restricted soft loss (exact mean and
//                                  variance, PENELOPE soft-loss distributions)
//   range_rejection      on        electrons whose CSDA range is below the distance to their
//                                  voxel's faces deposit there (voxel tallies only); the
//                                  bremsstrahlung of their residual track is still emitted
//   dose_to_water        off       dose to medium; on: dose to water in medium (see the field)
//   stratified_source    off       voxel and point-list sources of `mc`: the source entry of
//                                  each decay from a randomised golden-ratio sequence per batch
//                                  (kernels/source_sampling.hh); set from
//                                  TransportOptions::stratified_source (on by default there)
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

// The variance-reduction techniques of the engine (TG-268 "VRT"), switched by range_rejection
// and stratified_source.
inline constexpr PhysicsModel kStratifiedSourceSampling{
    "variance reduction: stratified source sampling",
    "the source voxel (or point) of decay k of a batch from u_k = frac(U_b + k phi), phi the "
    "golden ratio, U_b a random shift per batch (randomised quasi-Monte Carlo): every decay still "
    "samples the activity exactly, each voxel gets its expected number of decays to within a few, "
    "and the batches stay independent replicas for the uncertainty",
    "Niederreiter, Random Number Generation and Quasi-Monte Carlo Methods (SIAM 1992); "
    "L'Ecuyer & Lemieux, Modeling Uncertainty (Kluwer 2002) 419"};
inline constexpr PhysicsModel kRangeRejection{
    "variance reduction: range rejection",
    "an electron whose CSDA range is below the distance to its voxel's faces deposits its "
    "energy there (voxel tallies only), less the bremsstrahlung photons of its residual track "
    "(CSDA: a Poisson process in the expected photon number to rest), which are tracked",
    "Sempau et al., Phys Med Biol 45 (2000) 2263 (DPM); EGSnrc practice"};

// Secondary stack depth per history (registers/local memory). A 2.28 MeV electron makes at
// most a handful of δ-rays above 20 keV alive at once (they are processed depth first); when
// the stack is full the secondary is deposited locally and counted (balance stays closed).
inline constexpr int kStackDepth = 24;

struct TransportParams {
  float eabs_electron_MeV = 0.010f;
  float eabs_photon_MeV = 0.010f;
  float max_eloss_fraction = 0.10f;
  float elastic_event_lambda1 = 0.10f;
  bool straggling = true;
  bool range_rejection = true;
  // Score dose to water (each deposit weighted by S_col,water/S_col,medium at the depositing
  // electron's energy) instead of dose to medium; the energy balance is not weighted.
  bool dose_to_water = false;
  bool stratified_source = false;
  // Copied from the electron tables (production thresholds the cross sections assume).
  float wcc_MeV = 0.020f;
  float wcr_MeV = 0.010f;
};

}  // namespace bd
