// Elastic scattering: Wentzel–Molière model with the McKinley–Feshbach spin correction; see
// include/betadose/elastic_scattering.hh.
#include "betadose/elastic_scattering.hh"

#include <cmath>

#include "betadose/physical_constants.hh"
#include "betadose/quadrature.hh"

namespace bd {
namespace {
struct Kinematics {
  double pc_MeV, beta2;
};
Kinematics kinematics(double T_MeV) {
  const double mc2 = phys::kElectronMass_MeV;
  const double pc2 = T_MeV * (T_MeV + 2 * mc2);
  const double E = T_MeV + mc2;
  return {std::sqrt(pc2), pc2 / (E * E)};
}
}  // namespace

double moliere_screening(int Z, double T_MeV) {
  const auto kin = kinematics(T_MeV);
  const double a_cm = 0.885 * phys::kBohrRadius_cm / std::cbrt(static_cast<double>(Z));
  const double hbar_over_2pa = phys::kHbarC_MeV_cm / (2.0 * kin.pc_MeV * a_cm);
  const double az = phys::kFineStructure * Z;
  return hbar_over_2pa * hbar_over_2pa * (1.13 + 3.76 * az * az / kin.beta2);
}

ElasticTransportXs wentzel_transport_xs(int Z, double T_MeV, SpinCorrection spin) {
  const auto kin = kinematics(T_MeV);
  const double beta = std::sqrt(kin.beta2);
  const double A = moliere_screening(Z, T_MeV);
  const double rm = phys::kClassicalElectronRadius_cm * phys::kElectronMass_MeV / (kin.pc_MeV * beta);
  const double C = 2.0 * phys::kPi * Z * (Z + 1.0) * rm * rm;
  const double paz = phys::kPi * phys::kFineStructure * Z * beta;
  // x = 1 − cos θ ∈ [0, 2]; substitute t = ln(x + 2A) so the peak at x ~ A is resolved.
  auto ratio = [&](double x) {
    if (spin == SpinCorrection::off) return 1.0;
    const double s = std::sqrt(0.5 * x);  // sin(θ/2)
    return 1.0 - kin.beta2 * s * s + paz * s * (1.0 - s);
  };
  const double t0 = std::log(2 * A), t1 = std::log(2 + 2 * A);
  double s1 = 0, s2 = 0;
  gauss_legendre_nodes(
      [&](double t, double w) {
        const double u = std::exp(t), x = u - 2 * A;
        const double g = w * x * ratio(x) / u;
        s1 += g;
        s2 += 1.5 * (2.0 - x) * g;
      },
      t0, t1, 32);
  return {C * s1, C * s2};
}

double wentzel_mean_mu(double A) {
  if (A > 1e6) return 0.5 - 1.0 / (6.0 * A);  // series for A → ∞ (isotropic limit)
  return A * ((1.0 + A) * std::log1p(1.0 / A) - 1.0);
}

double wentzel_mean_mu2(double A) {
  // <μ²> = A(1+A) ∫0^1 μ²/(μ+A)² dμ = A(1+A) [1 − 2A ln(1+1/A) + A/(1+A)] ... exactly:
  // ∫0^1 μ²/(μ+A)² dμ = 1 + A/(1+A) − 2A ln(1 + 1/A).
  if (A > 1e6) return 1.0 / 3.0 - 1.0 / (4.0 * A);
  return A * (1.0 + A) * (1.0 + A / (1.0 + A) - 2.0 * A * std::log1p(1.0 / A));
}

double wentzel_screening_for_mean_mu(double mean_mu) {
  if (mean_mu <= 0) return 0;
  if (mean_mu >= 0.5) return INFINITY;
  double lo = std::log(1e-30), hi = std::log(1e12);
  for (int it = 0; it < 200; ++it) {
    const double mid = 0.5 * (lo + hi);
    (wentzel_mean_mu(std::exp(mid)) < mean_mu ? lo : hi) = mid;
  }
  return std::exp(0.5 * (lo + hi));
}

}  // namespace bd
