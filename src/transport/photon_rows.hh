// Photon mass attenuation rows of one material on a log energy grid for the transport tables
// (private to src/transport; the data come from include/betadose/photon_tables.hh).
#pragma once

#include <vector>

#include "betadose/materials.hh"
#include "kernels/transport_tables.hh"

namespace bd {

// `points` log-spaced energies from e_min to e_max [MeV]: photoelectric, incoherent (Compton),
// coherent (Rayleigh) and total mass attenuation [cm²/g].
std::vector<PhotonRow> photon_rows(const Material& material, double e_min_MeV, double e_max_MeV,
                                   int points);

}  // namespace bd
