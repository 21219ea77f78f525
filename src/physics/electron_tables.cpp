// Electron physics tables of one material (include/betadose/electron_tables.hh).
// Each column cites its model in the header of the function that computes it:
//   collision / restricted collision / Møller:  include/betadose/collision_stopping.hh
//   density effect δ:                            include/betadose/density_effect.hh
//   radiative / restricted radiative / brems:    include/betadose/bremsstrahlung.hh
//   elastic transport cross sections, screening: include/betadose/elastic_scattering.hh
#include "betadose/electron_tables.hh"

#include <algorithm>
#include <cmath>

#include "betadose/brems_element_table.hh"
#include "betadose/bremsstrahlung.hh"
#include "betadose/collision_stopping.hh"
#include "betadose/density_effect.hh"
#include "betadose/elastic_scattering.hh"
#include "betadose/elements.hh"
#include "betadose/errors.hh"
#include "betadose/physical_constants.hh"

namespace bd {
namespace {

// Range R(E_i) = ∫_0^{E_i} dE/S(E): below the first node S ∝ E^(−p) with p from the first
// two nodes, R(E_0) = E_0 / ((1 + p) S(E_0)) (analytic start term); above, the trapezoidal
// rule in ln E on E/S(E).
std::vector<double> integrate_range(const std::vector<double>& E, const std::vector<double>& S) {
  std::vector<double> R(E.size(), 0.0);
  if (E.size() < 2) return R;
  double p = -std::log(S[1] / S[0]) / std::log(E[1] / E[0]);
  p = std::clamp(p, 0.0, 0.99);
  R[0] = E[0] / ((1.0 + p) * S[0]);
  for (std::size_t i = 1; i < E.size(); ++i) {
    const double h = std::log(E[i] / E[i - 1]);
    R[i] = R[i - 1] + 0.5 * h * (E[i] / S[i] + E[i - 1] / S[i - 1]);
  }
  return R;
}

// Solve Σ_j c_j g(A_j) = (Σ_j c_j) g(A) for A, g(A) = ln(1 + 1/A) − 1/(1 + A) (the Wentzel
// σ1 shape): the single screening parameter with the mixture's σ1 (for reporting).
double effective_screening(const std::vector<double>& c, const std::vector<double>& A) {
  auto g = [](double a) { return std::log1p(1.0 / a) - 1.0 / (1.0 + a); };
  double num = 0, den = 0;
  for (std::size_t j = 0; j < c.size(); ++j) {
    num += c[j] * g(A[j]);
    den += c[j];
  }
  const double target = num / den;
  double lo = std::log(1e-30), hi = std::log(1e6);
  for (int it = 0; it < 200; ++it) {
    const double mid = 0.5 * (lo + hi);
    (g(std::exp(mid)) > target ? lo : hi) = mid;
  }
  return std::exp(0.5 * (lo + hi));
}

// Photon-energy nodes of the bremsstrahlung sampling table.
int brems_nodes(const ElectronTableOptions& opt) { return std::max(2, opt.brems_shape_points); }

// The shared bremsstrahlung table of element Z for these table options (the one place that
// maps the options onto element_brems_table's key).
std::shared_ptr<const ElementBremsTable> brems_table_for(int Z, const ElectronTableOptions& opt) {
  return element_brems_table(Z, opt.e_min_MeV, opt.e_max_MeV, opt.points, opt.wcr_MeV, brems_nodes(opt));
}

}  // namespace

void precompute_element_brems(const std::vector<Material>& materials, const ElectronTableOptions& opt) {
  std::vector<int> elements;
  for (const Material& m : materials)
    for (const auto& e : m.elements)
      if (e.mass_fraction > 0) elements.push_back(e.Z);
  std::sort(elements.begin(), elements.end());
  elements.erase(std::unique(elements.begin(), elements.end()), elements.end());
#pragma omp parallel for schedule(dynamic)
  for (long k = 0; k < static_cast<long>(elements.size()); ++k) {
    try {
      brems_table_for(elements[k], opt);
    } catch (...) {
      // An invalid element or option: build_electron_tables reports it with the material's name.
    }
  }
}

std::vector<double> collision_stopping_on_grid(const Material& m, const std::vector<double>& energy_MeV) {
  double wsum = 0;
  for (const auto& e : m.elements) wsum += e.mass_fraction;
  BD_VALIDATE(wsum > 0 && m.I_eV > 0 && m.density_g_cm3 > 0,
              "material '" << m.name << "': composition, I and density needed for the stopping power");
  const double zoa = z_over_a(m.elements) / wsum;
  const DensityEffect density_effect(m.elements, m.density_g_cm3, m.I_eV);
  std::vector<double> s;
  for (double T : energy_MeV) s.push_back(collision_stopping_MeV_cm2_g(T, zoa, m.I_eV, density_effect.delta(T)));
  return s;
}

double ElectronTables::interpolate(const std::vector<double>& column, double energy_MeV) const {
  BD_VALIDATE(column.size() == this->energy_MeV.size() && column.size() >= 2,
              "electron tables of '" << material << "': column size " << column.size()
                                     << " does not match the energy grid (" << this->energy_MeV.size()
                                     << ")");
  const auto& E = this->energy_MeV;
  BD_VALIDATE(energy_MeV >= E.front() * (1 - 1e-12) && energy_MeV <= E.back() * (1 + 1e-12),
              "electron tables of '" << material << "': energy " << energy_MeV
                                     << " MeV outside the table [" << E.front() << ", " << E.back()
                                     << "] MeV");
  auto it = std::upper_bound(E.begin(), E.end(), energy_MeV);
  std::size_t i = it == E.begin() ? 0 : static_cast<std::size_t>(it - E.begin()) - 1;
  if (i >= E.size() - 1) i = E.size() - 2;
  const double x = std::log(energy_MeV / E[i]) / std::log(E[i + 1] / E[i]);
  const double a = column[i], b = column[i + 1];
  if (a > 0 && b > 0) return std::exp(std::log(a) + x * std::log(b / a));
  return a + x * (b - a);  // columns that vanish (δ, hard cross sections below threshold)
}

ElectronTables build_electron_tables(const Material& material, const ElectronTableOptions& opt) {
  BD_VALIDATE(!material.elements.empty(), "material '" << material.name << "': no elements");
  BD_VALIDATE(material.density_g_cm3 > 0, "material '" << material.name << "': density "
                                                        << material.density_g_cm3
                                                        << " g/cm3 must be positive");
  BD_VALIDATE(material.I_eV > 0, "material '" << material.name << "': mean excitation energy "
                                              << material.I_eV << " eV must be positive");
  BD_VALIDATE(opt.points >= 2 && opt.e_min_MeV > 0 && opt.e_max_MeV > opt.e_min_MeV,
              "electron table options: need points >= 2 and 0 < e_min < e_max (got "
                  << opt.points << ", " << opt.e_min_MeV << ", " << opt.e_max_MeV << ")");
  BD_VALIDATE(opt.wcc_MeV > 0 && opt.wcr_MeV > 0,
              "electron table options: production thresholds wcc " << opt.wcc_MeV << " and wcr "
                                                                   << opt.wcr_MeV
                                                                   << " MeV must be positive");
  double wsum = 0;
  for (const auto& e : material.elements) {
    BD_VALIDATE(e.Z >= 1 && e.Z <= kMaxElementZ && e.mass_fraction >= 0,
                "material '" << material.name << "': element Z=" << e.Z << " fraction "
                             << e.mass_fraction << " invalid");
    wsum += e.mass_fraction;
  }
  BD_VALIDATE(std::abs(wsum - 1.0) < 1e-3, "material '" << material.name
                                                        << "': mass fractions sum to " << wsum
                                                        << ", expected 1");

  ElectronTables t;
  t.material = material.name;
  t.density_g_cm3 = material.density_g_cm3;
  t.wcc_MeV = opt.wcc_MeV;
  t.wcr_MeV = opt.wcr_MeV;
  t.I_eV = material.I_eV;
  t.z_over_a = z_over_a(material.elements) / wsum;

  // Atoms per gram of each element (normalised fractions) and electrons per gram.
  std::vector<int> Z;
  std::vector<double> atoms_per_g;
  for (const auto& e : material.elements) {
    if (e.mass_fraction <= 0) continue;
    Z.push_back(e.Z);
    atoms_per_g.push_back(phys::kAvogadro_per_mol * e.mass_fraction / wsum /
                          element_data(e.Z).atomic_weight);
  }
  const double electrons_per_g = phys::kAvogadro_per_mol * t.z_over_a;

  const DensityEffect density_effect(material.elements, material.density_g_cm3, material.I_eV);

  // Angular deflection: elastic per atom (partial waves or a legacy model) plus, with partial
  // waves, the soft inelastic collisions the class II scheme does not simulate.
  std::vector<PartialWaveTable> partial_wave;
  if (opt.elastic == ElasticModel::partial_wave)
    for (int z : Z) partial_wave.push_back(load_partial_wave_table(z));
  auto atom_elastic_xs = [&](std::size_t j, double T) {
    if (opt.elastic != ElasticModel::partial_wave)
      return wentzel_transport_xs(Z[j], T,
                                  opt.elastic == ElasticModel::wentzel_mckinley_feshbach
                                      ? SpinCorrection::mckinley_feshbach
                                      : SpinCorrection::off);
    return partial_wave[j].at(T);
  };

  const int n = opt.points;
  // Bremsstrahlung per element, shared with the other materials of the process.
  std::vector<std::shared_ptr<const ElementBremsTable>> brems;
  for (int z : Z) brems.push_back(brems_table_for(z, opt));
  const int nk = brems_nodes(opt);
  const std::vector<double> energies = electron_table_energies(opt.e_min_MeV, opt.e_max_MeV, n);
  t.brems_shape_points = nk;
  t.brems_shape.assign(static_cast<std::size_t>(n) * nk, 0.0);
  for (int i = 0; i < n; ++i) {
    const double T = energies[i];
    t.energy_MeV.push_back(T);
    const double delta = density_effect.delta(T);
    t.density_effect_delta.push_back(delta);
    t.s_col_MeV_cm2_g.push_back(collision_stopping_MeV_cm2_g(T, t.z_over_a, t.I_eV, delta));
    t.s_col_restricted_MeV_cm2_g.push_back(
        restricted_collision_stopping_MeV_cm2_g(T, opt.wcc_MeV, t.z_over_a, t.I_eV, delta));
    t.sigma_moller_cm2_g.push_back(electrons_per_g * moller_hard_xs_cm2(T, opt.wcc_MeV));
    t.straggling_MeV2_cm2_g.push_back(electrons_per_g *
                                      moller_soft_second_moment_MeV2_cm2(T, opt.wcc_MeV));

    double srad = 0, srad_soft = 0, sig_brems = 0, sig1 = 0, sig2 = 0;
    std::vector<double> c, A;
    for (std::size_t j = 0; j < Z.size(); ++j) {
      const BremsIntegrals& b = brems[j]->integrals[i];
      srad += atoms_per_g[j] * (b.loss_soft_cm2_MeV + b.loss_hard_cm2_MeV);
      srad_soft += atoms_per_g[j] * b.loss_soft_cm2_MeV;
      sig_brems += atoms_per_g[j] * b.number_hard_cm2;
      const ElasticTransportXs xs = atom_elastic_xs(j, T);
      sig1 += atoms_per_g[j] * xs.sigma1_cm2;
      sig2 += atoms_per_g[j] * xs.sigma2_cm2;
      c.push_back(atoms_per_g[j] * Z[j] * (Z[j] + 1.0));
      A.push_back(moliere_screening(Z[j], T));
    }
    t.s_rad_MeV_cm2_g.push_back(srad);
    t.s_rad_restricted_MeV_cm2_g.push_back(srad_soft);
    t.sigma_brems_cm2_g.push_back(sig_brems);
    if (opt.elastic == ElasticModel::partial_wave) {
      // Soft inelastic deflections of the material's electrons (the same per electron).
      const ElasticTransportXs in = soft_inelastic_transport_xs(T, opt.wcc_MeV, material.I_eV);
      sig1 += electrons_per_g * in.sigma1_cm2;
      sig2 += electrons_per_g * in.sigma2_cm2;
    }
    t.transport_xs1_cm2_g.push_back(sig1);
    t.transport_xs2_cm2_g.push_back(sig2);
    t.screening_parameter.push_back(effective_screening(c, A));
    t.s_soft_MeV_cm2_g.push_back(t.s_col_restricted_MeV_cm2_g.back() + srad_soft);

    if (T > opt.wcr_MeV) {
      double* row = &t.brems_shape[static_cast<std::size_t>(i) * nk];
      double mx = 0;
      for (int j = 0; j < nk; ++j) {
        // k_j from wcr to (just below) T (brems_shape_node_MeV).
        double chi = 0;
        for (std::size_t e = 0; e < Z.size(); ++e)
          chi += atoms_per_g[e] * brems[e]->k_dsigma_dk_cm2[static_cast<std::size_t>(i) * nk + j];
        row[j] = chi;
        mx = std::max(mx, chi);
      }
      if (mx > 0)
        for (int j = 0; j < nk; ++j) row[j] /= mx;
    }
  }

  std::vector<double> s_tot(n);
  for (int i = 0; i < n; ++i) s_tot[i] = t.s_col_MeV_cm2_g[i] + t.s_rad_MeV_cm2_g[i];
  t.csda_range_g_cm2 = integrate_range(t.energy_MeV, s_tot);
  t.range_soft_g_cm2 = integrate_range(t.energy_MeV, t.s_soft_MeV_cm2_g);
  // Hard bremsstrahlung photons emitted on the way to rest in the continuous-slowing-down
  // approximation: dN = σ_brems dR, dR = dE/S_tot, trapezoid in ln E (σ_brems = 0 below wcr,
  // so N starts at 0). Used for the electrons that range rejection stops (decay_history.hh).
  t.brems_photons_to_rest.assign(n, 0.0);
  for (int i = 1; i < n; ++i) {
    const double h = std::log(t.energy_MeV[i] / t.energy_MeV[i - 1]);
    t.brems_photons_to_rest[i] =
        t.brems_photons_to_rest[i - 1] + 0.5 * h *
                                             (t.sigma_brems_cm2_g[i] * t.energy_MeV[i] / s_tot[i] +
                                              t.sigma_brems_cm2_g[i - 1] * t.energy_MeV[i - 1] / s_tot[i - 1]);
  }
  return t;
}

}  // namespace bd
