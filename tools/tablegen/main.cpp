// betadose_tablegen: writes the per-element photon tables materials/photon/Z<nn>.csv from
// xraylib (Schoonjans et al., Spectrochim Acta B 66:776, 2011) for every element used by a
// material file, and checks that the shipped tables are what it produces (--check, run by
// ctest as 'tables_are_generated'). The engine itself never links xraylib.
//
//   betadose_tablegen [--materials DIR] [--out DIR] [--check]
//     --materials DIR  material definitions (default: materials_dir())
//     --out DIR        photon table folder (default: <materials>/photon)
//     --check          do not write: compare the shipped tables with freshly generated ones and
//                      validate the run-time mixture tables against xraylib (exit 1 on failure)
#include <xraylib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "betadose/data_paths.hh"
#include "betadose/elements.hh"
#include "betadose/errors.hh"
#include "betadose/materials.hh"
#include "betadose/photon_tables.hh"

namespace {

namespace fs = std::filesystem;

struct XrlValues {
  double photo = 0, compton = 0, rayleigh = 0;
};

XrlValues xraylib_cross_sections(int Z, double e_MeV) {
  const double e_keV = e_MeV * 1e3;
  xrl_error* err = nullptr;
  XrlValues v;
  v.photo = CS_Photo(Z, e_keV, &err);
  if (!err) v.compton = CS_Compt(Z, e_keV, &err);
  if (!err) v.rayleigh = CS_Rayl(Z, e_keV, &err);
  if (err) {
    const std::string msg = err->message;
    xrl_error_free(err);
    throw std::runtime_error("xraylib error for Z=" + std::to_string(Z) + " at " +
                             std::to_string(e_keV) + " keV: " + msg);
  }
  return v;
}

// xraylib 4.0 tabulates the cross sections up to 800 keV only ("Spline extrapolation is not
// allowed" above). Above it the tables are extended with:
//  - Compton: the 800 keV value scaled by the Klein-Nishina ratio sigma_KN(E)/sigma_KN(0.8 MeV)
//    (binding corrections, S(x,Z)/Z - 1, are < 0.1 % there and vanish with energy);
//  - Rayleigh: ~E^-2 (form-factor regime, Hubbell & Overbo 1979), < 0.2 % of the total;
//  - photoelectric: a power law E^-p with p from xraylib's 700-800 keV slope, limited to
//    1 <= p <= 3 (the Sauter high-energy limit is p -> 1). < 0.05 % of the total for tissues,
//    a few % for Y, Ag, Sn at 3 MeV.
// The core test compares water with NIST XCOM at 1, 2, 3 MeV.
constexpr double kXraylibMaxMeV = 0.8;

XrlValues extended_cross_sections(int Z, double e_MeV) {
  if (e_MeV <= kXraylibMaxMeV) return xraylib_cross_sections(Z, e_MeV);
  const XrlValues top = xraylib_cross_sections(Z, kXraylibMaxMeV);
  const XrlValues below = xraylib_cross_sections(Z, 0.7);
  double p = -std::log(top.photo / below.photo) / std::log(kXraylibMaxMeV / 0.7);
  p = std::min(3.0, std::max(1.0, p));
  const double r = e_MeV / kXraylibMaxMeV;
  XrlValues v;
  v.photo = top.photo * std::pow(r, -p);
  v.compton = top.compton * bd::klein_nishina_cm2_per_electron(e_MeV) /
              bd::klein_nishina_cm2_per_electron(kXraylibMaxMeV);
  v.rayleigh = top.rayleigh / (r * r);
  return v;
}

std::string render_element_table(int Z) {
  std::ostringstream os;
  char buf[160];
  os << "# betadose photon mass attenuation coefficients [cm2/g], Z=" << Z << " ("
     << bd::element_data(Z).symbol << ")\n"
     << "# written by betadose_tablegen (tools/tablegen/main.cpp) from xraylib " << XRAYLIB_MAJOR
     << "." << XRAYLIB_MINOR << "." << XRAYLIB_MICRO
     << " (Schoonjans et al., Spectrochim Acta B 66:776, 2011): CS_Photo, CS_Compt, CS_Rayl\n"
     << "# up to 0.8 MeV (xraylib's limit); above: Compton scaled by Klein-Nishina, Rayleigh ~E^-2,\n"
     << "# photoelectric power law (tools/tablegen/main.cpp). total = photo + compton + rayleigh.\n"
     << "# Grid: " << bd::PhotonGrid::kPoints
     << " energies log-spaced from " << bd::PhotonGrid::kEMinMeV << " to "
     << bd::PhotonGrid::kEMaxMeV << " MeV. Do not edit: regenerate.\n"
     << "E_MeV,photo_cm2_g,compton_cm2_g,rayleigh_cm2_g,total_cm2_g\n";
  for (int i = 0; i < bd::PhotonGrid::kPoints; ++i) {
    const double e = bd::PhotonGrid::energy_MeV(i);
    const XrlValues v = extended_cross_sections(Z, e);
    std::snprintf(buf, sizeof buf, "%.9e,%.6e,%.6e,%.6e,%.6e\n", e, v.photo, v.compton, v.rayleigh,
                  v.photo + v.compton + v.rayleigh);
    os << buf;
  }
  return os.str();
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  if (!in) return "";
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

// Relative comparison of two renderings, number by number (tolerates last-digit libm noise).
bool same_numbers(const std::string& a, const std::string& b, std::string& why) {
  auto numbers = [](const std::string& text) {
    std::vector<double> v;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#' || line[0] == 'E') continue;
      std::stringstream ss(line);
      for (std::string cell; std::getline(ss, cell, ',');) v.push_back(std::stod(cell));
    }
    return v;
  };
  const auto x = numbers(a), y = numbers(b);
  if (x.size() != y.size()) {
    why = "different number of values (" + std::to_string(x.size()) + " vs " +
          std::to_string(y.size()) + ")";
    return false;
  }
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (std::abs(x[i] - y[i]) > 2e-6 * std::abs(y[i])) {
      why = "value " + std::to_string(i) + ": shipped " + std::to_string(x[i]) + ", generated " +
            std::to_string(y[i]);
      return false;
    }
  }
  return true;
}

// Mixture tables (from the shipped files, log-log interpolated at interval midpoints) vs
// xraylib evaluated directly at the same energies: within 2 % away from absorption edges.
int check_mixtures(const std::vector<bd::Material>& materials, const std::string& out) {
  int failures = 0;
  for (const auto& m : materials) {
    const bd::PhotonTables t = bd::build_photon_tables(m, out);
    double worst = 0;
    for (int i = 0; i + 1 < bd::PhotonGrid::kPoints; ++i) {
      if (t.energy_MeV[i + 1] > kXraylibMaxMeV) break;
      const double e0 = t.energy_MeV[i], e1 = t.energy_MeV[i + 1], e = std::sqrt(e0 * e1);
      bool edge = false;
      double direct = 0;
      for (const auto& el : m.elements) {
        // photoelectric cross sections fall with energy except across an absorption edge
        edge |= xraylib_cross_sections(el.Z, e1).photo > xraylib_cross_sections(el.Z, e0).photo;
        const XrlValues v = xraylib_cross_sections(el.Z, e);
        direct += el.mass_fraction * (v.photo + v.compton + v.rayleigh);
      }
      if (edge) continue;
      worst = std::max(worst, std::abs(t.interpolate(t.total_cm2_g, e) / direct - 1));
    }
    if (worst > 0.02) {
      std::cerr << "tablegen --check: " << m.name << ": mixture total deviates " << 100 * worst
                << " % from xraylib (limit 2 %)\n";
      ++failures;
    }
  }
  // Water against xraylib's own compound path (CS_Total_CP parses the formula independently).
  const auto water = bd::build_photon_tables(bd::find_material(materials, "water"), out);
  for (double e : {0.005, 0.01, 0.03, 0.1, 0.3, 0.8}) {
    xrl_error* err = nullptr;
    const double ref = CS_Total_CP("H2O", e * 1e3, &err);
    if (err) {
      std::cerr << "xraylib CS_Total_CP failed: " << err->message << "\n";
      xrl_error_free(err);
      return failures + 1;
    }
    const double mine = water.interpolate(water.total_cm2_g, e);
    if (std::abs(mine / ref - 1) > 0.02) {
      std::cerr << "tablegen --check: water at " << e << " MeV: " << mine
                << " cm2/g vs xraylib CS_Total_CP(H2O) " << ref << "\n";
      ++failures;
    }
  }
  return failures;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    std::string materials_dir, out;
    bool check = false;
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      if (a == "--check") {
        check = true;
      } else if (a == "--materials" && i + 1 < argc) {
        materials_dir = argv[++i];
      } else if (a == "--out" && i + 1 < argc) {
        out = argv[++i];
      } else {
        std::cerr << "usage: betadose_tablegen [--materials DIR] [--out DIR] [--check]\n";
        return 2;
      }
    }
    if (materials_dir.empty()) materials_dir = bd::materials_dir();
    if (out.empty()) out = (fs::path(materials_dir) / "photon").string();
    const auto materials = bd::load_materials(materials_dir);
    std::set<int> elements;
    for (const auto& m : materials)
      for (const auto& e : m.elements) elements.insert(e.Z);

    int failures = 0;
    if (!check) fs::create_directories(out);
    for (int Z : elements) {
      const std::string path = bd::element_photon_table_path(Z, out);
      const std::string text = render_element_table(Z);
      if (check) {
        const std::string shipped = slurp(path);
        std::string why;
        if (shipped.empty()) {
          std::cerr << "tablegen --check: " << path << " is missing\n";
          ++failures;
        } else if (shipped != text && !same_numbers(shipped, text, why)) {
          std::cerr << "tablegen --check: " << path << " differs from the generator: " << why
                    << "\n";
          ++failures;
        }
      } else {
        std::ofstream(path) << text;
      }
    }
    if (check && failures == 0) failures += check_mixtures(materials, out);
    std::cout << "betadose_tablegen: " << elements.size() << " element photon tables "
              << (check ? (failures ? "FAILED the check" : "match the generator") : "written")
              << " (" << out << ")\n";
    return failures ? 1 : 0;
  } catch (const bd::InputError& e) {
    std::cerr << "betadose_tablegen: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "betadose_tablegen: " << e.what() << "\n";
    return 3;
  }
}
