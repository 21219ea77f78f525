// Electron physics data for the kernels: a trivially copyable view of per-material tables
// on one uniform log-energy grid (built on the host by ElectronParams,
// include/betadose/electron_params.hh, from build_electron_tables()).
//
// Layout: `rows` holds, for material m and energy node i, one record of kElectronColumns
// floats at [(m * n_energy + i) * kElectronColumns] (interleaved: a lookup touches two
// adjacent records). `brems_shape` holds the bremsstrahlung sampling table
// [(m * n_energy + i) * n_kappa + j] (see kernels/brems_sampler.hh). Mass quantities are per
// g/cm² at the material's nominal density; multiply by the voxel density [g/cm³] for 1/cm.
// Units: energies [MeV], stopping powers [MeV cm²/g], cross sections [cm²/g], ranges [g/cm²].
#pragma once

#include <cmath>
#include <cstddef>
#include <type_traits>

#include "kernels/macros.hh"
#include "kernels/span.hh"

namespace bd {

enum ElectronColumn : int {
  kSoftStopping = 0,  // soft collision (W < wcc) + soft radiative (k < wcr) [MeV cm²/g]
  kSoftRange,         // ∫_0^E dE'/S_soft [g/cm²] (continuous-loss range; invert for step loss)
  kSigmaMoller,       // hard Møller (W > wcc) [cm²/g]
  kSigmaBrems,        // hard bremsstrahlung (k > wcr) [cm²/g]
  kTransportXs1,      // first elastic transport cross section 1/λ1 [cm²/g] (Mott-corrected)
  kTransportXs2,      // second elastic transport cross section 1/λ2 [cm²/g]
  kStraggling,        // Bohr variance of the soft loss per mass thickness [MeV² cm²/g]
  kCsdaRange,         // unrestricted CSDA range [g/cm²] (range rejection)
  kWaterToMedium,     // S_col,water / S_col,medium, unrestricted collision stopping powers
                      // (dose to water, TransportParams::dose_to_water)
  kBremsPhotonsToRest,  // mean number of hard bremsstrahlung photons (k > wcr) emitted while
                        // slowing down to rest, ∫_0^E σ_brems/S_tot dE' (CSDA) [1]; increasing
                        // in E, 0 up to wcr (range rejection's residual bremsstrahlung)
  kElectronColumns
};

// Position on the uniform log-energy grid: node index and fraction towards the next node.
struct GridPoint {
  int i;
  float f;
};

struct ElectronDataView {
  ConstSpan<float> rows;         // [(m * n_energy + i) * kElectronColumns + column]
  ConstSpan<float> brems_shape;  // [(m * n_energy + i) * n_kappa + j]
  int n_materials = 0;
  int n_energy = 0;
  int n_kappa = 0;
  float ln_e_min = 0;     // ln of the first energy node [ln MeV]
  float inv_dln_e = 0;    // 1 / (ln spacing)
  float e_min_MeV = 0, e_max_MeV = 0;
  float wcc_MeV = 0, wcr_MeV = 0;

  // Clamped to the table: energies below e_min use the first interval's fraction 0.
  BD_FUNCTION BD_FORCEINLINE GridPoint locate(float energy_MeV) const {
    float x = (logf(energy_MeV) - ln_e_min) * inv_dln_e;
    const float top = static_cast<float>(n_energy - 1) - 1e-4f;
    x = x < 0.0f ? 0.0f : (x > top ? top : x);
    const int i = static_cast<int>(x);
    return GridPoint{i, x - static_cast<float>(i)};
  }

  BD_FUNCTION const float* row(int material, int i) const {
    return rows.data() +
           (static_cast<std::size_t>(material) * n_energy + i) * static_cast<std::size_t>(kElectronColumns);
  }

  // Linear interpolation in ln E of one column.
  BD_FUNCTION float value(int material, ElectronColumn column, GridPoint g) const {
    const float* a = row(material, g.i);
    return a[column] + g.f * (a[kElectronColumns + column] - a[column]);
  }
  BD_FUNCTION float value(int material, ElectronColumn column, float energy_MeV) const {
    return value(material, column, locate(energy_MeV));
  }

  // Energy whose soft range is `range_g_cm2` (inverse of the kSoftRange column).
  BD_FUNCTION float energy_from_soft_range(int material, float range_g_cm2) const {
    const float first = row(material, 0)[kSoftRange];
    if (range_g_cm2 <= first) {
      // Below the first node R ∝ E^(1+p) (start term); invert with R ∝ E (conservative).
      return e_min_MeV * (range_g_cm2 > 0.0f ? range_g_cm2 / first : 0.0f);
    }
    return energy_from_increasing(material, kSoftRange, range_g_cm2);
  }

  // Energy at which a non-decreasing column reaches `value` (binary search over nodes, then
  // linear inversion inside the interval, consistent with value()); e_min at or below the
  // first node, e_max at or above the last.
  BD_FUNCTION float energy_from_increasing(int material, ElectronColumn column, float value) const {
    const float* base = row(material, 0);
    const int stride = kElectronColumns;
    if (value <= base[column]) return e_min_MeV;
    int lo = 0, hi = n_energy - 1;
    if (value >= base[hi * stride + column]) return e_max_MeV;
    while (hi - lo > 1) {
      const int mid = (lo + hi) / 2;
      if (base[mid * stride + column] <= value) lo = mid; else hi = mid;
    }
    const float r0 = base[lo * stride + column], r1 = base[hi * stride + column];
    const float f = (value - r0) / (r1 - r0);
    return expf(ln_e_min + (static_cast<float>(lo) + f) / inv_dln_e);
  }
};

static_assert(std::is_trivially_copyable<ElectronDataView>::value,
              "kernel views must be trivially copyable");

}  // namespace bd
