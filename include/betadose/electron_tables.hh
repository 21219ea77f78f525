// Electron physics tables of one material for the class II condensed-history scheme
// (DESIGN.md §3). Built on the host from a Material (composition, I, nominal density) and
// handed to the transport through kernels/electron_data.hh views.
//
// Mass quantities (per g/cm²) are tabulated at the material's *nominal* density: the density
// enters only through (1) the Sternheimer density-effect correction δ, computed once at the
// nominal density, and (2) a linear scale by the voxel density at transport time. Lung at
// 0.26 g/cm³ is therefore its own material (material "lung"), not water scaled to 0.26.
#pragma once

#include <string>
#include <vector>

#include "betadose/elastic_scattering.hh"
#include "betadose/materials.hh"

namespace bd {

struct ElectronTableOptions {
  double wcc_MeV = 0.020;      // Møller production threshold: harder collisions make tracked δ-rays
  double wcr_MeV = 0.010;      // bremsstrahlung production threshold: harder photons are tracked
  double e_min_MeV = 0.001;    // lowest table energy
  double e_max_MeV = 3.0;      // highest table energy (90Y endpoint 2.28 MeV)
  int points = 256;            // log-spaced grid points
  // Elastic transport cross sections (include/betadose/elastic_scattering.hh): ELSEPA partial
  // waves plus the soft inelastic deflections by default; the legacy Wentzel–Molière models
  // remain for sensitivity studies and perturbation tests.
  ElasticModel elastic = ElasticModel::partial_wave;
  int brems_shape_points = 32; // photon-energy nodes per energy of the brems sampling table
};

struct ElectronTables {
  std::string material;
  double density_g_cm3 = 0;    // density the density effect was evaluated at
  double wcc_MeV = 0, wcr_MeV = 0;
  std::vector<double> energy_MeV;                  // log-spaced kinetic energies
  std::vector<double> s_col_MeV_cm2_g;             // unrestricted collision stopping power
  std::vector<double> s_rad_MeV_cm2_g;             // unrestricted radiative stopping power
  std::vector<double> s_col_restricted_MeV_cm2_g;  // soft collisions (W < wcc)
  std::vector<double> s_rad_restricted_MeV_cm2_g;  // soft bremsstrahlung (k < wcr)
  std::vector<double> csda_range_g_cm2;            // from the unrestricted total stopping power
  std::vector<double> density_effect_delta;
  std::vector<double> sigma_moller_cm2_g;          // hard Møller (W > wcc) macroscopic per density
  std::vector<double> sigma_brems_cm2_g;           // hard bremsstrahlung (k > wcr)
  std::vector<double> transport_xs1_cm2_g;         // first elastic transport cross section (1/λ1)
  std::vector<double> screening_parameter;         // Molière screening A(E) of the Wentzel model
                                                   // (single A with the mixture's σ1; reporting)

  // Added for the transport kernels (kernels/electron_data.hh):
  std::vector<double> transport_xs2_cm2_g;         // second elastic transport cross section (1/λ2)
  std::vector<double> s_soft_MeV_cm2_g;            // s_col_restricted + s_rad_restricted
  std::vector<double> range_soft_g_cm2;            // ∫ dE / s_soft from 0 (continuous-loss range)
  std::vector<double> straggling_MeV2_cm2_g;       // Bohr variance of the soft collision loss
                                                   // per mass thickness: n_e ∫_0^Wmax W² dσ/dW dW
  std::vector<double> brems_photons_to_rest;       // mean number of hard bremsstrahlung photons
                                                   // (k > wcr) emitted while slowing down to rest,
                                                   // N(E) = ∫_0^E σ_brems(E')/S_tot(E') dE' (CSDA)
  // Bremsstrahlung photon-energy sampling table, energy-major [i * brems_shape_points + j]:
  // χ_ij = k dσ/dk (normalised to max_j χ_ij = 1) at k_j = wcr (T_i/wcr)^(x_j),
  // x_j = j/(brems_shape_points − 1). Zero rows where T_i <= wcr.
  int brems_shape_points = 0;
  std::vector<double> brems_shape;
  double I_eV = 0;                                 // mean excitation energy used
  double z_over_a = 0;                             // <Z/A> [mol/g]

  // Log-log interpolation helpers for host-side use (tests, tools).
  double interpolate(const std::vector<double>& column, double energy_MeV) const;
};

ElectronTables build_electron_tables(const Material& material,
                                     const ElectronTableOptions& options = {});

// Computes the per-element bremsstrahlung tables (brems_element_table.hh) of every element of
// `materials` in parallel, so that building their tables afterwards, in parallel by material,
// does not wait on a shared element; errors are left to build_electron_tables.
void precompute_element_brems(const std::vector<Material>& materials, const ElectronTableOptions& options = {});

// Unrestricted collision stopping power [MeV cm²/g] of `material` at its nominal density at
// the given energies (the s_col column of build_electron_tables, alone).
std::vector<double> collision_stopping_on_grid(const Material& material, const std::vector<double>& energy_MeV);

}  // namespace bd
