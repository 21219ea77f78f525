// Photon interaction tables of a material on a common log-energy grid, 1 keV - 3 MeV:
// mass attenuation coefficients [cm2/g] for photoelectric absorption, Compton (incoherent)
// scattering, Rayleigh (coherent) scattering and their total. Built at run time by mixing the
// per-element tables materials/photon/Z<nn>.csv (written from xraylib by betadose_tablegen) by
// mass fraction (the mixture rule, e.g. Hubbell 1982 Int J Appl Radiat Isot 33:1269):
//   (mu/rho)_mix = sum_i w_i (mu/rho)_i.
// The transport uses mu = (mu/rho) x voxel density (Woodcock tracking over the majorant).
// All materials share the grid: E_i = E_min (E_max/E_min)^(i/(n-1)), so a lookup is O(1).
// Absorption edges are not grid points: within the one grid interval (2.3 % wide) that
// contains an edge, log-log interpolation smears the photoelectric jump.
#pragma once

#include <string>
#include <vector>

#include "betadose/materials.hh"
#include "kernels/physics_model.hh"

namespace bd {

inline constexpr PhysicsModel kPhotonCrossSectionModel{
    "photon cross sections (photoelectric, incoherent, coherent)",
    "xraylib elemental tables (materials/photon, betadose_tablegen), mixture rule",
    "Schoonjans et al., Spectrochim Acta B 66 (2011) 776 (xraylib); Hubbell, Int J Appl Radiat "
    "Isot 33 (1982) 1269"};

struct PhotonGrid {
  static constexpr double kEMinMeV = 1e-3;
  static constexpr double kEMaxMeV = 3.0;
  static constexpr int kPoints = 349;  // ~100 per decade
  static double energy_MeV(int i);     // i = 0 .. kPoints-1
};

struct PhotonTables {
  std::string material;
  std::vector<double> energy_MeV;        // PhotonGrid
  std::vector<double> photo_cm2_g;       // photoelectric
  std::vector<double> compton_cm2_g;     // incoherent (bound-electron) scattering
  std::vector<double> rayleigh_cm2_g;    // coherent scattering
  std::vector<double> total_cm2_g;       // sum of the three

  // Log-log interpolation of a column at energy E (clamped to the grid ends).
  double interpolate(const std::vector<double>& column, double energy_MeV) const;
};

// One element's table as shipped (materials/photon/Z<nn>.csv in `dir`, default
// materials_dir()/photon). InputError if the file is missing or malformed.
PhotonTables load_element_photon_table(int Z, const std::string& dir = "");
// Mixture table of a material; InputError naming the missing element file.
PhotonTables build_photon_tables(const Material& material, const std::string& dir = "");

// Klein-Nishina total cross section per free electron [cm2] (Klein & Nishina, Z Phys 52:853,
// 1929; Attix, Introduction to Radiological Physics, eq. 7.8): reference for the Compton
// column at energies where electron binding is negligible.
double klein_nishina_cm2_per_electron(double energy_MeV);

// Path of an element's file: <dir>/Z<nn>.csv.
std::string element_photon_table_path(int Z, const std::string& dir = "");

}  // namespace bd
