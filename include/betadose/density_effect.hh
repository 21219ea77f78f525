// Sternheimer density-effect correction δ(β) of the collision stopping power.
//
// Method (the one behind NIST ESTAR's δ columns): the Sternheimer oscillator model,
// R. M. Sternheimer, Phys. Rev. 88 (1952) 851, in the form of Sternheimer, Seltzer & Berger,
// Phys. Rev. B 26 (1982) 6067 and At. Data Nucl. Data Tables 30 (1984) 261 (SSB84):
//  - one oscillator per atomic subshell i with oscillator strength f_i = (electrons in i) /
//    (electrons in the material) and binding energy E_i (free-atom values of T. A. Carlson,
//    "Photoelectron and Auger Spectroscopy", Plenum 1975, as tabulated in Geant4
//    G4AtomicShells.cc for Z = 1..40);
//  - oscillator energies ν_i = sqrt((ρ_s E_i)² + (2/3) f_i (ħω_p)²) (SSB84 eq. 5), with the
//    Sternheimer factor ρ_s fixed by ln I = Σ f_i ln ν_i (SSB84 eq. 6) and the plasma energy
//    ħω_p = 28.816 sqrt(ρ <Z/A>) eV (ICRU Report 37 eq. 2.7);
//  - for β above the threshold, l² solves Σ f_i / (ν̄_i² + l²) = 1/β² − 1 (SSB84 eq. 3) and
//    δ = Σ f_i ln(1 + l²/ν̄_i²) − l² (1 − β²) (SSB84 eq. 4), ν̄_i = ν_i/ħω_p; δ = 0 below.
//    All materials are treated as insulators (no conduction electrons), as ESTAR does for
//    compounds and mixtures.
// Materials with an element Z > 40 fall back to the general parameterisation of
// Sternheimer & Peierls, Phys. Rev. B 3 (1971) 3681 (eqs. 13–16, condensed media / gases).
#pragma once

#include <vector>

#include "betadose/materials.hh"
#include "kernels/physics_model.hh"

namespace bd {

inline constexpr PhysicsModel kDensityEffectModel{
    "density-effect correction of the stopping power",
    "Sternheimer oscillator model, one oscillator per subshell (Sternheimer-Peierls 1971 "
    "parameterisation for materials with Z > 40)",
    "Sternheimer, Seltzer & Berger, At Data Nucl Data Tables 30 (1984) 261; Sternheimer & "
    "Peierls, Phys Rev B 3 (1971) 3681"};

class DensityEffect {
 public:
  // Material composition (mass fractions), density [g/cm³] and I [eV].
  DensityEffect(const std::vector<ElementFraction>& elements, double density_g_cm3,
                double I_eV);

  // δ at kinetic energy T [MeV] of an electron.
  double delta(double T_MeV) const;
  // δ as a function of β² (any particle).
  double delta_beta2(double beta2) const;

  double plasma_energy_eV() const { return plasma_eV_; }
  bool oscillator_model() const { return !osc_f_.empty(); }
  double sternheimer_factor() const { return rho_s_; }

 private:
  double plasma_eV_ = 0;
  double I_eV_ = 0;
  double rho_s_ = 1;
  std::vector<double> osc_f_;       // oscillator strengths (sum 1)
  std::vector<double> osc_nu2_;     // ν̄_i² (in units of ħω_p)
  // Sternheimer–Peierls fallback parameters.
  double sp_C_ = 0, sp_X0_ = 0, sp_X1_ = 0, sp_a_ = 0, sp_m_ = 3;
};

}  // namespace bd
