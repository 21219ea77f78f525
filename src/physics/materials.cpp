// Material definitions: parser for the materials/*.material text format (materials/README.md).
#include "betadose/materials.hh"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "betadose/input_file.hh"
#include "betadose/data_paths.hh"
#include "betadose/elements.hh"
#include "betadose/errors.hh"
#include "betadose/value_checks.hh"
#include "betadose/text_parse.hh"

namespace bd {
namespace {

namespace fs = std::filesystem;

// Mass fractions must sum to 1 within this tolerance (rounding in published tables is ~1e-4);
// they are then renormalised exactly.
constexpr double kFractionSumTolerance = 1e-3;

Material parse_material_file(const fs::path& path) {
  Material m;
  bool have_density = false, have_I = false, bragg_I = false;
  std::set<std::string> seen;
  for (const DataLine& dl : read_data_lines(path.string(), "material file")) {
    const std::string& key = dl.key;
    const std::string& where = dl.where;
    const std::string& rest = dl.rest;
    BD_VALIDATE(!rest.empty(), where << ": field '" << key << "' has no value");
    // Single-valued fields once: a second density line used to win in silence.
    if (key != "element") BD_VALIDATE(seen.insert(key).second, where << ": field '" << key << "' is given twice");
    if (key == "name") {
      m.name = rest;
    } else if (key == "density_g_cm3") {
      m.density_g_cm3 = parse_number(rest, where, "field '" + std::string(key) + "'");
      BD_VALIDATE(m.density_g_cm3 > 0 && m.density_g_cm3 <= kMaxDensity_g_cm3,
                  where << ": density_g_cm3 must be in (0, " << kMaxDensity_g_cm3 << "], got " << rest
                        << " (g/cm3, not kg/m3)");
      have_density = true;
    } else if (key == "I_eV") {
      if (rest == "bragg") {
        bragg_I = true;
      } else {
        m.I_eV = parse_number(rest, where, "field '" + std::string(key) + "'");
        // Mean excitation energies run from 19.2 eV (H2) to 890 eV (U; ICRU 37).
        BD_VALIDATE(m.I_eV > 0 && m.I_eV <= 1000, where << ": I_eV must be in (0, 1000] eV (or 'bragg'), got " << rest);
      }
      have_I = true;
    } else if (key == "source") {
      m.source = rest;
    } else if (key == "element") {
      std::istringstream es(rest);
      std::string sym, frac, extra;
      es >> sym >> frac;
      BD_VALIDATE(!frac.empty() && !(es >> extra),
                  where << ": expected 'element <symbol or Z> <mass fraction>', got '" << rest
                        << "'");
      int Z = 0;
      try {
        Z = element_Z(sym);
      } catch (const InputError& e) {
        throw InputError(where + ": " + e.what());
      }
      const double w = parse_number(frac, where, "field 'element mass fraction'");
      BD_VALIDATE(w >= 0 && w <= 1, where << ": mass fraction of " << sym
                                          << " must be in [0, 1], got " << frac);
      for (const auto& e : m.elements) {
        BD_VALIDATE(e.Z != Z, where << ": element " << sym << " is listed twice");
      }
      if (w > 0) m.elements.push_back({Z, w});
    } else {
      BD_VALIDATE(false, where << ": unknown field '" << key
                               << "' (expected name, density_g_cm3, I_eV, source, element)");
    }
  }
  const std::string file = path.string();
  BD_VALIDATE(!m.name.empty(), file << ": missing field 'name'");
  BD_VALIDATE(m.name == path.stem().string(),
              file << ": name '" << m.name << "' must equal the file name without extension ('"
                   << path.stem().string() << "')");
  BD_VALIDATE(have_density, file << ": missing field 'density_g_cm3'");
  BD_VALIDATE(have_I, file << ": missing field 'I_eV' (a value in eV, or 'bragg')");
  BD_VALIDATE(!m.source.empty(), file << ": missing field 'source' (provenance of the data)");
  BD_VALIDATE(!m.elements.empty(), file << ": no 'element <symbol> <mass fraction>' lines");
  double sum = 0;
  for (const auto& e : m.elements) sum += e.mass_fraction;
  BD_VALIDATE(std::abs(sum - 1.0) <= kFractionSumTolerance,
              file << ": element mass fractions sum to " << sum << ", expected 1 within "
                   << kFractionSumTolerance);
  for (auto& e : m.elements) e.mass_fraction /= sum;
  std::sort(m.elements.begin(), m.elements.end(),
            [](const ElementFraction& a, const ElementFraction& b) { return a.Z < b.Z; });
  if (bragg_I) {
    m.I_eV = bragg_additivity_I_eV(m.elements);
    m.source += " [I from the Bragg additivity rule, ICRU 37 eq. 2.4]";
  }
  return m;
}

}  // namespace

Material load_material_file(const std::string& path) { return parse_material_file(path); }

std::vector<Material> load_materials(const std::string& dir_in) {
  const std::string dir = dir_in.empty() ? materials_dir() : dir_in;
  BD_VALIDATE(fs::is_directory(dir), "materials directory '" << dir << "' does not exist");
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".material") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<Material> out;
  std::map<std::string, std::string> seen;  // name -> file
  for (const auto& f : files) {
    Material m = parse_material_file(f);
    const auto it = seen.find(m.name);
    BD_VALIDATE(it == seen.end(), f.string() << ": material '" << m.name
                                             << "' is already defined in " << it->second);
    seen[m.name] = f.string();
    out.push_back(std::move(m));
  }
  std::sort(out.begin(), out.end(),
            [](const Material& a, const Material& b) { return a.name < b.name; });
  return out;
}

Material find_material(const std::vector<Material>& materials, const std::string& name) {
  for (const auto& m : materials) {
    if (m.name == name) return m;
  }
  std::ostringstream known;
  for (std::size_t i = 0; i < materials.size(); ++i) {
    known << (i ? ", " : "") << materials[i].name;
  }
  BD_VALIDATE(false, "unknown material '" << name << "'; known materials: "
                                          << (materials.empty() ? "(none)" : known.str()));
  return {};
}

}  // namespace bd
