// Elastic and soft-inelastic transport cross sections; see include/betadose/elastic_scattering.hh.
#include "betadose/elastic_scattering.hh"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "betadose/collision_stopping.hh"
#include "betadose/data_paths.hh"
#include "betadose/errors.hh"
#include "betadose/physical_constants.hh"
#include "betadose/quadrature.hh"
#include "betadose/text_parse.hh"

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

// Second derivatives of the natural cubic spline through (x_i, y_i) (tridiagonal solve,
// e.g. Press et al., Numerical Recipes 3rd ed. §3.3, eqs. 3.3.7 with y'' = 0 at both ends).
std::vector<double> natural_spline(const std::vector<double>& x, const std::vector<double>& y) {
  const std::size_t n = x.size();
  std::vector<double> m(n, 0.0), u(n, 0.0);
  for (std::size_t i = 1; i + 1 < n; ++i) {
    const double sig = (x[i] - x[i - 1]) / (x[i + 1] - x[i - 1]);
    const double p = sig * m[i - 1] + 2.0;
    m[i] = (sig - 1.0) / p;
    const double d = (y[i + 1] - y[i]) / (x[i + 1] - x[i]) - (y[i] - y[i - 1]) / (x[i] - x[i - 1]);
    u[i] = (6.0 * d / (x[i + 1] - x[i - 1]) - sig * u[i - 1]) / p;
  }
  m[n - 1] = 0.0;
  for (std::size_t k = n - 1; k-- > 0;) m[k] = m[k] * m[k + 1] + u[k];
  return m;
}

double spline_at(const std::vector<double>& x, const std::vector<double>& y, const std::vector<double>& m,
                 double xv) {
  const auto it = std::upper_bound(x.begin(), x.end(), xv);
  std::size_t hi = std::clamp<std::size_t>(static_cast<std::size_t>(it - x.begin()), 1, x.size() - 1);
  const std::size_t lo = hi - 1;
  const double h = x[hi] - x[lo];
  const double a = (x[hi] - xv) / h, b = (xv - x[lo]) / h;
  return a * y[lo] + b * y[hi] + ((a * a * a - a) * m[lo] + (b * b * b - b) * m[hi]) * h * h / 6.0;
}

// σ1 and σ2 of the screened Rutherford shape C / (x + 2A)² over x = 1 − cos θ ∈ [0, x_max],
// times the spin factor R(x) (1 when absent); t = ln(x + 2A) resolves the peak at x ~ A.
template <class Ratio>
ElasticTransportXs screened_rutherford_xs(double C, double A, double x_max, const Ratio& ratio) {
  const double t0 = std::log(2 * A), t1 = std::log(x_max + 2 * A);
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

}  // namespace

PartialWaveTable::PartialWaveTable(int Z, std::vector<double> energy_MeV, std::vector<double> sigma1_cm2,
                                   std::vector<double> sigma2_cm2, std::string source)
    : Z_(Z), e_(std::move(energy_MeV)), s1_(std::move(sigma1_cm2)), s2_(std::move(sigma2_cm2)),
      source_(std::move(source)) {
  BD_VALIDATE(e_.size() >= 4 && s1_.size() == e_.size() && s2_.size() == e_.size(),
              source_ << ": need >= 4 energies with sigma1 and sigma2 each (got " << e_.size() << ", "
                      << s1_.size() << ", " << s2_.size() << ")");
  for (std::size_t i = 0; i < e_.size(); ++i) {
    BD_VALIDATE(e_[i] > 0 && s1_[i] > 0 && s2_[i] > 0,
                source_ << ": energy " << e_[i] << " MeV: energy and cross sections must be positive");
    BD_VALIDATE(i == 0 || e_[i] > e_[i - 1],
                source_ << ": energies must increase strictly (" << e_[i - 1] << " then " << e_[i] << " MeV)");
    x_.push_back(std::log(e_[i]));
    y1_.push_back(std::log(s1_[i]));
    y2_.push_back(std::log(s2_[i]));
  }
  m1_ = natural_spline(x_, y1_);
  m2_ = natural_spline(x_, y2_);
}

ElasticTransportXs PartialWaveTable::at(double T_MeV) const {
  BD_VALIDATE(T_MeV >= e_.front() * (1 - 1e-9) && T_MeV <= e_.back() * (1 + 1e-9),
              source_ << ": energy " << T_MeV << " MeV outside the tabulated range [" << e_.front() << ", "
                      << e_.back() << "] MeV");
  const double x = std::log(T_MeV);
  return {std::exp(spline_at(x_, y1_, m1_, x)), std::exp(spline_at(x_, y2_, m2_, x))};
}

std::string elastic_table_path(int Z, const std::string& dir) {
  const std::string d = dir.empty() ? (std::filesystem::path(materials_dir()) / "elastic").string() : dir;
  char name[16];
  std::snprintf(name, sizeof name, "Z%02d.csv", Z);
  return (std::filesystem::path(d) / name).string();
}

PartialWaveTable load_partial_wave_table(int Z, const std::string& dir) {
  const std::string path = elastic_table_path(Z, dir);
  std::ifstream in(path);
  BD_VALIDATE(in, path << ": elastic transport cross sections for Z=" << Z
                       << " missing (a material uses an element without shipped elastic data; "
                          "regenerate with tools/tablegen/make_elastic_files.py)");
  std::vector<double> e, s1, s2;
  std::string line;
  int lineno = 0;
  bool header = false;
  while (std::getline(in, line)) {
    ++lineno;
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    if (!header) {
      BD_VALIDATE(line == "E_eV,sigma_el_cm2,sigma1_cm2,sigma2_cm2",
                  path << ":" << lineno << ": unexpected header '" << line
                       << "' (expected E_eV,sigma_el_cm2,sigma1_cm2,sigma2_cm2)");
      header = true;
      continue;
    }
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string c;
    while (std::getline(ss, c, ',')) cells.push_back(c);
    BD_VALIDATE(cells.size() == 4, path << ":" << lineno << ": expected 4 numbers, got '" << line << "'");
    const std::string where = path + ":" + std::to_string(lineno);
    e.push_back(parse_number(cells[0], where, "E_eV") * 1e-6);
    s1.push_back(parse_number(cells[2], where, "sigma1_cm2"));
    s2.push_back(parse_number(cells[3], where, "sigma2_cm2"));
  }
  BD_VALIDATE(header, path << ": no header line");
  return PartialWaveTable(Z, std::move(e), std::move(s1), std::move(s2), path);
}

double binary_collision_one_minus_cos(double T_MeV, double W_MeV) {
  // cos²θ = (E − W)(E + 2mc²) / (E (E − W + 2mc²)); 1 − cos θ = (1 − cos²θ)/(1 + cos θ) without
  // cancellation: 1 − cos²θ = 2 W mc² / (E (E − W + 2mc²)).
  const double mc2 = phys::kElectronMass_MeV;
  const double sin2 = 2 * W_MeV * mc2 / (T_MeV * (T_MeV - W_MeV + 2 * mc2));
  const double c = std::sqrt(std::max(0.0, 1 - sin2));
  return sin2 / (1 + c);
}

ElasticTransportXs soft_inelastic_transport_xs(double T_MeV, double wcc_MeV, double I_eV) {
  const double mc2 = phys::kElectronMass_MeV;
  const double W0 = I_eV * 1e-6;  // δ-oscillator resonance energy [MeV]
  ElasticTransportXs r;
  if (T_MeV <= W0) return r;
  const auto kin = kinematics(T_MeV);
  auto add = [&](double one_minus_cos, double weight) {
    r.sigma1_cm2 += weight * one_minus_cos;
    r.sigma2_cm2 += weight * 1.5 * one_minus_cos * (2.0 - one_minus_cos);  // 1 − P2 = (3/2) sin²θ
  };
  // Close collisions W0 < W < Wc with a free electron: Møller DCS, binary kinematics.
  const double Wc = std::min(wcc_MeV, 0.5 * T_MeV);
  if (Wc > W0) {
    gauss_legendre_nodes(
        [&](double t, double w) {
          const double W = std::exp(t);
          add(binary_collision_one_minus_cos(T_MeV, W), w * W * moller_dcs_cm2_MeV(T_MeV, W));
        },
        std::log(W0), std::log(Wc), 32);
  }
  // Distant longitudinal collisions losing W0 with recoil energy Q ∈ (Q−, W0):
  // d²σ/dWdQ = (2π r_e² mc²/β²) (1/W0) δ(W − W0) / (Q (1 + Q/2mc²)), and
  // 1 − cos θ = [Q(Q + 2mc²) − Q−(Q− + 2mc²)] / (2 pc p'c).
  const double pc = kin.pc_MeV, T1 = T_MeV - W0, pc1 = std::sqrt(T1 * (T1 + 2 * mc2));
  const double qm = std::sqrt((pc - pc1) * (pc - pc1) + mc2 * mc2) - mc2;
  const double k = 2 * phys::kPi * phys::kClassicalElectronRadius_cm * phys::kClassicalElectronRadius_cm * mc2 /
                   kin.beta2 / W0;
  if (W0 > qm) {
    gauss_legendre_nodes(
        [&](double t, double w) {
          const double Q = std::exp(t);
          const double omc = (Q * (Q + 2 * mc2) - qm * (qm + 2 * mc2)) / (2 * pc * pc1);
          add(omc, w * k / (1 + Q / (2 * mc2)));
        },
        std::log(qm), std::log(W0), 32);
  }
  return r;
}

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
  const double rm = phys::kClassicalElectronRadius_cm * phys::kElectronMass_MeV / (kin.pc_MeV * beta);
  const double C = 2.0 * phys::kPi * Z * (Z + 1.0) * rm * rm;
  const double paz = phys::kPi * phys::kFineStructure * Z * beta;
  return screened_rutherford_xs(C, moliere_screening(Z, T_MeV), 2.0, [&](double x) {
    if (spin == SpinCorrection::off) return 1.0;
    const double s = std::sqrt(0.5 * x);  // sin(θ/2)
    return 1.0 - kin.beta2 * s * s + paz * s * (1.0 - s);
  });
}

double wentzel_mean_mu(double A) {
  if (A > 1e6) return 0.5 - 1.0 / (6.0 * A);  // series for A → ∞ (isotropic limit)
  return A * ((1.0 + A) * std::log1p(1.0 / A) - 1.0);
}

double wentzel_mean_mu2(double A) {
  // <μ²> = A(1+A) ∫0^1 μ²/(μ+A)² dμ, ∫0^1 μ²/(μ+A)² dμ = 1 + A/(1+A) − 2A ln(1 + 1/A).
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
