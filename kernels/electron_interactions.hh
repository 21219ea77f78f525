// Electron samplers of the class II step (transport-side; tables from transport_tables.hh).
// Each is a pure function of its inputs and the engine; tested in tests/core/
// electron_interactions_test.cpp.
#pragma once

#include <cmath>

#include "kernels/macros.hh"
#include "kernels/physics_model.hh"
#include "kernels/particle.hh"
#include "kernels/rng.hh"
#include "kernels/transport_tables.hh"

namespace bd {

inline constexpr PhysicsModel kEnergyStragglingModel{
    "energy-loss straggling of the soft (continuous) loss",
    "Bohr variance of the restricted collision loss; PENELOPE soft-loss distributions with exact "
    "mean and variance",
    "Salvat, Fernandez-Varea & Sempau, PENELOPE-2008 manual (NEA 6416) section 4.2.2"};

inline constexpr PhysicsModel kMultipleScatteringModel{
    "multiple elastic scattering along a step",
    "artificial elastic collisions: a Poisson sequence with mean free path c*lambda1 "
    "(c = elastic_event_lambda1), each deflecting with <1-P1> = c and <1-P2> = c*lambda1/lambda2 "
    "from the modified-Wentzel angular distribution; exact Goudsmit-Saunderson and Lewis "
    "moments over any path, restarting exactly at material boundaries",
    "Fernandez-Varea, Mayol, Baro & Salvat, NIM B 73 (1993) 447; Salvat, PENELOPE-2018 manual "
    "(NEA/MBDAV/R(2019)1) section 4.1"};

inline constexpr float kElectronMass_MeV = 0.51099895f;  // CODATA 2018

// Soft energy loss over a step with mean `mean` and variance `var` [MeV, MeV²], sampled from
// the distributions of the PENELOPE mixed scheme (Salvat, Fernández-Varea & Sempau,
// PENELOPE-2008 manual, NEA 6416, §4.2.2 "energy loss due to soft stopping interactions"),
// which reproduce the mean AND the variance exactly for any step length:
//   mean² > 9 var:       Gaussian truncated to (0, 2·mean) (beyond 3σ: variance kept);
//   3 var < mean² <= 9 var: uniform on (mean − √3 σ, mean + √3 σ);
//   mean² <= 3 var:      a δ(0) + (1 − a) uniform(0, w2), w2 = 3(var + mean²)/(2 mean),
//                        a = (3 var − mean²)/(3 (var + mean²)).
// (A Gaussian truncated to (0, 2·mean) whatever the step loses most of the variance on
// short steps and made the 0.1 MeV kernel depend on the step length.)
BD_FUNCTION BD_FORCEINLINE float sample_soft_loss_exact_moments(float mean, float var, PhiloxEngine& rng) {
  if (mean <= 0.0f) return 0.0f;
  if (var <= 0.0f) return mean;
  const float m2 = mean * mean;
  if (m2 > 9.0f * var) {
    const float sigma = sqrtf(var);
    for (;;) {
      const float z = sqrtf(-2.0f * logf(rng.uniform())) * cosf(6.283185307f * rng.uniform());
      const float w = mean + sigma * z;
      if (w > 0.0f && w < 2.0f * mean) return w;
    }
  }
  if (m2 > 3.0f * var) {
    const float half = 1.7320508f * sqrtf(var);
    return mean - half + 2.0f * half * rng.uniform();
  }
  const float w2 = 3.0f * (var + m2) / (2.0f * mean);
  const float a = (3.0f * var - m2) / (3.0f * (var + m2));
  const float u = rng.uniform();
  return u < a ? 0.0f : w2 * (u - a) / (1.0f - a);
}

// Energy W of the δ-electron of a hard Møller collision, W in [wcc, E/2] (the δ-ray is by
// convention the slower of the two outgoing electrons). Møller differential cross section
// (e.g. PENELOPE 2008 manual eq. 3.115 / Geant4 Physics Reference Manual, Møller–Bhabha):
//   dσ/dε ∝ 1/ε² [1 + ε²/(1−ε)² + (τ/(τ+1))² ε² − (2τ+1)/(τ+1)² · ε/(1−ε)],  ε = W/E, τ = E/mc².
// Sampled from 1/ε² on [εc, 1/2] and accepted with the bracket / 2.25 (the bracket is below
// 1 + 1 + 1/4 for ε <= 1/2).
BD_FUNCTION inline float sample_moller_energy(float energy_MeV, float wcc_MeV, PhiloxEngine& rng) {
  const float eps_c = wcc_MeV / energy_MeV;
  const float tau = energy_MeV / kElectronMass_MeV;
  const float g = tau / (tau + 1.0f);
  const float c = (2.0f * tau + 1.0f) / ((tau + 1.0f) * (tau + 1.0f));
  for (;;) {
    const float eps = eps_c / (1.0f - rng.uniform() * (1.0f - 2.0f * eps_c));
    const float r = eps / (1.0f - eps);
    const float bracket = 1.0f + r * r + g * g * eps * eps - c * r;
    if (2.25f * rng.uniform() < bracket) return min_f(eps, 0.5f) * energy_MeV;
  }
}

// Polar deflection μ = (1 − cos θ)/2 with prescribed Legendre moments <1 − P1(cos θ)> = a1
// and <1 − P2(cos θ)> = a2, i.e. <μ> = a1/2 and <μ²> = a1/2 − a2/6, from the modified Wentzel
// (MW) model (Fernández-Varea, Mayol, Baró, Salvat, NIM B 73 (1993) 447): a Wentzel
// distribution W_A'(μ) = A'(1+A')/(μ+A')² with <μ>_W = <μ>, mixed with a delta at <μ> when
// <μ²>_W is too large (case I); when <μ²>_W is too small (case II) W_A' alone is used (first
// moment exact). Beyond <μ> = 0.49 the distribution is taken isotropic. For a path of x1
// transport mean free paths (Goudsmit–Saunderson), a1 = 1 − e^{−x1} and
// a2 = 1 − e^{−x1 λ1/λ2}; the transport uses it for artificial elastic collisions.
// The part of the MW sampling that depends on <μ> = a1/2 only: the artificial elastic
// collisions all deflect with a1 = elastic_event_lambda1, so a track sets this up once
// (one table lookup, one logarithm and one exponential) instead of once per collision.
struct MwFirstMoment {
  float mean;         // <μ> = a1/2
  bool isotropic;     // <μ> beyond the table (>= mw_mean_max): μ uniform
  float a;            // screening A' of the Wentzel distribution with this mean
  float mu2_wentzel;  // its <μ²>
};

BD_FUNCTION inline MwFirstMoment mw_first_moment(const TransportTables& tables, float a1) {
  MwFirstMoment m{0.5f * a1, false, 0.0f, 0.0f};
  if (m.mean >= tables.mw_mean_max) {
    m.isotropic = true;
    return m;
  }
  const MwRow row = tables.mw_row(m.mean);
  m.a = expf(row.ln_a);
  m.mu2_wentzel = row.mu2_wentzel;
  return m;
}

BD_FUNCTION BD_FORCEINLINE float sample_mw_mu(const MwFirstMoment& m, float a2, PhiloxEngine& rng) {
  const float mean = m.mean;
  const float mean2 = mean - a2 * (1.0f / 6.0f);
  if (m.isotropic) return rng.uniform();
  const float a = m.a;
  const float u = rng.uniform();
  if (mean2 < m.mu2_wentzel) {
    const float var_target = max_f(mean2 - mean * mean, 0.0f);
    const float b = var_target / (m.mu2_wentzel - mean * mean);
    if (u >= b) return mean;
    const float v = rng.uniform();
    return a * v / (1.0f + a - v);
  }
  return a * u / (1.0f + a - u);
}

BD_FUNCTION inline float sample_mw_mu(const TransportTables& tables, float a1, float a2, PhiloxEngine& rng) {
  return sample_mw_mu(mw_first_moment(tables, a1), a2, rng);
}

}  // namespace bd
