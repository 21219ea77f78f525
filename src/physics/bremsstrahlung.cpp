// Bremsstrahlung cross sections; model and sources in include/betadose/bremsstrahlung.hh.
#include "betadose/bremsstrahlung.hh"

#include <algorithm>
#include <cmath>

#include "betadose/physical_constants.hh"
#include "betadose/quadrature.hh"

namespace bd {
namespace {

using phys::kElectronMass_MeV;
using phys::kFineStructure;

// Koch & Motz (1959) formula 3BN: dσ/dk for an electron of total energy E0 (units m c²)
// emitting a photon k (units m c²) in the field of a point nucleus of charge Z, Born
// approximation, integrated over photon and electron angles. Returned without the factor
// Z² α r_e²: result = (dσ/dk) / (Z² α r_e²) [1/(m c²) units].
// `screen_Z` > 0 applies the screening cut-off of the logarithm L described below.
double koch_motz_3bn(double E0, double k, int screen_Z) {
  const double E = E0 - k;
  if (E <= 1.0 || k <= 0) return 0;
  const double p0 = std::sqrt(E0 * E0 - 1.0);
  const double p = std::sqrt(E * E - 1.0);
  const double eps0 = std::log((E0 + p0) / (E0 - p0));
  const double eps = std::log((E + p) / (E - p));
  double L = 2.0 * std::log((E0 * E + p0 * p - 1.0) / k);
  if (screen_Z > 0) {
    // Screening: the logarithm L/2 ≈ ln(q_max/q_min) of the momentum-transfer integral is cut
    // off at q ≈ 1/a_s, a_s = 183 Z^(-1/3) ħ/(mc) (the radius that reproduces the
    // complete-screening Bethe–Heitler logarithm ln(183 Z^(-1/3)), Koch & Motz formula 3BS(b)):
    // L → L − ln(1 + (1/(a_s q_min))²), q_min = p0 − p − k (minimum momentum transfer).
    const double qmin = std::max(p0 - p - k, 1e-300);
    const double x = std::cbrt(static_cast<double>(screen_Z)) / (183.0 * qmin);
    L = std::max(0.0, L - std::log1p(x * x));
  }
  const double pp = p0 * p;
  double bracket = 4.0 / 3.0 - 2.0 * E0 * E * (p * p + p0 * p0) / (pp * pp) +
                   eps0 * E / (p0 * p0 * p0) + eps * E0 / (p * p * p) - eps * eps0 / pp;
  const double Lterm =
      8.0 * E0 * E / (3.0 * pp) + k * k * (E0 * E0 * E * E + pp * pp) / (pp * pp * pp) +
      k / (2.0 * pp) *
          (eps0 * (E0 * E + p0 * p0) / (p0 * p0 * p0) - eps * (E0 * E + p * p) / (p * p * p) +
           2.0 * k * E0 * E / (pp * pp));
  bracket += L * Lterm;
  return std::max(0.0, (p / p0) / k * bracket);
}

// Elwert factor (Koch & Motz eq. II-6): Coulomb correction of the Born cross section for an
// attractive nucleus of charge Z; β0, β: electron speeds before and after emission.
double elwert_factor(int Z, double E0, double k) {
  const double E = E0 - k;
  const double b0 = std::sqrt(1.0 - 1.0 / (E0 * E0));
  const double b = std::sqrt(std::max(1e-300, 1.0 - 1.0 / (E * E)));
  const double a = 2.0 * phys::kPi * Z * kFineStructure;
  return (b0 / b) * (-std::expm1(-a / b0)) / (-std::expm1(-a / b));
}

// Electron–electron bremsstrahlung relative to electron–proton (Born, Z = 1) as a function of
// the kinetic energy τ = T/(m c²). Two identical particles have no dipole moment, so e–e
// emission is quadrupole-like and suppressed ∝ β² at non-relativistic energies, and it tends
// to the e–p value at high energies (Haug, Z. Naturforsch. 30a (1975) 1099; Seltzer & Berger,
// At. Data Nucl. Data Tables 35 (1986) 345, Fig. 2 of the e–e to e–n ratio).
// We use R_ee = β² · τ/(τ + 1): → 0 like τ² at low energy, → 1 at high energy.
double ee_ratio(double tau) {
  const double g = tau + 1.0;
  const double beta2 = 1.0 - 1.0 / (g * g);
  return beta2 * tau / (tau + 1.0);
}

}  // namespace

double brems_k_dsigma_dk_cm2(int Z, double T_MeV, double k_MeV) {
  if (k_MeV <= 0 || k_MeV >= T_MeV) return 0;
  const double E0 = T_MeV / kElectronMass_MeV + 1.0;
  const double k = k_MeV / kElectronMass_MeV;
  const double re2a = phys::kClassicalElectronRadius_cm * phys::kClassicalElectronRadius_cm *
                      kFineStructure;
  // (dσ/dk) in units of 1/(mc²); k dσ/dk is dimensionless in those units → cm².
  const double born = koch_motz_3bn(E0, k, Z);  // the same screened Born shape for both
  const double nucleus = static_cast<double>(Z) * Z * born * elwert_factor(Z, E0, k);
  const double electrons = static_cast<double>(Z) * born * ee_ratio(E0 - 1.0);
  return re2a * k * (nucleus + electrons);
}

double brems_energy_loss_cm2_MeV(int Z, double T_MeV, double k_lo_MeV, double k_hi_MeV) {
  k_hi_MeV = std::min(k_hi_MeV, T_MeV);
  k_lo_MeV = std::max(k_lo_MeV, T_MeV * 1e-9);
  if (k_hi_MeV <= k_lo_MeV) return 0;
  // ∫ k dσ/dk dk = ∫ k (k dσ/dk) d ln k
  return gauss_legendre(
      [&](double lnk) {
        const double k = std::exp(lnk);
        return k * brems_k_dsigma_dk_cm2(Z, T_MeV, k);
      },
      std::log(k_lo_MeV), std::log(k_hi_MeV), 24);
}

double brems_number_cm2(int Z, double T_MeV, double k_lo_MeV, double k_hi_MeV) {
  k_hi_MeV = std::min(k_hi_MeV, T_MeV);
  if (k_lo_MeV <= 0 || k_hi_MeV <= k_lo_MeV) return 0;
  return gauss_legendre([&](double lnk) { return brems_k_dsigma_dk_cm2(Z, T_MeV, std::exp(lnk)); },
                        std::log(k_lo_MeV), std::log(k_hi_MeV), 48);
}

BremsIntegrals brems_integrals(int Z, double T_MeV, double wcr_MeV) {
  BremsIntegrals r;
  // Soft part in ln k from 1e-9 T (the integrand k·(k dσ/dk) vanishes like k ln k there).
  r.loss_soft_cm2_MeV = brems_energy_loss_cm2_MeV(Z, T_MeV, 0.0, std::min(wcr_MeV, T_MeV));
  if (T_MeV > wcr_MeV) {
    // Hard part: both moments from the same nodes in ln k (smooth between wcr and T).
    gauss_legendre_nodes(
        [&](double lnk, double w) {
          const double k = std::exp(lnk);
          const double v = brems_k_dsigma_dk_cm2(Z, T_MeV, k);
          r.number_hard_cm2 += w * v;
          r.loss_hard_cm2_MeV += w * k * v;
        },
        std::log(wcr_MeV), std::log(T_MeV), 16);
  }
  return r;
}

}  // namespace bd
