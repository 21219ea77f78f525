// Collision stopping power and Møller cross sections; formulas and sources in
// include/betadose/collision_stopping.hh.
#include "betadose/collision_stopping.hh"

#include <algorithm>
#include <cmath>

#include "betadose/physical_constants.hh"
#include "betadose/quadrature.hh"

namespace bd {
namespace {
using phys::kElectronMass_MeV;
constexpr double kLn2 = 0.69314718055994530942;

double re2mc2_cm2_MeV() {
  return 2.0 * phys::kPi * phys::kClassicalElectronRadius_cm * phys::kClassicalElectronRadius_cm *
         kElectronMass_MeV;
}
}  // namespace

double bethe_constant_MeV_cm2_mol() { return re2mc2_cm2_MeV() * phys::kAvogadro_per_mol; }

double collision_stopping_MeV_cm2_g(double T_MeV, double z_over_a, double I_eV, double delta) {
  const double tau = T_MeV / kElectronMass_MeV;
  const double g = tau + 1.0;
  const double beta2 = 1.0 - 1.0 / (g * g);
  const double Ir = I_eV * 1e-6 / kElectronMass_MeV;
  const double F = 1.0 - beta2 + (tau * tau / 8.0 - (2.0 * tau + 1.0) * kLn2) / (g * g);
  const double bracket = std::log(tau * tau * (tau + 2.0) / (2.0 * Ir * Ir)) + F - delta;
  return bethe_constant_MeV_cm2_mol() * z_over_a / beta2 * std::max(bracket, 0.0);
}

double restricted_collision_stopping_MeV_cm2_g(double T_MeV, double wcut_MeV, double z_over_a,
                                               double I_eV, double delta) {
  const double tau = T_MeV / kElectronMass_MeV;
  const double D = wcut_MeV / kElectronMass_MeV;
  if (D >= 0.5 * tau) return collision_stopping_MeV_cm2_g(T_MeV, z_over_a, I_eV, delta);
  const double g = tau + 1.0;
  const double beta2 = 1.0 - 1.0 / (g * g);
  const double Ir = I_eV * 1e-6 / kElectronMass_MeV;
  const double F = -1.0 - beta2 + std::log((tau - D) * D) + tau / (tau - D) +
                   (0.5 * D * D + (2.0 * tau + 1.0) * std::log1p(-D / tau)) / (g * g);
  const double bracket = std::log(2.0 * (tau + 2.0) / (Ir * Ir)) + F - delta;
  return bethe_constant_MeV_cm2_mol() * z_over_a / beta2 * std::max(bracket, 0.0);
}

double moller_dcs_cm2_MeV(double T_MeV, double W_MeV) {
  if (W_MeV <= 0 || W_MeV >= T_MeV) return 0;
  const double E = T_MeV + kElectronMass_MeV;
  const double beta2 = 1.0 - (kElectronMass_MeV * kElectronMass_MeV) / (E * E);
  const double mc2 = kElectronMass_MeV;
  const double U = T_MeV - W_MeV;
  const double b = 1.0 / (W_MeV * W_MeV) + 1.0 / (U * U) + 1.0 / (E * E) -
                   (2.0 * T_MeV + mc2) * mc2 / (E * E * W_MeV * U);
  return re2mc2_cm2_MeV() / beta2 * b;
}

double moller_hard_xs_cm2(double T_MeV, double wcut_MeV) {
  const double Wc = wcut_MeV, T = T_MeV;
  if (Wc >= 0.5 * T) return 0;
  const double E = T + kElectronMass_MeV;
  const double beta2 = 1.0 - (kElectronMass_MeV * kElectronMass_MeV) / (E * E);
  const double a = (T / E) * (T / E);
  // ∫_{Wc}^{T/2}: 1/W² → 1/Wc − 2/T; 1/(T−W)² → 2/T − 1/(T−Wc); a/T² → a (T/2 − Wc)/T²;
  // 1/(W(T−W)) → ln((T−Wc)/Wc)/T, with 1 − a = (2T+mc²)mc²/E².
  const double s = 1.0 / Wc - 1.0 / (T - Wc) + a * (0.5 * T - Wc) / (T * T) -
                   (1.0 - a) / T * std::log((T - Wc) / Wc);
  return re2mc2_cm2_MeV() / beta2 * s;
}

double moller_soft_second_moment_MeV2_cm2(double T_MeV, double wcut_MeV) {
  const double wmax = std::min(wcut_MeV, 0.5 * T_MeV);
  if (wmax <= 0) return 0;
  return gauss_legendre([&](double W) { return W * W * moller_dcs_cm2_MeV(T_MeV, W); }, 0.0, wmax,
                        8);
}

}  // namespace bd
