// Shared per-element bremsstrahlung tables; see include/betadose/brems_element_table.hh.
#include "betadose/brems_element_table.hh"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <tuple>

#include "betadose/elements.hh"
#include "betadose/errors.hh"

namespace bd {

std::vector<double> electron_table_energies(double e_min_MeV, double e_max_MeV, int points) {
  std::vector<double> T(static_cast<std::size_t>(points));
  const double lmin = std::log(e_min_MeV), dl = std::log(e_max_MeV / e_min_MeV) / (points - 1);
  for (int i = 0; i < points; ++i) T[i] = i == points - 1 ? e_max_MeV : std::exp(lmin + i * dl);
  return T;
}

double brems_shape_node_MeV(double T_MeV, double wcr_MeV, int j, int nk) {
  const double x = static_cast<double>(j) / (nk - 1);
  return std::min(wcr_MeV * std::pow(T_MeV / wcr_MeV, x), T_MeV * (1 - 1e-4));
}

namespace {

ElementBremsTable compute(int Z, double e_min_MeV, double e_max_MeV, int points, double wcr_MeV, int nk) {
  ElementBremsTable t;
  const std::vector<double> energies = electron_table_energies(e_min_MeV, e_max_MeV, points);
  t.integrals.reserve(energies.size());
  t.k_dsigma_dk_cm2.assign(energies.size() * static_cast<std::size_t>(nk), 0.0);
  for (std::size_t i = 0; i < energies.size(); ++i) {
    const double T = energies[i];
    t.integrals.push_back(brems_integrals(Z, T, wcr_MeV));
    if (T > wcr_MeV)
      for (int j = 0; j < nk; ++j)
        t.k_dsigma_dk_cm2[i * nk + j] = brems_k_dsigma_dk_cm2(Z, T, brems_shape_node_MeV(T, wcr_MeV, j, nk));
  }
  return t;
}

struct Slot {
  std::once_flag once;
  std::shared_ptr<const ElementBremsTable> table;
};
using Key = std::tuple<int, double, double, int, double, int>;

// A run needs a few option sets (one Wcr per scoring resolution); the validation suite many.
// Beyond this many entries the cache starts afresh (tables in use stay alive through their
// shared_ptr), so memory stays bounded (~72 KB per entry at 256 energies and 32 nodes).
constexpr std::size_t kMaxEntries = 512;

}  // namespace

std::shared_ptr<const ElementBremsTable> element_brems_table(int Z, double e_min_MeV, double e_max_MeV, int points,
                                                             double wcr_MeV, int nk) {
  BD_VALIDATE(Z >= 1 && Z <= kMaxElementZ, "bremsstrahlung table: atomic number " << Z << " outside 1.." << kMaxElementZ);
  BD_VALIDATE(points >= 2 && e_min_MeV > 0 && e_max_MeV > e_min_MeV && wcr_MeV > 0 && nk >= 2,
              "bremsstrahlung table: need points >= 2, 0 < e_min < e_max, wcr > 0 and nodes >= 2 (got "
                  << points << ", " << e_min_MeV << ", " << e_max_MeV << ", " << wcr_MeV << ", " << nk << ")");
  static std::mutex mutex;
  static std::map<Key, std::shared_ptr<Slot>> cache;
  std::shared_ptr<Slot> slot;
  {
    const std::lock_guard<std::mutex> lock(mutex);
    if (cache.size() >= kMaxEntries) cache.clear();
    std::shared_ptr<Slot>& s = cache[Key{Z, e_min_MeV, e_max_MeV, points, wcr_MeV, nk}];
    if (!s) s = std::make_shared<Slot>();
    slot = s;
  }
  // Computed outside the lock: other elements proceed in parallel; callers of this one wait.
  std::call_once(slot->once, [&] {
    slot->table = std::make_shared<const ElementBremsTable>(compute(Z, e_min_MeV, e_max_MeV, points, wcr_MeV, nk));
  });
  return slot->table;
}

}  // namespace bd
