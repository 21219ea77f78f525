// What a decay emits, as the transport samples it (private to src/transport).
#pragma once

#include <string>

#include "betadose/device_array.hh"
#include "betadose/point_kernels.hh"
#include "betadose/spectrum_table.hh"
#include "kernels/transport_launch.hh"

namespace bd::detail {

struct EmissionData {
  std::string label;              // "Y-90" or "e- 1 MeV"
  double betas_per_decay = 1.0;   // simulated histories per decay (1 history = 1 beta)
  double mean_MeV = 0;            // mean kinetic energy of one history's primary
  double tau_s = 0;               // mean life (nuclides; 0 for monoenergetic electrons)
  double mono_MeV = 0;
  MirroredArray<double> energy, pdf, cdf;
  MirroredArray<unsigned> guide;  // interval-search guide of the cdf (spectrum_sampler.hh)

  PrimaryEnergy primary(bool device) const;
  void mirror_to_device();
};

// InputError for unknown nuclides or energies outside (eabs, 3 MeV].
EmissionData make_emission(const EmissionSpec& spec);

}  // namespace bd::detail
