#include <cmath>

#include "betadose/transport.hh"

namespace bd {

double EnergyBalance::relative_residual() const {
  if (emitted_MeV <= 0) return 0.0;
  return std::abs(emitted_MeV - deposited_MeV - escaped_electron_MeV - escaped_photon_MeV) / emitted_MeV;
}

}  // namespace bd
