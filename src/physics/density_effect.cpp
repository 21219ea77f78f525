// Sternheimer density-effect correction; see include/betadose/density_effect.hh for the
// method and its sources.
#include "betadose/density_effect.hh"

#include <cmath>

#include "betadose/elements.hh"
#include "betadose/errors.hh"
#include "betadose/physical_constants.hh"

namespace bd {
namespace {

struct Subshell {
  double binding_eV;
  int electrons;
};

// Free-atom subshell binding energies [eV] and occupation numbers, Z = 1..40.
// Source: T. A. Carlson, "Photoelectron and Auger Spectroscopy" (Plenum, New York, 1975),
// the data used by Sternheimer, Seltzer & Berger (1984) for ESTAR's density effect; read from
// Geant4 source/materials/src/G4AtomicShells.cc (fBindingEnergies, fNumberOfElectrons).
// Each row: number of subshells, then (E_i, n_i) pairs, outermost last.
constexpr int kMaxShellZ = 40;
constexpr int kMaxSubshells = 14;
struct ShellRow {
  int n;
  Subshell s[kMaxSubshells];
};
constexpr ShellRow kShells[kMaxShellZ] = {
    {1, {{13.60, 1}}},                                                         // H
    {1, {{24.59, 2}}},                                                         // He
    {2, {{58.0, 2}, {5.39, 1}}},                                               // Li
    {2, {{115.0, 2}, {9.32, 2}}},                                              // Be
    {3, {{192.0, 2}, {12.93, 2}, {8.3, 1}}},                                   // B
    {3, {{288.0, 2}, {16.59, 2}, {11.26, 2}}},                                 // C
    {4, {{403.0, 2}, {37.3, 2}, {20.33, 2}, {14.53, 1}}},                      // N
    {4, {{543.1, 2}, {41.6, 2}, {28.48, 2}, {13.62, 2}}},                      // O
    {3, {{696.7, 2}, {37.85, 2}, {17.42, 5}}},                                 // F
    {4, {{870.1, 2}, {48.47, 2}, {21.66, 2}, {21.56, 4}}},                     // Ne
    {5, {{1075.0, 2}, {66.0, 2}, {34.0, 2}, {34.0, 4}, {5.14, 1}}},            // Na
    {5, {{1308.0, 2}, {92.0, 2}, {54.0, 2}, {54.0, 4}, {7.65, 2}}},            // Mg
    {6, {{1564.0, 2}, {121.0, 2}, {77.0, 2}, {77.0, 4}, {10.62, 2}, {5.99, 1}}},  // Al
    {6, {{1844.0, 2}, {154.0, 2}, {104.0, 2}, {104.0, 4}, {13.46, 2}, {8.15, 2}}},  // Si
    {6, {{2148.0, 2}, {191.0, 2}, {135.0, 2}, {134.0, 4}, {16.15, 2}, {10.49, 3}}},  // P
    {6, {{2476.0, 2}, {232.0, 2}, {170.0, 2}, {168.0, 4}, {20.20, 2}, {10.36, 4}}},  // S
    {6, {{2829.0, 2}, {277.0, 2}, {208.0, 2}, {206.0, 4}, {24.54, 2}, {12.97, 5}}},  // Cl
    {7, {{3206.3, 2}, {326.5, 2}, {250.6, 2}, {248.5, 4}, {29.24, 2}, {15.94, 2}, {15.76, 4}}},  // Ar
    {8, {{3610.0, 2}, {381.0, 2}, {299.0, 2}, {296.0, 4}, {37.0, 2}, {19.0, 2}, {18.7, 4},
         {4.34, 1}}},  // K
    {8, {{4041.0, 2}, {441.0, 2}, {353.0, 2}, {349.0, 4}, {46.0, 2}, {28.0, 2}, {28.0, 4},
         {6.11, 2}}},  // Ca
    {9, {{4494.0, 2}, {503.0, 2}, {408.0, 2}, {403.0, 4}, {55.0, 2}, {33.0, 2}, {33.0, 4},
         {8.0, 1}, {6.54, 2}}},  // Sc
    {9, {{4966.0, 2}, {567.0, 2}, {465.0, 2}, {459.0, 4}, {64.0, 2}, {39.0, 2}, {38.0, 4},
         {8.0, 2}, {6.82, 2}}},  // Ti
    {9, {{5465.0, 2}, {633.0, 2}, {525.0, 2}, {518.0, 4}, {72.0, 2}, {44.0, 2}, {43.0, 4},
         {8.0, 3}, {6.74, 2}}},  // V
    {9, {{5989.0, 2}, {702.0, 2}, {589.0, 2}, {580.0, 4}, {80.0, 2}, {49.0, 2}, {48.0, 4},
         {8.25, 4}, {6.77, 2}}},  // Cr
    {9, {{6539.0, 2}, {755.0, 2}, {656.0, 2}, {645.0, 4}, {89.0, 2}, {55.0, 2}, {53.0, 4},
         {9.0, 5}, {7.43, 2}}},  // Mn
    {9, {{7112.0, 2}, {851.0, 2}, {726.0, 2}, {713.0, 4}, {98.0, 2}, {61.0, 2}, {59.0, 4},
         {9.0, 6}, {7.87, 2}}},  // Fe
    {9, {{7709.0, 2}, {931.0, 2}, {800.0, 2}, {785.0, 4}, {107.0, 2}, {68.0, 2}, {66.0, 4},
         {9.0, 7}, {7.86, 2}}},  // Co
    {10, {{8333.0, 2}, {1015.0, 2}, {877.0, 2}, {860.0, 4}, {117.0, 2}, {75.0, 2}, {73.0, 4},
          {10.0, 4}, {10.0, 4}, {7.64, 2}}},  // Ni
    {10, {{8979.0, 2}, {1103.0, 2}, {958.0, 2}, {938.0, 4}, {127.0, 2}, {82.0, 2}, {80.0, 4},
          {11.0, 4}, {10.4, 5}, {7.73, 2}}},  // Cu
    {10, {{9659.0, 2}, {1198.0, 2}, {1047.0, 2}, {1024.0, 4}, {141.0, 2}, {94.0, 2}, {91.0, 4},
          {12.0, 4}, {11.2, 6}, {9.39, 2}}},  // Zn
    {11, {{10367.0, 2}, {1302.0, 2}, {1146.0, 2}, {1119.0, 4}, {162.0, 2}, {111.0, 2},
          {107.0, 4}, {21.0, 4}, {20.0, 6}, {11.0, 2}, {6.0, 1}}},  // Ga
    {11, {{11103.0, 2}, {1413.0, 2}, {1251.0, 2}, {1220.0, 4}, {184.0, 2}, {130.0, 2},
          {125.0, 4}, {33.0, 4}, {32.0, 6}, {14.3, 2}, {7.9, 2}}},  // Ge
    {11, {{11867.0, 2}, {1531.0, 2}, {1362.0, 2}, {1327.0, 4}, {208.0, 2}, {151.0, 2},
          {145.0, 4}, {46.0, 4}, {45.0, 6}, {17.0, 2}, {9.81, 3}}},  // As
    {11, {{12658.0, 2}, {1656.0, 2}, {1479.0, 2}, {1439.0, 4}, {234.0, 2}, {173.0, 2},
          {166.0, 4}, {61.0, 4}, {60.0, 6}, {20.15, 2}, {9.75, 4}}},  // Se
    {11, {{13474.0, 2}, {1787.0, 2}, {1602.0, 2}, {1556.0, 4}, {262.0, 2}, {197.0, 2},
          {189.0, 4}, {77.0, 4}, {76.0, 6}, {23.8, 2}, {11.85, 5}}},  // Br
    {12, {{14326.0, 2}, {1924.6, 2}, {1730.9, 2}, {1678.4, 4}, {292.8, 2}, {222.2, 2},
          {214.4, 4}, {95.0, 4}, {93.8, 6}, {27.51, 2}, {14.65, 2}, {14.0, 4}}},  // Kr
    {13, {{15200.0, 2}, {2068.0, 2}, {1867.0, 2}, {1807.0, 4}, {325.0, 2}, {251.0, 2},
          {242.0, 4}, {116.0, 4}, {114.0, 6}, {32.0, 2}, {16.0, 2}, {15.3, 4}, {4.18, 1}}},  // Rb
    {13, {{16105.0, 2}, {2219.0, 2}, {2010.0, 2}, {1943.0, 4}, {361.0, 2}, {283.0, 2},
          {273.0, 4}, {139.0, 4}, {137.0, 6}, {40.0, 2}, {23.0, 2}, {22.0, 4}, {5.69, 2}}},  // Sr
    {14, {{17038.0, 2}, {2375.0, 2}, {2158.0, 2}, {2083.0, 4}, {397.0, 2}, {315.0, 2},
          {304.0, 4}, {163.0, 4}, {161.0, 6}, {48.0, 2}, {30.0, 2}, {29.0, 4}, {6.48, 2},
          {6.38, 1}}},  // Y
    {14, {{17998.0, 2}, {2536.0, 2}, {2311.0, 2}, {2227.0, 4}, {434.0, 2}, {348.0, 2},
          {335.0, 4}, {187.0, 4}, {185.0, 6}, {56.0, 2}, {35.0, 2}, {33.0, 4}, {8.61, 2},
          {6.84, 2}}},  // Zr
};

}  // namespace

DensityEffect::DensityEffect(const std::vector<ElementFraction>& elements, double density_g_cm3,
                             double I_eV)
    : I_eV_(I_eV) {
  BD_VALIDATE(density_g_cm3 > 0 && I_eV > 0,
              "density effect: density " << density_g_cm3 << " g/cm3 and I " << I_eV
                                         << " eV must be positive");
  const double zoa = z_over_a(elements);  // electrons per gram / N_A
  // ICRU Report 37 eq. 2.7: ħω_p = 28.816 sqrt(ρ <Z/A>) eV.
  plasma_eV_ = 28.816 * std::sqrt(density_g_cm3 * zoa);

  bool all_tabulated = true;
  for (const auto& e : elements)
    if (e.mass_fraction > 0 && (e.Z < 1 || e.Z > kMaxShellZ)) all_tabulated = false;

  if (all_tabulated) {
    std::vector<double> energy_eV;
    for (const auto& e : elements) {
      if (e.mass_fraction <= 0) continue;
      const double electrons_per_gram = e.mass_fraction / element_data(e.Z).atomic_weight;
      const ShellRow& row = kShells[e.Z - 1];
      for (int i = 0; i < row.n; ++i) {
        osc_f_.push_back(electrons_per_gram * row.s[i].electrons / zoa);
        energy_eV.push_back(row.s[i].binding_eV);
      }
    }
    const double wp2 = plasma_eV_ * plasma_eV_;
    // ln I = Σ f_i ln sqrt((ρ_s E_i)² + 2/3 f_i ħω_p²) (SSB84 eq. 6): monotonic in ρ_s;
    // bisection in ln ρ_s.
    auto lnI_of = [&](double rho) {
      double s = 0;
      for (std::size_t i = 0; i < osc_f_.size(); ++i) {
        const double re = rho * energy_eV[i];
        s += osc_f_[i] * 0.5 * std::log(re * re + 2.0 / 3.0 * osc_f_[i] * wp2);
      }
      return s;
    };
    double lo = std::log(1e-4), hi = std::log(1e4);
    const double target = std::log(I_eV);
    BD_VALIDATE(lnI_of(std::exp(lo)) < target && lnI_of(std::exp(hi)) > target,
                "density effect: I = " << I_eV
                                       << " eV is incompatible with the shell binding energies");
    for (int it = 0; it < 200; ++it) {
      const double mid = 0.5 * (lo + hi);
      (lnI_of(std::exp(mid)) < target ? lo : hi) = mid;
    }
    rho_s_ = std::exp(0.5 * (lo + hi));
    for (std::size_t i = 0; i < osc_f_.size(); ++i) {
      const double re = rho_s_ * energy_eV[i];
      osc_nu2_.push_back((re * re + 2.0 / 3.0 * osc_f_[i] * wp2) / wp2);
    }
  } else {
    // Sternheimer & Peierls (1971) general formula, eqs. 13–16.
    sp_C_ = 2.0 * std::log(I_eV / plasma_eV_) + 1.0;
    const bool gas = density_g_cm3 < 0.01;
    if (!gas) {
      if (I_eV < 100) {
        sp_X1_ = 2.0;
        sp_X0_ = sp_C_ < 3.681 ? 0.2 : 0.326 * sp_C_ - 1.0;
      } else {
        sp_X1_ = 3.0;
        sp_X0_ = sp_C_ < 5.215 ? 0.2 : 0.326 * sp_C_ - 1.5;
      }
    } else {
      sp_X1_ = 4.0;
      if (sp_C_ < 10.0) sp_X0_ = 1.6;
      else if (sp_C_ < 10.5) sp_X0_ = 1.7;
      else if (sp_C_ < 11.0) sp_X0_ = 1.8;
      else if (sp_C_ < 11.5) sp_X0_ = 1.9;
      else if (sp_C_ < 12.25) sp_X0_ = 2.0;
      else if (sp_C_ < 13.804) { sp_X0_ = 2.0; sp_X1_ = 5.0; }
      else { sp_X0_ = 0.326 * sp_C_ - 2.5; sp_X1_ = 5.0; }
    }
    sp_m_ = 3.0;
    sp_a_ = (sp_C_ - 4.6052 * sp_X0_) / std::pow(sp_X1_ - sp_X0_, sp_m_);
  }
}

double DensityEffect::delta_beta2(double beta2) const {
  if (beta2 <= 0) return 0;
  if (beta2 >= 1) beta2 = 1 - 1e-15;
  if (!osc_f_.empty()) {
    const double rhs = 1.0 / beta2 - 1.0;
    auto lhs = [&](double l2) {
      double s = 0;
      for (std::size_t i = 0; i < osc_f_.size(); ++i) s += osc_f_[i] / (osc_nu2_[i] + l2);
      return s;
    };
    if (lhs(0) <= rhs) return 0;  // below the threshold β0 (insulator)
    // lhs decreases monotonically in l²; bracket then bisect.
    double lo = 0, hi = 1;
    while (lhs(hi) > rhs) hi *= 4;
    for (int it = 0; it < 200 && hi - lo > 1e-14 * hi; ++it) {
      const double mid = 0.5 * (lo + hi);
      (lhs(mid) > rhs ? lo : hi) = mid;
    }
    const double l2 = 0.5 * (lo + hi);
    double d = 0;
    for (std::size_t i = 0; i < osc_f_.size(); ++i) d += osc_f_[i] * std::log1p(l2 / osc_nu2_[i]);
    d -= l2 * (1.0 - beta2);
    return d > 0 ? d : 0;
  }
  const double X = 0.5 * std::log10(beta2 / (1.0 - beta2));  // log10(βγ)
  if (X < sp_X0_) return 0;
  if (X < sp_X1_) return 4.6052 * X - sp_C_ + sp_a_ * std::pow(sp_X1_ - X, sp_m_);
  return 4.6052 * X - sp_C_;
}

double DensityEffect::delta(double T_MeV) const {
  const double tau = T_MeV / phys::kElectronMass_MeV;
  const double gamma = tau + 1.0;
  return delta_beta2(1.0 - 1.0 / (gamma * gamma));
}

}  // namespace bd
