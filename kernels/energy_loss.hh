// Soft (continuous) energy loss over a step with energy-loss straggling, for the kernels.
//
// Mean loss: from the soft range R_s (ElectronDataView::energy_from_soft_range), exact for the
// tabulated S_soft. Fluctuation: Bohr's Gaussian approximation of the soft collision loss
// (N. Bohr, Phil. Mag. 30 (1915) 581; ICRU Report 49 §2.5): variance Ω² = ρ s · straggling
// where straggling = n_e ∫_0^{Wmax} W² dσ/dW dW (Møller, W < wcc). The Gaussian is truncated
// symmetrically to [0, 2 <ΔE>] so that the mean loss is preserved exactly (the Baró et al.
// PENELOPE choice for soft losses, NIM B 100 (1995) 31, §3.3, uses a comparable truncation).
#pragma once

#include <cmath>

#include "kernels/macros.hh"

namespace bd {

// Standard normal deviate by Box–Muller from two uniforms in (0, 1).
BD_FUNCTION inline float standard_normal(float u1, float u2) {
  return sqrtf(-2.0f * logf(u1)) * cosf(6.283185307f * u2);
}

// Sampled soft loss for mean loss `mean_MeV` and variance `variance_MeV2`, in [0, 2 mean].
template <class Engine>
BD_FUNCTION float sample_soft_loss(float mean_MeV, float variance_MeV2, Engine& rng) {
  if (mean_MeV <= 0.0f) return 0.0f;
  if (variance_MeV2 <= 0.0f) return mean_MeV;
  const float sigma = sqrtf(variance_MeV2);
  // Rejection of |z σ| > mean keeps the distribution symmetric about the mean; when σ ≫ mean
  // a uniform on [0, 2 mean] (same mean, bounded variance) avoids long rejection loops.
  if (sigma > 2.0f * mean_MeV) return 2.0f * mean_MeV * rng.uniform();
  for (int attempt = 0; attempt < 64; ++attempt) {
    const float d = sigma * standard_normal(rng.uniform(), rng.uniform());
    if (d > -mean_MeV && d < mean_MeV) return mean_MeV + d;
  }
  return mean_MeV;
}

}  // namespace bd
