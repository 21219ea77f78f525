// Elastic electron scattering for the physics tables and the multiple-scattering sampler.
//
// Single-scattering model: the screened Rutherford (Wentzel) differential cross section per
// atom, with the electron contribution included by Z² → Z(Z+1) (Fano's rule):
//   dσ/dΩ = Z(Z+1) (r_e m c² / (p c β))² / (1 − cos θ + 2A)²,
// with Molière's screening parameter (G. Molière, Z. Naturforsch. 2a (1947) 133; in the form
// of Bethe, Phys. Rev. 89 (1953) 1256, eq. 2 and the text after it):
//   A = (ħ / (2 p a))² (1.13 + 3.76 (αZ/β)²),   a = 0.885 a0 Z^(-1/3).
// Spin (Mott) correction: the Rutherford cross section is multiplied by the McKinley–Feshbach
// ratio (W. A. McKinley & H. Feshbach, Phys. Rev. 74 (1948) 1759, eq. 7, valid for αZ ≪ 1)
//   R(θ) = 1 − β² sin²(θ/2) + π α Z β sin(θ/2) (1 − sin(θ/2)),
// inside the transport cross-section integrals
//   σ_l = 2π ∫ (1 − P_l(cos θ)) dσ/dΩ R(θ) d cos θ   (l = 1, 2),
// evaluated by quadrature. Without R (spin off) σ1 has the closed form
//   σ1 = 2π Z(Z+1) (r_e m c²/(p c β))² [ln(1 + 1/A) − 1/(1 + A)].
#pragma once

#include "kernels/physics_model.hh"

namespace bd {

inline constexpr PhysicsModel kElasticScatteringModel{
    "elastic scattering cross sections (first and second transport cross sections)",
    "screened Rutherford (Wentzel) with Moliere screening, Z(Z+1) for atomic electrons, "
    "McKinley-Feshbach spin (Mott) correction",
    "Moliere, Z Naturforsch 2a (1947) 133; Bethe, Phys Rev 89 (1953) 1256; McKinley & "
    "Feshbach, Phys Rev 74 (1948) 1759"};

enum class SpinCorrection { off, mckinley_feshbach };

// Molière screening parameter A of element Z for an electron of kinetic energy T [MeV].
double moliere_screening(int Z, double T_MeV);

struct ElasticTransportXs {
  double sigma1_cm2 = 0;  // first transport cross section per atom
  double sigma2_cm2 = 0;  // second transport cross section per atom
};

ElasticTransportXs wentzel_transport_xs(int Z, double T_MeV, SpinCorrection spin);

// Mean of μ = (1 − cos θ)/2 for the Wentzel distribution p(μ) = A(1+A)/(μ+A)², μ ∈ [0,1]:
//   <μ>(A) = A [(1 + A) ln(1 + 1/A) − 1]   (increases from 0 to 1/2 with A).
double wentzel_mean_mu(double A);
// Second moment <μ²>(A) = A(1+A) [1 + A/(1+A) − 2A ln(1 + 1/A)] of the same distribution.
double wentzel_mean_mu2(double A);
// Inverse of wentzel_mean_mu for 0 < mean_mu < 1/2 (bisection in ln A).
double wentzel_screening_for_mean_mu(double mean_mu);

}  // namespace bd
