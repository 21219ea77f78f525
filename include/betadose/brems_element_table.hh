// The bremsstrahlung quantities of one element on an electron-table energy grid, computed once
// per process and shared by every material that contains the element.
//
// Building a material's electron tables evaluates the Koch–Motz 3BN cross section (with its
// logarithms, cube root and Elwert factor) ~72 times per element and energy: 24 + 16
// quadrature nodes for the radiative loss and the hard-photon number, and the nodes of the
// photon-energy sampling table. Those values depend on the atomic number, the energy grid, Wcr
// and the node count only, not on the material, so a CT case with ten tissue materials made of
// the same dozen elements computed each of them about six times. The shared table holds the
// values themselves, so the material tables summed from them are bitwise the same as before.
#pragma once

#include <memory>
#include <vector>

#include "betadose/bremsstrahlung.hh"

namespace bd {

// The energy grid of the electron tables: `points` log-spaced kinetic energies from e_min to
// e_max [MeV] (the last one exactly e_max).
std::vector<double> electron_table_energies(double e_min_MeV, double e_max_MeV, int points);

// Photon energy of node j of the sampling table at kinetic energy T: from wcr to just below T,
// log-spaced (k_j = wcr (T/wcr)^(j/(nk−1)), the last node at 0.9999 T where dσ/dk is finite).
double brems_shape_node_MeV(double T_MeV, double wcr_MeV, int j, int nk);

struct ElementBremsTable {
  std::vector<BremsIntegrals> integrals;  // per energy of the grid (per atom)
  std::vector<double> k_dsigma_dk_cm2;    // [i * nk + j]: k dσ/dk per atom at node j (zero where T <= wcr)
};

// The table of element Z for the grid electron_table_energies(e_min, e_max, points), Wcr and
// nk sampling nodes. Thread-safe; each combination is computed once per process (by the first
// thread that asks; the others wait for it).
std::shared_ptr<const ElementBremsTable> element_brems_table(int Z, double e_min_MeV, double e_max_MeV, int points,
                                                             double wcr_MeV, int nk);

}  // namespace bd
