// Radionuclide data (half-life, beta spectrum, discrete electrons and photons) loaded from
// materials/nuclides/<name>.nuclide (format: materials/README.md). Y-90 is shipped from
// ICRP Publication 107; other nuclides (Ho-166, Lu-177) are added as data files.
#pragma once

#include <string>
#include <vector>

namespace bd {

struct EmissionLine {
  double energy_MeV = 0;  // kinetic energy (electrons) or photon energy; mean energy for betas
  double yield = 0;       // per decay
  std::string kind;       // "ie", "auger", "gamma", "x", "beta"
};

struct Nuclide {
  std::string name;    // e.g. "Y-90"
  std::string source;  // provenance
  std::string file;    // file it was read from
  double half_life_s = 0;

  // Beta spectrum of all branches combined, as tabulated: N(E) per MeV per decay.
  std::vector<double> spectrum_energy_MeV;
  std::vector<double> spectrum_n_per_MeV;
  double endpoint_MeV = 0;  // last spectrum energy

  std::vector<EmissionLine> beta_branches;  // listed mean energy and yield of each branch
  std::vector<EmissionLine> electrons;      // internal-conversion and Auger electrons
  std::vector<EmissionLine> photons;        // gamma and X rays

  // Betas per decay: sum of the listed branch yields (the integral of N(E) when no branches
  // are listed).
  double beta_yield = 0;
  // Mean kinetic energy of the beta spectrum *as sampled* by SpectrumTable (monotone cubic
  // interpolation of N(E), see spectrum_table.hh) [MeV]. Y-90: 0.93276 MeV.
  double mean_beta_energy_MeV = 0;
  // Yield-weighted mean of the listed branch means (ICRP-107 Y-90: 0.932904 MeV); 0 if none.
  double listed_mean_beta_energy_MeV = 0;
  // Energy emitted as betas per decay = beta_yield * mean_beta_energy_MeV [MeV]. This is what a
  // transport that samples one beta per decay from SpectrumTable emits.
  double beta_energy_per_decay_MeV = 0;
  // All electrons per decay: betas plus discrete IE and Auger electrons [MeV].
  double electron_energy_per_decay_MeV = 0;
  // Photons per decay (gamma + X) [MeV].
  double photon_energy_per_decay_MeV = 0;

  double decay_constant_per_s() const;  // ln 2 / T1/2
  double tau_s() const;                 // mean life T1/2 / ln 2
  // Electron energy released per unit initial activity to complete decay, E_e * tau [J/GBq]
  // (Y-90 with ICRP-107 data: 49.76 J/GBq).
  double electron_energy_to_complete_decay_J_per_GBq() const;
};

// The nuclide `name` from `dir` (default: materials_dir()/nuclides). InputError listing the
// available nuclides when absent, naming file:line for malformed data.
Nuclide load_nuclide(const std::string& name, const std::string& dir = "");
// Parse one nuclide file.
Nuclide load_nuclide_file(const std::string& path);
// Names of the *.nuclide files in `dir` (default as above), sorted.
std::vector<std::string> available_nuclides(const std::string& dir = "");

}  // namespace bd
