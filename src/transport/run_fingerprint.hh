// What the engines feed into a run's case fingerprint (private to src/transport): the arrays
// and numbers the history functor reads, on the host. Two runs with the same fingerprint,
// seed, histories and batches simulate the same decays in the same geometry with the same
// physics tables. (Covered: geometry/tally arrays and sizes, source arrays, the emission's
// spectrum, the electron, photon and elastic tables, the transport parameters, the code
// version. Not covered: code changes that leave the version string alone.)
#pragma once

#include <string>
#include <type_traits>
#include <vector>

#include "betadose/run_control.hh"
#include "betadose/transport_physics.hh"
#include "kernels/span.hh"
#include "src/transport/emission.hh"

namespace bd::detail {

template <class T>
void feed_value(Digest& d, const T& v) {
  static_assert(std::is_arithmetic<T>::value, "feed numbers one by one (no padding bytes)");
  d.update(&v, sizeof v);
}

inline void feed_text(Digest& d, const std::string& s) {
  feed_value(d, static_cast<std::uint64_t>(s.size()));
  d.update(s.data(), s.size());
}

template <class T>
void feed_array(Digest& d, const T* data, std::size_t n) {
  static_assert(std::is_trivially_copyable<T>::value, "arrays of plain values only");
  feed_value(d, static_cast<std::uint64_t>(n));
  d.update(data, n * sizeof(T));
}
template <class T>
void feed_array(Digest& d, const std::vector<T>& v) {
  feed_array(d, v.data(), v.size());
}
template <class T>
void feed_array(Digest& d, ConstSpan<T> v) {
  feed_array(d, v.data(), v.size());
}

inline void feed_grid(Digest& d, const LogGrid& g) {
  feed_value(d, g.n);
  feed_value(d, g.ln_min);
  feed_value(d, g.inv_step);
}

// The physics tables and parameters of a run, and the emission it samples.
inline void feed_physics(Digest& d, const TransportPhysics& physics, ConstSpan<float> majorant,
                         const EmissionData& emission) {
  feed_text(d, BETADOSE_VERSION);
  const TransportTables t = physics.view(majorant, false);
  for (const auto& name : physics.material_names) feed_text(d, name);
  feed_array(d, t.electron.rows);
  feed_array(d, t.electron.brems_shape);
  feed_value(d, t.electron.n_energy);
  feed_value(d, t.electron.n_kappa);
  feed_value(d, t.electron.ln_e_min);
  feed_value(d, t.electron.inv_dln_e);
  feed_grid(d, t.photon_grid);
  feed_array(d, t.photon);
  feed_array(d, t.photon_majorant);
  feed_grid(d, t.mw_grid);
  feed_array(d, t.mw);
  feed_value(d, t.mw_mean_max);
  const TransportParams& p = physics.params;
  for (float v : {p.eabs_electron_MeV, p.eabs_photon_MeV, p.max_eloss_fraction, p.elastic_event_lambda1, p.wcc_MeV,
                  p.wcr_MeV})
    feed_value(d, v);
  feed_value(d, static_cast<int>(p.straggling));
  feed_value(d, static_cast<int>(p.range_rejection));
  feed_value(d, static_cast<int>(p.dose_to_water));
  feed_value(d, static_cast<int>(p.stratified_source));
  feed_text(d, emission.label);
  feed_value(d, emission.mono_MeV);
  feed_value(d, emission.betas_per_decay);
  feed_value(d, emission.tau_s);
  feed_array(d, emission.energy.host());
  feed_array(d, emission.pdf.host());
  feed_array(d, emission.cdf.host());
}

}  // namespace bd::detail
