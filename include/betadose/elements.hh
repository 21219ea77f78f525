// Elemental data for Z = 1..92 used by the materials layer and the physics tables:
// symbol, standard atomic weight and mean excitation energy I of the element.
//
// Atomic weights: IUPAC standard atomic weights (abridged, as tabulated by NIST
// "Atomic Weights and Isotopic Compositions"); for elements without stable isotopes the mass
// number of the longest-lived isotope.
// I values: ICRU Report 37 (1984) Table 2.1 / Berger & Seltzer (1982), the values used by
// NIST ESTAR and PSTAR for the elements.
#pragma once

#include <string>
#include <vector>

#include "betadose/materials.hh"
#include "kernels/physics_model.hh"

namespace bd {

inline constexpr PhysicsModel kMeanExcitationModel{
    "mean excitation energies",
    "elemental I values; condensed-phase values with the Bragg additivity rule for mixtures",
    "ICRU Report 37 (1984) Tables 2.1 and 2.11, eq. 2.4"};

struct ElementData {
  int Z = 0;
  const char* symbol = "";
  double atomic_weight = 0;  // [g/mol]
  double I_eV = 0;           // mean excitation energy of the element (ICRU 37 Table 2.1) [eV]
};

constexpr int kMaxElementZ = 92;

// Data for 1 <= Z <= 92; InputError otherwise.
const ElementData& element_data(int Z);
// Atomic number from a symbol ("H", "Ca"; case-sensitive as in the periodic table) or from a
// decimal number ("20"); InputError for anything else.
int element_Z(const std::string& symbol_or_number);

// Mean excitation energy of an element bound in a condensed compound or mixture, for the
// Bragg additivity rule: ICRU Report 37 (1984) §2.3.3 and Table 2.11 (after Seltzer & Berger,
// Int J Appl Radiat Isot 33:1189, 1982): H 19.2, C 81, N 82, O 106, F 112, Cl 180 eV; all
// other elements 1.13 x the elemental value of Table 2.1.  [eV]
double condensed_phase_I_eV(int Z);

// Bragg additivity rule, ICRU 37 eq. 2.4:
//   ln I = sum_i w_i (Z_i/A_i) ln I_i / sum_i w_i (Z_i/A_i),
// with the condensed-phase I_i above. Reproduces the ESTAR I values of the ICRU-1986 tissues
// exactly (liver 74.82, lung 75.17, cortical bone 111.97 eV).  [eV]
double bragg_additivity_I_eV(const std::vector<ElementFraction>& elements);

// <Z/A> = sum_i w_i Z_i / A_i  [mol/g]
double z_over_a(const std::vector<ElementFraction>& elements);

}  // namespace bd
