// Element table: see include/betadose/elements.hh for the sources of each column.
#include "betadose/elements.hh"

#include <cmath>
#include <cstdlib>
#include <cstring>

#include "betadose/errors.hh"

namespace bd {
namespace {

// {Z, symbol, standard atomic weight [g/mol] (IUPAC 2001, as used by NIST ESTAR/XCOM),
//  I [eV] (ICRU Report 37 Table 2.1; C is graphite, 78 eV)}
constexpr ElementData kElements[kMaxElementZ] = {
    {1, "H", 1.00794, 19.2},
    {2, "He", 4.002602, 41.8},
    {3, "Li", 6.941, 40.0},
    {4, "Be", 9.012182, 63.7},
    {5, "B", 10.811, 76.0},
    {6, "C", 12.0107, 78.0},
    {7, "N", 14.0067, 82.0},
    {8, "O", 15.9994, 95.0},
    {9, "F", 18.9984032, 115.0},
    {10, "Ne", 20.1797, 137.0},
    {11, "Na", 22.98977, 149.0},
    {12, "Mg", 24.305, 156.0},
    {13, "Al", 26.981538, 166.0},
    {14, "Si", 28.0855, 173.0},
    {15, "P", 30.973761, 173.0},
    {16, "S", 32.065, 180.0},
    {17, "Cl", 35.453, 174.0},
    {18, "Ar", 39.948, 188.0},
    {19, "K", 39.0983, 190.0},
    {20, "Ca", 40.078, 191.0},
    {21, "Sc", 44.95591, 216.0},
    {22, "Ti", 47.867, 233.0},
    {23, "V", 50.9415, 245.0},
    {24, "Cr", 51.9961, 257.0},
    {25, "Mn", 54.938049, 272.0},
    {26, "Fe", 55.845, 286.0},
    {27, "Co", 58.9332, 297.0},
    {28, "Ni", 58.6934, 311.0},
    {29, "Cu", 63.546, 322.0},
    {30, "Zn", 65.409, 330.0},
    {31, "Ga", 69.723, 334.0},
    {32, "Ge", 72.64, 350.0},
    {33, "As", 74.9216, 347.0},
    {34, "Se", 78.96, 348.0},
    {35, "Br", 79.904, 357.0},
    {36, "Kr", 83.798, 352.0},
    {37, "Rb", 85.4678, 363.0},
    {38, "Sr", 87.62, 366.0},
    {39, "Y", 88.90585, 379.0},
    {40, "Zr", 91.224, 393.0},
    {41, "Nb", 92.90638, 417.0},
    {42, "Mo", 95.94, 424.0},
    {43, "Tc", 98.0, 428.0},
    {44, "Ru", 101.07, 441.0},
    {45, "Rh", 102.9055, 449.0},
    {46, "Pd", 106.42, 470.0},
    {47, "Ag", 107.8682, 470.0},
    {48, "Cd", 112.411, 469.0},
    {49, "In", 114.818, 488.0},
    {50, "Sn", 118.71, 488.0},
    {51, "Sb", 121.76, 487.0},
    {52, "Te", 127.6, 485.0},
    {53, "I", 126.90447, 491.0},
    {54, "Xe", 131.293, 482.0},
    {55, "Cs", 132.90545, 488.0},
    {56, "Ba", 137.327, 491.0},
    {57, "La", 138.9055, 501.0},
    {58, "Ce", 140.116, 523.0},
    {59, "Pr", 140.90765, 535.0},
    {60, "Nd", 144.24, 546.0},
    {61, "Pm", 145.0, 560.0},
    {62, "Sm", 150.36, 574.0},
    {63, "Eu", 151.964, 580.0},
    {64, "Gd", 157.25, 591.0},
    {65, "Tb", 158.92534, 614.0},
    {66, "Dy", 162.5, 628.0},
    {67, "Ho", 164.93032, 650.0},
    {68, "Er", 167.259, 658.0},
    {69, "Tm", 168.93421, 674.0},
    {70, "Yb", 173.04, 684.0},
    {71, "Lu", 174.967, 694.0},
    {72, "Hf", 178.49, 705.0},
    {73, "Ta", 180.9479, 718.0},
    {74, "W", 183.84, 727.0},
    {75, "Re", 186.207, 736.0},
    {76, "Os", 190.23, 746.0},
    {77, "Ir", 192.217, 757.0},
    {78, "Pt", 195.078, 790.0},
    {79, "Au", 196.96655, 790.0},
    {80, "Hg", 200.59, 800.0},
    {81, "Tl", 204.3833, 810.0},
    {82, "Pb", 207.2, 823.0},
    {83, "Bi", 208.98038, 823.0},
    {84, "Po", 209.0, 830.0},
    {85, "At", 210.0, 825.0},
    {86, "Rn", 222.0, 794.0},
    {87, "Fr", 223.0, 827.0},
    {88, "Ra", 226.0, 826.0},
    {89, "Ac", 227.0, 841.0},
    {90, "Th", 232.0381, 847.0},
    {91, "Pa", 231.03588, 878.0},
    {92, "U", 238.02891, 890.0},
};

}  // namespace

const ElementData& element_data(int Z) {
  BD_VALIDATE(Z >= 1 && Z <= kMaxElementZ,
              "element Z=" << Z << " is outside the supported range 1.." << kMaxElementZ);
  return kElements[Z - 1];
}

int element_Z(const std::string& s) {
  for (const auto& e : kElements) {
    if (s == e.symbol) return e.Z;
  }
  char* end = nullptr;
  const long z = std::strtol(s.c_str(), &end, 10);
  BD_VALIDATE(!s.empty() && end && *end == '\0' && z >= 1 && z <= kMaxElementZ,
              "'" << s << "' is neither an element symbol (H, C, Ca, ...) nor an atomic number "
                                   "1.." << kMaxElementZ);
  return static_cast<int>(z);
}

double condensed_phase_I_eV(int Z) {
  // ICRU Report 37 (1984) Table 2.11 (Seltzer & Berger 1982): adjusted values for H, C, N, O,
  // F, Cl bound in condensed compounds; other elements: 1.13 x the Table 2.1 value.
  switch (Z) {
    case 1: return 19.2;
    case 6: return 81.0;
    case 7: return 82.0;
    case 8: return 106.0;
    case 9: return 112.0;
    case 17: return 180.0;
    default: return 1.13 * element_data(Z).I_eV;
  }
}

double bragg_additivity_I_eV(const std::vector<ElementFraction>& elements) {
  // ICRU 37 eq. 2.4: ln I = sum w_i (Z/A)_i ln I_i / sum w_i (Z/A)_i
  double num = 0, den = 0;
  for (const auto& e : elements) {
    const double za = e.mass_fraction * e.Z / element_data(e.Z).atomic_weight;
    num += za * std::log(condensed_phase_I_eV(e.Z));
    den += za;
  }
  BD_VALIDATE(den > 0, "Bragg additivity rule needs at least one element with a positive fraction");
  return std::exp(num / den);
}

double z_over_a(const std::vector<ElementFraction>& elements) {
  double s = 0;
  for (const auto& e : elements) s += e.mass_fraction * e.Z / element_data(e.Z).atomic_weight;
  return s;
}

}  // namespace bd
