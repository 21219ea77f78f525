// Photon tables: per-element CSV reader and mass-fraction mixing (photon_tables.hh).
#include "betadose/photon_tables.hh"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "betadose/data_paths.hh"
#include "betadose/errors.hh"

namespace bd {

double PhotonGrid::energy_MeV(int i) {
  return kEMinMeV * std::pow(kEMaxMeV / kEMinMeV, static_cast<double>(i) / (kPoints - 1));
}

double PhotonTables::interpolate(const std::vector<double>& c, double e) const {
  const double lmin = std::log(energy_MeV.front()), lmax = std::log(energy_MeV.back());
  const double x = (std::log(e) - lmin) / (lmax - lmin) * (energy_MeV.size() - 1);
  if (x <= 0) return c.front();
  if (x >= energy_MeV.size() - 1) return c.back();
  const std::size_t i = static_cast<std::size_t>(x);
  const double f = (std::log(e) - std::log(energy_MeV[i])) /
                   (std::log(energy_MeV[i + 1]) - std::log(energy_MeV[i]));
  if (c[i] <= 0 || c[i + 1] <= 0) return c[i] + f * (c[i + 1] - c[i]);
  return std::exp(std::log(c[i]) + f * (std::log(c[i + 1]) - std::log(c[i])));
}

std::string element_photon_table_path(int Z, const std::string& dir) {
  const std::string d =
      dir.empty() ? (std::filesystem::path(materials_dir()) / "photon").string() : dir;
  char name[16];
  std::snprintf(name, sizeof name, "Z%02d.csv", Z);
  return (std::filesystem::path(d) / name).string();
}

namespace {

// One data row "E,photo,compton,rayleigh,total" (spaces around the commas allowed, CRLF too).
// strtod per field: an istringstream per line made reading the tables of a CT case's
// materials a tenth of a short run's set-up.
bool parse_csv_row(const std::string& line, double (&v)[5]) {
  const char* s = line.c_str();
  for (int k = 0; k < 5; ++k) {
    while (*s == ' ' || *s == '\t') ++s;
    if (k > 0) {
      if (*s != ',') return false;
      ++s;
    }
    char* end = nullptr;
    v[k] = std::strtod(s, &end);
    if (end == s || !std::isfinite(v[k]) || v[k] < 0) return false;
    s = end;
  }
  while (*s == ' ' || *s == '\t' || *s == '\r') ++s;
  return *s == '\0';
}

}  // namespace

PhotonTables load_element_photon_table(int Z, const std::string& dir) {
  const std::string path = element_photon_table_path(Z, dir);
  std::ifstream in(path);
  BD_VALIDATE(in, path << ": photon table for Z=" << Z
                       << " missing (materials use an element without shipped photon data; "
                          "regenerate with betadose_tablegen --out <materials>/photon)");
  PhotonTables t;
  t.material = "Z" + std::to_string(Z);
  std::string line;
  int lineno = 0;
  bool header = false;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.empty() || line[0] == '#') continue;
    if (!header) {
      BD_VALIDATE(line == "E_MeV,photo_cm2_g,compton_cm2_g,rayleigh_cm2_g,total_cm2_g",
                  path << ":" << lineno << ": unexpected header '" << line << "'");
      header = true;
      continue;
    }
    double v[5];
    BD_VALIDATE(parse_csv_row(line, v), path << ":" << lineno << ": expected 5 comma-separated finite numbers >= 0, got '"
                                             << line << "'");
    const std::size_t i = t.energy_MeV.size();
    const double grid_MeV = i < static_cast<std::size_t>(PhotonGrid::kPoints) ? PhotonGrid::energy_MeV(static_cast<int>(i)) : 0;
    BD_VALIDATE(grid_MeV > 0 && std::abs(v[0] / grid_MeV - 1) < 1e-5,
                path << ":" << lineno << ": energy " << v[0] << " MeV is not the betadose photon grid point " << i);
    t.energy_MeV.push_back(grid_MeV);
    t.photo_cm2_g.push_back(v[1]);
    t.compton_cm2_g.push_back(v[2]);
    t.rayleigh_cm2_g.push_back(v[3]);
    t.total_cm2_g.push_back(v[4]);
  }
  BD_VALIDATE(t.energy_MeV.size() == static_cast<std::size_t>(PhotonGrid::kPoints),
              path << ": " << t.energy_MeV.size() << " energies, expected " << PhotonGrid::kPoints);
  return t;
}

PhotonTables build_photon_tables(const Material& material, const std::string& dir) {
  PhotonTables t;
  t.material = material.name;
  const std::size_t n = PhotonGrid::kPoints;
  for (std::size_t i = 0; i < n; ++i) t.energy_MeV.push_back(PhotonGrid::energy_MeV(int(i)));
  t.photo_cm2_g.assign(n, 0.0);
  t.compton_cm2_g.assign(n, 0.0);
  t.rayleigh_cm2_g.assign(n, 0.0);
  t.total_cm2_g.assign(n, 0.0);
  for (const auto& e : material.elements) {
    const PhotonTables el = load_element_photon_table(e.Z, dir);
    for (std::size_t i = 0; i < n; ++i) {
      t.photo_cm2_g[i] += e.mass_fraction * el.photo_cm2_g[i];
      t.compton_cm2_g[i] += e.mass_fraction * el.compton_cm2_g[i];
      t.rayleigh_cm2_g[i] += e.mass_fraction * el.rayleigh_cm2_g[i];
    }
  }
  for (std::size_t i = 0; i < n; ++i)
    t.total_cm2_g[i] = t.photo_cm2_g[i] + t.compton_cm2_g[i] + t.rayleigh_cm2_g[i];
  return t;
}

double klein_nishina_cm2_per_electron(double energy_MeV) {
  constexpr double kRe_cm = 2.8179403262e-13;  // classical electron radius (CODATA 2018)
  constexpr double kMec2_MeV = 0.51099895;     // electron rest energy (CODATA 2018)
  const double k = energy_MeV / kMec2_MeV;
  const double pi = 3.14159265358979323846;
  if (k < 1e-3) {
    // Low-energy expansion (the closed form cancels catastrophically as k -> 0):
    // sigma/sigma_T = 1 - 2k + 26/5 k^2 + O(k^3), sigma_T = 8 pi r_e^2 / 3.
    return 8 * pi * kRe_cm * kRe_cm / 3 * (1 - 2 * k + 5.2 * k * k);
  }
  const double l = std::log(1 + 2 * k);
  return 2 * pi * kRe_cm * kRe_cm *
         ((1 + k) / (k * k) * (2 * (1 + k) / (1 + 2 * k) - l / k) + l / (2 * k) -
          (1 + 3 * k) / ((1 + 2 * k) * (1 + 2 * k)));
}

}  // namespace bd
