// Electron collision stopping power and Møller cross sections (host side).
//
// Unrestricted collision stopping power: Bethe theory with the Rohrlich–Carlson electron
// term, ICRU Report 37 (1984) eqs. 2.2–2.3 (the ESTAR formula, no shell correction):
//   S_col/ρ = (2π r_e² m c² N_A <Z/A> / β²) [ln(τ²(τ+2) / (2 (I/mc²)²)) + F⁻(τ) − δ],
//   F⁻(τ) = 1 − β² + [τ²/8 − (2τ+1) ln 2] / (τ+1)²,     τ = T/(m c²).
// Restricted (energy transfers W < Δ·mc², Δ ≤ τ/2): ICRU Report 37 eq. 2.4 / Seltzer &
// Berger, Int. J. Appl. Radiat. Isot. 33 (1982) 1189, eq. 8:
//   L_Δ/ρ = (2π r_e² m c² N_A <Z/A> / β²) [ln(2(τ+2)/(I/mc²)²) + F⁻(τ,Δ) − δ],
//   F⁻(τ,Δ) = −1 − β² + ln((τ−Δ)Δ) + τ/(τ−Δ) + [Δ²/2 + (2τ+1) ln(1 − Δ/τ)]/(τ+1)²,
// which equals the unrestricted formula at Δ = τ/2.
// Møller cross section per electron (F. Salvat et al., PENELOPE-2014 manual eq. 3.95):
//   dσ/dW = (2π r_e² m c²/β²) [1/W² + 1/(T−W)² + 1/(T+mc²)² − (2T+mc²) mc² /((T+mc²)² W (T−W))],
// integrated analytically over W ∈ [Wc, T/2] (the faster electron is the primary).
#pragma once

#include "kernels/physics_model.hh"

namespace bd {

inline constexpr PhysicsModel kCollisionStoppingModel{
    "electron collision stopping power (soft part below Wcc continuous)",
    "Bethe theory with the Rohrlich-Carlson electron term, no shell correction; restricted form "
    "below Wcc",
    "ICRU Report 37 (1984) eqs. 2.2-2.4; Seltzer & Berger, Int J Appl Radiat Isot 33 (1982) 1189"};
inline constexpr PhysicsModel kMollerModel{
    "hard inelastic collisions (delta electrons above Wcc, tracked)", "Moller cross section",
    "Salvat et al., PENELOPE-2014 manual (NEA/NSC/DOC(2015)3) eq. 3.95"};

// 2π r_e² m c² N_A [MeV cm²/mol] (≈ 0.153537).
double bethe_constant_MeV_cm2_mol();

double collision_stopping_MeV_cm2_g(double T_MeV, double z_over_a, double I_eV, double delta);
// Soft part, W < wcut (returns the unrestricted value when wcut >= T/2).
double restricted_collision_stopping_MeV_cm2_g(double T_MeV, double wcut_MeV, double z_over_a,
                                               double I_eV, double delta);

// Møller DCS per target electron [cm²/MeV] for energy transfer W to the struck electron.
double moller_dcs_cm2_MeV(double T_MeV, double W_MeV);
// ∫_{wcut}^{T/2} dσ/dW dW per target electron [cm²] (0 when wcut >= T/2).
double moller_hard_xs_cm2(double T_MeV, double wcut_MeV);
// ∫_0^{min(wcut, T/2)} W² dσ/dW dW per target electron [MeV² cm²] (Bohr straggling).
double moller_soft_second_moment_MeV2_cm2(double T_MeV, double wcut_MeV);

}  // namespace bd
