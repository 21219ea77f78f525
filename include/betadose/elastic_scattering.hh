// Angular deflection of electrons for the condensed-history tables: the first and second
// transport cross sections σ1, σ2 (σ_l = 2π ∫ (1 − P_l(cos θ)) dσ/dΩ d cos θ), which are all
// the class II scheme needs (the modified-Wentzel sampler reproduces the exact first two
// moments of the multiple-scattering distribution, kernels/electron_interactions.hh).
//
// Default model (ElasticModel::partial_wave), as in PENELOPE's mixed scheme:
//  1. Elastic scattering on the atom (nucleus screened by the bound electrons): Dirac
//     partial-wave (DPWA) cross sections of ELSEPA (Salvat, Jablonski & Powell, Comput Phys
//     Commun 165 (2005) 157) from the PENELOPE-2018 database, shipped in materials/elastic/
//     (tools/tablegen/make_elastic_files.py), interpolated by a natural cubic spline in
//     (ln E, ln σ). Checked against an independent ELSEPA-2020 run in tests/core/
//     elastic_scattering_test.cpp.
//  2. Deflections of the primary in *soft* inelastic collisions with the atomic electrons
//     (energy transfer W < W_cc; harder ones are Møller events whose two-body kinematics the
//     transport applies explicitly), soft_inelastic_transport_xs() below. The older
//     Z² → Z(Z+1) replacement (Fano's rule) over all angles counted the deflections of the
//     hard collisions twice: its σ1 for water is 6 % above (1) + (2) at 1 MeV (W_cc = 20 keV),
//     the cause of the 1–1.5 % too short penetration of issue 12 (1 MeV kernel −2.7 % of the peak at
//     0.825 r0 vs EDKnrc; −0.6 % with (1) + (2)).
//
// Legacy models (kept for sensitivity studies and for the tests that must see a wrong model):
// screened Rutherford (Wentzel) per atom with Z(Z+1) and Molière's screening parameter
// (Molière, Z Naturforsch 2a (1947) 133; in Bethe's form, Phys Rev 89 (1953) 1256),
//   dσ/dΩ = Z(Z+1) (r_e m c² / (p c β))² / (1 − cos θ + 2A)²,
//   A = (ħ / (2 p a))² (1.13 + 3.76 (αZ/β)²),   a = 0.885 a0 Z^(-1/3),
// with or without the McKinley–Feshbach spin factor (Phys Rev 74 (1948) 1759, eq. 7)
//   R(θ) = 1 − β² sin²(θ/2) + π α Z β sin(θ/2) (1 − sin(θ/2)).
// Without R, σ1 = 2π Z(Z+1) (r_e mc²/(pcβ))² [ln(1 + 1/A) − 1/(1 + A)].
#pragma once

#include <string>
#include <vector>

#include "kernels/physics_model.hh"

namespace bd {

// The default model (ElectronTableOptions::elastic = ElasticModel::partial_wave) as the TG-268
// record reports it; the legacy models below exist only for sensitivity tests.
inline constexpr PhysicsModel kElasticScatteringModel{
    "elastic scattering cross sections (first and second transport cross sections)",
    "Dirac partial-wave (DPWA) elastic cross sections per element from ELSEPA (PENELOPE-2018 "
    "database, free atoms), plus the deflections of soft inelastic collisions (W < Wcc) from a "
    "delta-oscillator GOS model; hard Moller deflections explicit in the transport",
    "Salvat, Jablonski & Powell, Comput Phys Commun 165 (2005) 157 (ELSEPA); Salvat, "
    "PENELOPE-2018 manual (NEA/MBDAV/R(2019)1) sections 3.1 and 3.2; Liljequist, J Phys D 16 "
    "(1983) 1567"};

enum class ElasticModel {
  partial_wave,               // ELSEPA DPWA + soft inelastic deflections (default)
  wentzel_mckinley_feshbach,  // legacy: Wentzel–Molière, Z(Z+1), McKinley–Feshbach factor
  wentzel_rutherford,         // legacy without spin correction (a perturbation for tests)
};

struct ElasticTransportXs {
  double sigma1_cm2 = 0;  // first transport cross section per atom
  double sigma2_cm2 = 0;  // second transport cross section per atom
};

// Partial-wave transport cross sections of one element on a tabulated energy grid, with a
// natural cubic spline in (ln E, ln σ) through the nodes.
class PartialWaveTable {
 public:
  PartialWaveTable(int Z, std::vector<double> energy_MeV, std::vector<double> sigma1_cm2,
                   std::vector<double> sigma2_cm2, std::string source);
  int Z() const { return Z_; }
  const std::vector<double>& energy_MeV() const { return e_; }
  const std::vector<double>& sigma1_cm2() const { return s1_; }
  const std::vector<double>& sigma2_cm2() const { return s2_; }
  // InputError outside the tabulated range.
  ElasticTransportXs at(double T_MeV) const;

 private:
  int Z_;
  std::vector<double> e_, s1_, s2_;
  std::string source_;
  std::vector<double> x_, y1_, y2_, m1_, m2_;  // ln E, ln σ and spline second derivatives
};

// materials/elastic/ZNN.csv (or `dir`/ZNN.csv); InputError naming the file when absent or
// malformed.
std::string elastic_table_path(int Z, const std::string& dir = "");
PartialWaveTable load_partial_wave_table(int Z, const std::string& dir = "");

// Deflection of the primary by the soft inelastic collisions (W < wcc) per target electron
// [cm²] (item 2 above), σ_l = ∫∫ (1 − P_l(cos θ)) d²σ/dWdQ, in the δ-oscillator GOS model of PENELOPE (Salvat, PENELOPE-2018 manual
// §3.2.1–3.2.3; Liljequist, J Phys D 16 (1983) 1567) with one oscillator at the mean excitation
// energy I of the material (the Bethe logarithm Σ f_k ln W_k = Z ln I is then exact, and the
// sum over all W reproduces Fano's Z(Z+1) electron term to 1 % in water): distant longitudinal
// collisions (W = I, recoil energy Q− < Q < I) plus close collisions with free electrons
// (Møller, I < W < min(wcc, E/2)); distant transverse collisions do not deflect.
ElasticTransportXs soft_inelastic_transport_xs(double T_MeV, double wcc_MeV, double I_eV);

// Primary's 1 − cos θ after a binary collision with a free electron at rest losing W.
double binary_collision_one_minus_cos(double T_MeV, double W_MeV);

// Legacy Wentzel–Molière model (per atom, Z(Z+1)).
enum class SpinCorrection { off, mckinley_feshbach };
double moliere_screening(int Z, double T_MeV);
ElasticTransportXs wentzel_transport_xs(int Z, double T_MeV, SpinCorrection spin);

// Mean of μ = (1 − cos θ)/2 for the Wentzel distribution p(μ) = A(1+A)/(μ+A)², μ ∈ [0,1]:
//   <μ>(A) = A [(1 + A) ln(1 + 1/A) − 1]   (increases from 0 to 1/2 with A).
double wentzel_mean_mu(double A);
// Second moment <μ²>(A) = A(1+A) [1 + A/(1+A) − 2A ln(1 + 1/A)] of the same distribution.
double wentzel_mean_mu2(double A);
// Inverse of wentzel_mean_mu for 0 < mean_mu < 1/2 (bisection in ln A).
double wentzel_screening_for_mean_mu(double mean_mu);

}  // namespace bd
