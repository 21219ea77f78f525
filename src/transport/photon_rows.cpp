// Photon rows of the transport tables from the mixture tables of photon_tables.hh.
#include "src/transport/photon_rows.hh"

#include <cmath>

#include "betadose/photon_tables.hh"

namespace bd {

std::vector<PhotonRow> photon_rows(const Material& material, double e_min_MeV, double e_max_MeV,
                                   int points) {
  const PhotonTables t = build_photon_tables(material);
  std::vector<PhotonRow> rows;
  rows.reserve(static_cast<std::size_t>(points));
  for (int i = 0; i < points; ++i) {
    const double E = i == points - 1 ? e_max_MeV
                                     : std::exp(std::log(e_min_MeV) + i * std::log(e_max_MeV / e_min_MeV) / (points - 1));
    PhotonRow r;
    r.mu_photo = static_cast<float>(t.interpolate(t.photo_cm2_g, E));
    r.mu_compton = static_cast<float>(t.interpolate(t.compton_cm2_g, E));
    r.mu_rayleigh = static_cast<float>(t.interpolate(t.rayleigh_cm2_g, E));
    r.mu_total = r.mu_photo + r.mu_compton + r.mu_rayleigh;
    rows.push_back(r);
  }
  return rows;
}

}  // namespace bd
