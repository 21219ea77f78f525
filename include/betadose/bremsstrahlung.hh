// Electron bremsstrahlung cross sections for the physics tables (host side).
//
// Model (documented semi-empirical; the Seltzer–Berger tables are not shipped):
//  - electron–nucleus: the unscreened Bethe–Heitler Born cross section differential in photon
//    energy, formula 3BN of H. W. Koch & J. W. Motz, Rev. Mod. Phys. 31 (1959) 920, valid at
//    all kinetic energies in the Born approximation, multiplied by the Elwert Coulomb
//    correction factor F_E = (β0/β)(1 − exp(−2πZα/β0)) / (1 − exp(−2πZα/β))
//    (G. Elwert, Ann. Phys. 34 (1939) 178; Koch & Motz §II.D), and by a screening factor
//    (see bremsstrahlung.cpp) that removes the soft-photon logarithm beyond the
//    Thomas–Fermi atomic radius;
//  - electron–electron: Z times the Z = 1 Born cross section (no Elwert factor) scaled by
//    the suppression of e–e radiation at low energies (see bremsstrahlung.cpp).
// Everything is per atom; the tables sum over elements with atoms per gram.
#pragma once

#include "kernels/physics_model.hh"

namespace bd {

inline constexpr PhysicsModel kBremsstrahlungModel{
    "bremsstrahlung (photons above Wcr tracked, below continuous)",
    "Koch-Motz 3BN Born cross section x Elwert Coulomb factor with Thomas-Fermi screening, "
    "plus electron-electron bremsstrahlung",
    "Koch & Motz, Rev Mod Phys 31 (1959) 920; Elwert, Ann Phys 34 (1939) 178"};

// k dσ/dk per atom of atomic number Z [cm²] (photon energy k, kinetic energy T; MeV).
double brems_k_dsigma_dk_cm2(int Z, double T_MeV, double k_MeV);

// Radiative energy-loss cross section per atom, ∫ k (dσ/dk) dk over [k_lo, k_hi] ⊂ (0, T]
// [MeV cm²] (k_lo = 0 allowed: the integrand vanishes like k ln k).
double brems_energy_loss_cm2_MeV(int Z, double T_MeV, double k_lo_MeV, double k_hi_MeV);

// Number cross section ∫ dσ/dk dk over [k_lo, k_hi], k_lo > 0  [cm²].
double brems_number_cm2(int Z, double T_MeV, double k_lo_MeV, double k_hi_MeV);

// The three integrals the tables need, in one pass of the quadrature:
//   loss_soft = ∫_0^{min(wcr,T)} k dσ/dk dk,  loss_hard = ∫_{wcr}^T k dσ/dk dk,
//   number_hard = ∫_{wcr}^T dσ/dk dk          [MeV cm², MeV cm², cm²] per atom.
struct BremsIntegrals {
  double loss_soft_cm2_MeV = 0, loss_hard_cm2_MeV = 0, number_hard_cm2 = 0;
};
BremsIntegrals brems_integrals(int Z, double T_MeV, double wcr_MeV);

}  // namespace bd
