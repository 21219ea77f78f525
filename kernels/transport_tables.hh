// Physics tables of one run for the stepping loop (GPU.md item 6: uniform log-energy grids,
// all coefficients of one grid point in one record, so a lookup is one index computation and
// two contiguous loads): the electron data view (kernels/electron_data.hh, built by
// ElectronParams), photon attenuation rows and the Woodcock majorant, and the modified-Wentzel
// inverse table. Built on the host by src/transport/transport_physics.cpp.
// Units: [MeV], mass coefficients [cm²/g].
#pragma once

#include <cmath>
#include <cstdint>

#include "kernels/electron_data.hh"
#include "kernels/macros.hh"
#include "kernels/span.hh"

namespace bd {

// One photon grid point of one material (mass attenuation coefficients).
struct PhotonRow {
  float mu_photo;
  float mu_compton;
  float mu_rayleigh;
  float mu_total;
};

// Modified-Wentzel inverse table: for a mean  <μ> = (1−cos θ)/2  of the multiple-scattering
// distribution, the screening A' of the single Wentzel distribution with that mean and the
// second moment <μ²> of that distribution (Fernández-Varea et al., NIM B 73 (1993) 447).
struct MwRow {
  float ln_a;
  float mu2_wentzel;
};

struct LogGrid {
  int n = 0;
  float ln_min = 0;     // ln of the first grid value
  float inv_step = 0;   // 1 / (ln spacing)

  // Fractional index clamped to the grid.
  BD_FUNCTION void locate(float value, int& i, float& frac) const {
    float x = (logf(value) - ln_min) * inv_step;
    x = fminf(fmaxf(x, 0.0f), static_cast<float>(n - 1) - 1e-4f);
    i = static_cast<int>(x);
    frac = x - static_cast<float>(i);
  }
};

struct TransportTables {
  int n_materials = 0;
  ElectronDataView electron;
  LogGrid photon_grid;
  ConstSpan<PhotonRow> photon;      // [material * n + i]
  ConstSpan<float> photon_majorant; // [i]: max over the run's voxels of μ_total [1/cm]
  LogGrid mw_grid;                  // over <μ>
  ConstSpan<MwRow> mw;
  float mw_mean_max = 0.49f;        // last <μ> of mw_grid; beyond it: isotropic

  BD_FUNCTION PhotonRow photon_row(int material, float energy_MeV) const {
    int i;
    float f;
    photon_grid.locate(energy_MeV, i, f);
    const PhotonRow& a = photon[static_cast<std::size_t>(material) * photon_grid.n + i];
    const PhotonRow& b = photon[static_cast<std::size_t>(material) * photon_grid.n + i + 1];
    PhotonRow r;
    r.mu_photo = a.mu_photo + f * (b.mu_photo - a.mu_photo);
    r.mu_compton = a.mu_compton + f * (b.mu_compton - a.mu_compton);
    r.mu_rayleigh = a.mu_rayleigh + f * (b.mu_rayleigh - a.mu_rayleigh);
    r.mu_total = r.mu_photo + r.mu_compton + r.mu_rayleigh;
    return r;
  }

  // Linear interpolation in ln E of the node-wise maximum is >= the interpolated μ of every
  // material and density present (same interpolation), as Woodcock tracking requires.
  BD_FUNCTION float majorant(float energy_MeV) const {
    int i;
    float f;
    photon_grid.locate(energy_MeV, i, f);
    return photon_majorant[i] + f * (photon_majorant[i + 1] - photon_majorant[i]);
  }

  BD_FUNCTION MwRow mw_row(float mean_mu) const {
    int i;
    float f;
    mw_grid.locate(mean_mu, i, f);
    const MwRow& a = mw[i];
    const MwRow& b = mw[i + 1];
    return MwRow{a.ln_a + f * (b.ln_a - a.ln_a), a.mu2_wentzel + f * (b.mu2_wentzel - a.mu2_wentzel)};
  }
};

}  // namespace bd
