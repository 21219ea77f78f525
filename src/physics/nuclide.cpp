// Nuclide data files: materials/nuclides/<name>.nuclide (format: materials/README.md).
#include "betadose/nuclide.hh"

#include <algorithm>
#include <set>
#include <cmath>
#include <filesystem>
#include <sstream>

#include "betadose/input_file.hh"
#include "betadose/data_paths.hh"
#include "betadose/errors.hh"
#include "betadose/text_parse.hh"
#include "betadose/spectrum_table.hh"

namespace bd {
namespace {

namespace fs = std::filesystem;

constexpr double kMeVToJ = 1.602176634e-13;  // CODATA 2018 (exact SI)

std::string nuclide_dir(const std::string& dir) {
  return dir.empty() ? (fs::path(materials_dir()) / "nuclides").string() : dir;
}

}  // namespace

double Nuclide::decay_constant_per_s() const { return std::log(2.0) / half_life_s; }
double Nuclide::tau_s() const { return half_life_s / std::log(2.0); }
double Nuclide::electron_energy_to_complete_decay_J_per_GBq() const {
  return electron_energy_per_decay_MeV * kMeVToJ * tau_s() * 1e9;
}

Nuclide load_nuclide_file(const std::string& path) {
  Nuclide nu;
  nu.file = path;
  std::set<std::string> seen_keys;
  for (const DataLine& dl : read_data_lines(path, "nuclide file")) {
    const std::string& key = dl.key;
    const std::string& where = dl.where;
    const std::vector<std::string>& f = dl.fields;
    auto need = [&](std::size_t lo, std::size_t hi, const char* usage) {
      BD_VALIDATE(f.size() >= lo && f.size() <= hi, where << ": expected '" << key << " " << usage
                                                          << "'");
    };
    // Single-valued fields once: a second half_life line used to win in silence.
    if (key == "name" || key == "source" || key == "half_life")
      BD_VALIDATE(seen_keys.insert(key).second, where << ": field '" << key << "' is given twice");
    if (key == "name") {
      need(1, 1, "<name>");
      nu.name = f[0];
    } else if (key == "source") {
      BD_VALIDATE(!f.empty(), where << ": field 'source' has no value");
      nu.source = dl.rest;
    } else if (key == "half_life") {
      need(2, 2, "<value> <s|min|h|d|y>");
      const double v = parse_number(f[0], where, "half_life");
      double unit = 0;
      if (f[1] == "s") unit = 1;
      if (f[1] == "min") unit = 60;
      if (f[1] == "h") unit = 3600;
      if (f[1] == "d") unit = 86400;
      if (f[1] == "y") unit = 365.25 * 86400;  // Julian year
      BD_VALIDATE(unit > 0, where << ": half_life unit must be s, min, h, d or y, got '" << f[1]
                                  << "'");
      BD_VALIDATE(v > 0, where << ": half_life must be > 0");
      nu.half_life_s = v * unit;
    } else if (key == "beta_branch" || key == "electron" || key == "photon") {
      need(2, 3, "<energy MeV> <yield per decay> [kind]");
      EmissionLine e{parse_number(f[0], where, key + " energy"), parse_number(f[1], where, key + " yield"),
                     f.size() > 2 ? f[2] : (key == "beta_branch" ? "beta" : key)};
      BD_VALIDATE(e.energy_MeV >= 0 && e.yield >= 0,
                  where << ": " << key << " energy and yield must be >= 0");
      (key == "beta_branch" ? nu.beta_branches : key == "electron" ? nu.electrons : nu.photons)
          .push_back(e);
    } else if (key == "spectrum") {
      need(2, 2, "<E MeV> <N per MeV per decay>");
      const double e = parse_number(f[0], where, "spectrum energy");
      const double n = parse_number(f[1], where, "spectrum N");
      BD_VALIDATE(e >= 0 && n >= 0, where << ": spectrum E and N must be >= 0");
      BD_VALIDATE(nu.spectrum_energy_MeV.empty() || e > nu.spectrum_energy_MeV.back(),
                  where << ": spectrum energies must be strictly increasing (" << e
                        << " after " << nu.spectrum_energy_MeV.back() << ")");
      nu.spectrum_energy_MeV.push_back(e);
      nu.spectrum_n_per_MeV.push_back(n);
    } else {
      BD_VALIDATE(false, where << ": unknown field '" << key
                               << "' (expected name, half_life, source, beta_branch, electron, "
                                  "photon, spectrum)");
    }
  }
  const std::string stem = fs::path(path).stem().string();
  BD_VALIDATE(!nu.name.empty(), path << ": missing field 'name'");
  BD_VALIDATE(nu.name == stem, path << ": name '" << nu.name
                                    << "' must equal the file name without extension ('" << stem
                                    << "')");
  BD_VALIDATE(nu.half_life_s > 0, path << ": missing field 'half_life'");
  BD_VALIDATE(!nu.source.empty(), path << ": missing field 'source'");
  BD_VALIDATE(nu.spectrum_energy_MeV.size() >= 2,
              path << ": a beta spectrum needs at least 2 'spectrum' lines");
  BD_VALIDATE(nu.spectrum_n_per_MeV.back() == 0,
              path << ": the last spectrum point must be the endpoint with N = 0");
  nu.endpoint_MeV = nu.spectrum_energy_MeV.back();

  const SpectrumTable table = build_spectrum_table(nu);
  nu.mean_beta_energy_MeV = table.mean_MeV;
  double y = 0, ye = 0;
  for (const auto& b : nu.beta_branches) {
    y += b.yield;
    ye += b.yield * b.energy_MeV;
  }
  nu.beta_yield = nu.beta_branches.empty() ? table.norm_per_decay : y;
  nu.listed_mean_beta_energy_MeV = y > 0 ? ye / y : 0.0;
  // The dose scales with the betas per decay: a β⁻ emitter has at most one, and listed branches
  // must agree with the spectrum they summarise (yields summing to 2 gave twice the dose).
  BD_VALIDATE(nu.beta_yield > 0 && nu.beta_yield <= 1.0 + 1e-3,
              path << ": " << nu.beta_yield << " betas per decay (beta_branch yields, or the spectrum's integral); a "
                   << "beta emitter has at most 1");
  if (!nu.beta_branches.empty()) {
    BD_VALIDATE(std::abs(table.norm_per_decay - y) <= 0.05 * y,
                path << ": the spectrum integrates to " << table.norm_per_decay << " betas per decay, the beta_branch "
                     << "yields sum to " << y << " (expected within 5 %)");
    BD_VALIDATE(std::abs(nu.listed_mean_beta_energy_MeV - table.mean_MeV) <= 0.05 * table.mean_MeV,
                path << ": the beta_branch mean energy " << nu.listed_mean_beta_energy_MeV << " MeV differs from the "
                     << "spectrum's " << table.mean_MeV << " MeV by more than 5 %");
  }
  nu.beta_energy_per_decay_MeV = nu.beta_yield * nu.mean_beta_energy_MeV;
  nu.electron_energy_per_decay_MeV = nu.beta_energy_per_decay_MeV;
  for (const auto& e : nu.electrons) nu.electron_energy_per_decay_MeV += e.yield * e.energy_MeV;
  for (const auto& p : nu.photons) nu.photon_energy_per_decay_MeV += p.yield * p.energy_MeV;
  return nu;
}

std::vector<std::string> available_nuclides(const std::string& dir_in) {
  const std::string dir = nuclide_dir(dir_in);
  std::vector<std::string> names;
  if (fs::is_directory(dir)) {
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.is_regular_file() && entry.path().extension() == ".nuclide") {
        names.push_back(entry.path().stem().string());
      }
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

Nuclide load_nuclide(const std::string& name, const std::string& dir_in) {
  const std::string dir = nuclide_dir(dir_in);
  const auto names = available_nuclides(dir);
  if (std::find(names.begin(), names.end(), name) == names.end()) {
    std::ostringstream os;
    for (std::size_t i = 0; i < names.size(); ++i) os << (i ? ", " : "") << names[i];
    BD_VALIDATE(false, "unknown nuclide '" << name << "' (no " << name << ".nuclide in " << dir
                                           << "); available: "
                                           << (names.empty() ? "(none)" : os.str()));
  }
  return load_nuclide_file((fs::path(dir) / (name + ".nuclide")).string());
}

}  // namespace bd
