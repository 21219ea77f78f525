// Photon energy of a hard bremsstrahlung event (k > wcr) for the transport kernels.
//
// Shape: the same k dσ/dk that gives sigma_brems and the radiative stopping power
// (include/betadose/bremsstrahlung.hh: Koch–Motz 3BN × Elwert, screened, + e–e), tabulated per
// material and energy node i as χ_i(x) = k dσ/dk / max, at k = wcr (T_i/wcr)^x, x ∈ [0, 1]
// (ElectronDataView::brems_shape, n_kappa nodes, linear in x between nodes).
// Sampling (exact for the tabulated shape): dσ/dk = χ(x)/k ⇒ in x the density is ∝ χ(x);
//  1. pick the energy row i or i+1 with probabilities 1−f, f (stochastic interpolation in ln T,
//     as PENELOPE does for its tabulated DCS);
//  2. propose x uniform in [0, 1] (i.e. k log-uniform between wcr and T_row) and accept with
//     probability χ(x) ≤ 1. The acceptance probability is the mean of χ over [0,1], ≥ 0.4 for
//     90Y energies in tissues (checked in tests/core/electron_samplers_test.cpp);
//  3. k = wcr (T/wcr)^x with the electron's own T (the shape is a function of k/T to the
//     accuracy of the grid), so k never exceeds T.
#pragma once

#include "kernels/electron_data.hh"
#include <cmath>

#include "kernels/macros.hh"

namespace bd {

struct BremsEnergySampler {
  const ElectronDataView& data;
  int material;
  float energy_MeV;  // electron kinetic energy, > wcr

  template <class Engine>
  BD_FUNCTION float operator()(Engine& rng) const {
    const GridPoint g = data.locate(energy_MeV);
    const int i = (rng.uniform() < g.f) ? g.i + 1 : g.i;
    const float* chi =
        data.brems_shape.data() +
        (static_cast<std::size_t>(material) * data.n_energy + i) * static_cast<std::size_t>(data.n_kappa);
    const float ln_ratio = logf(energy_MeV / data.wcr_MeV);
    const float scale = static_cast<float>(data.n_kappa - 1);
    float x = 0.0f;
    // Rows at or below wcr are zero: fall back to the 1/k shape (acceptance 1).
    const bool flat = chi[data.n_kappa - 1] <= 0.0f && chi[0] <= 0.0f;
    for (int attempt = 0; attempt < 1000; ++attempt) {
      x = rng.uniform();
      if (flat) break;
      const float s = x * scale;
      int j = static_cast<int>(s);
      if (j > data.n_kappa - 2) j = data.n_kappa - 2;
      const float w = s - static_cast<float>(j);
      const float c = chi[j] + w * (chi[j + 1] - chi[j]);
      if (rng.uniform() <= c) break;
    }
    const float k = data.wcr_MeV * expf(x * ln_ratio);
    return k < energy_MeV ? k : energy_MeV;
  }
};

}  // namespace bd
