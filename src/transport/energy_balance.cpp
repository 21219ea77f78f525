#include <cmath>

#include "betadose/transport.hh"
#include "kernels/tallies.hh"

namespace bd {

double EnergyBalance::relative_residual() const {
  if (emitted_MeV <= 0) return 0.0;
  return std::abs(emitted_MeV - deposited_MeV - escaped_electron_MeV - escaped_photon_MeV) / emitted_MeV;
}

EnergyBalance energy_balance_per_decay(const RunTotals& t, double scale) {
  EnergyBalance b;
  const double n = static_cast<double>(t.histories);
  b.emitted_MeV = t.balance[kEmitted] / n * scale;
  b.deposited_MeV = (t.balance[kDepositedScored] + t.balance[kDepositedUnscored]) / n * scale;
  b.escaped_electron_MeV = t.balance[kEscapedElectron] / n * scale;
  b.escaped_photon_MeV = t.balance[kEscapedPhoton] / n * scale;
  b.below_cutoff_MeV = t.balance[kBelowCutoff] / n * scale;
  b.overflow_MeV = t.balance[kStackOverflow] / n * scale;
  return b;
}

}  // namespace bd
