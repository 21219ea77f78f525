// Multiple elastic scattering deflection over a path for the transport kernels.
//
// Model (J. Sempau et al., Phys. Med. Biol. 45 (2000) 2263, DPM §2.3; J. M. Fernández-Varea
// et al., NIM B 73 (1993) 447; I. Kawrakow & A. F. Bielajew, NIM B 134 (1998) 325): the
// angular distribution after a path s is replaced by a Wentzel distribution of μ = (1−cos θ)/2,
//   p(μ) = A(1+A)/(μ+A)²,  μ ∈ [0, 1],
// whose screening A_eff reproduces the exact first moment of the multiple-scattering
// distribution (Goudsmit–Saunderson / Lewis):
//   <1 − cos θ> = 1 − exp(−s/λ1)   ⇔   <μ>(A_eff) = (1 − exp(−s/λ1))/2,
//   <μ>(A) = A [(1 + A) ln(1 + 1/A) − 1].
// The inverse has no closed form; the host solves it into a table of ln A_eff on a uniform
// grid of ln(s/λ1) (MsScreeningTable, built by ElectronParams). Sampling μ from p(μ) is exact
// by inversion: μ = A u / (1 + A − u), u uniform in (0,1).
// The transport applies the deflection at a random hinge point of the step (Kawrakow &
// Bielajew 1998), which makes the result independent of the step length to first order.
#pragma once

#include <cmath>

#include "kernels/macros.hh"
#include "kernels/physics_model.hh"
#include "kernels/span.hh"

namespace bd {

inline constexpr PhysicsModel kMultipleScatteringModel{
    "multiple elastic scattering over a step",
    "Wentzel angular distribution with the exact first moment (Goudsmit-Saunderson/Lewis), "
    "applied at a random hinge",
    "Sempau et al., Phys Med Biol 45 (2000) 2263 (DPM); Kawrakow & Bielajew, NIM B 134 (1998) "
    "325"};

// μ = (1 − cos θ)/2 from the Wentzel distribution with screening A, u uniform in (0, 1).
BD_FUNCTION inline float sample_wentzel_mu(float A, float u) {
  const float mu = A * u / (1.0f + A - u);
  return mu < 1.0f ? mu : 1.0f;
}

struct MsScreeningTable {
  ConstSpan<float> ln_a;   // ln A_eff at q_i = exp(ln_q_min + i / inv_dln_q)
  float ln_q_min = 0;      // ln(s/λ1) of the first node
  float inv_dln_q = 0;
  float q_isotropic = 0;   // s/λ1 above which the direction is taken as isotropic

  // A_eff for s/λ1 = q (q below the table: A_eff ∝ q scaling of the first node is not exact,
  // so the table starts at q ~ 1e-6 where deflections are negligible).
  BD_FUNCTION float screening(float q) const {
    const int n = static_cast<int>(ln_a.size());
    float x = (logf(q) - ln_q_min) * inv_dln_q;
    const float top = static_cast<float>(n - 1) - 1e-4f;
    x = x < 0.0f ? 0.0f : (x > top ? top : x);
    const int i = static_cast<int>(x);
    const float f = x - static_cast<float>(i);
    return expf(ln_a[i] + f * (ln_a[i + 1] - ln_a[i]));
  }
};

// cos θ of the multiple-scattering deflection over a path with s/λ1 = q.
template <class Engine>
BD_FUNCTION float sample_ms_cos_theta(const MsScreeningTable& table, float q, Engine& rng) {
  if (q <= 0.0f) return 1.0f;
  if (q >= table.q_isotropic) return 2.0f * rng.uniform() - 1.0f;
  const float A = table.screening(q);
  return 1.0f - 2.0f * sample_wentzel_mu(A, rng.uniform());
}

}  // namespace bd
