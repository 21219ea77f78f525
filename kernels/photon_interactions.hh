// Photon samplers (bremsstrahlung photons; future gamma emitters).
#pragma once

#include <cmath>

#include "kernels/electron_interactions.hh"
#include "kernels/macros.hh"
#include "kernels/physics_model.hh"
#include "kernels/rng.hh"

namespace bd {

inline constexpr PhysicsModel kComptonModel{
    "Compton scattering", "Klein-Nishina on free electrons at rest, Butcher-Messel sampling",
    "Butcher & Messel, Nucl Phys 20 (1960) 15"};

struct ComptonResult {
  float photon_energy_MeV;
  float cos_theta;  // photon polar deflection
};

// Klein–Nishina Compton scattering on free electrons at rest, sampled with the Butcher &
// Messel composition–rejection method (Nucl Phys 20 (1960) 15; as in EGS4 / Geant4
// G4KleinNishinaCompton): ε = E'/E in [ε0, 1], ε0 = 1/(1+2κ), κ = E/mc².
// Binding and Doppler broadening are neglected (bremsstrahlung photons here are > 10 keV).
BD_FUNCTION inline ComptonResult sample_klein_nishina(float energy_MeV, PhiloxEngine& rng) {
  const float kappa = energy_MeV / kElectronMass_MeV;
  const float eps0 = 1.0f / (1.0f + 2.0f * kappa);
  const float eps0sq = eps0 * eps0;
  const float alpha1 = -logf(eps0);
  const float alpha2 = alpha1 + 0.5f * (1.0f - eps0sq);
  float eps, onecost;
  for (;;) {
    float epssq;
    if (alpha1 > alpha2 * rng.uniform()) {
      eps = expf(-alpha1 * rng.uniform());
      epssq = eps * eps;
    } else {
      epssq = eps0sq + (1.0f - eps0sq) * rng.uniform();
      eps = sqrtf(epssq);
    }
    onecost = (1.0f - eps) / (eps * kappa);
    const float sint2 = onecost * (2.0f - onecost);
    const float greject = 1.0f - eps * sint2 / (1.0f + epssq);
    if (greject >= rng.uniform()) break;
  }
  return ComptonResult{eps * energy_MeV, fmaxf(-1.0f, fminf(1.0f, 1.0f - onecost))};
}

// Rayleigh scattering angle from the Thomson (dipole) shape (1 + cos²θ)/2, i.e. without the
// atomic form factor: this overestimates large-angle Rayleigh scattering; Rayleigh is a few
// per cent of the attenuation at 30–100 keV in tissue and does not change the energy, so the
// effect on dose is negligible here. Sampled exactly by inverting the cubic CDF
// F(c) = (c³ + 3c + 4)/8 (Cardano).
BD_FUNCTION inline float sample_thomson_cos(PhiloxEngine& rng) {
  const float q = 8.0f * rng.uniform() - 4.0f;  // c³ + 3c = q
  const float s = sqrtf(q * q + 4.0f);
  const float c = cbrtf(0.5f * (q + s)) - cbrtf(0.5f * (s - q));
  return fmaxf(-1.0f, fminf(1.0f, c));
}

}  // namespace bd
