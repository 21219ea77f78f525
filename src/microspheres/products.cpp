// Microsphere product files: materials/microspheres/<name>.sphere (materials/README.md).
#include "betadose/microsphere_products.hh"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>

#include "betadose/data_paths.hh"
#include "betadose/errors.hh"
#include "betadose/text_parse.hh"

namespace bd {
namespace {

namespace fs = std::filesystem;

std::string product_dir(const std::string& dir) {
  return dir.empty() ? (fs::path(materials_dir()) / "microspheres").string() : dir;
}

// The option of `betadose spheres` that supplies a field marked `required`.
const char* option_for(const std::string& key) {
  if (key == "activity_bq") return "--sphere-activity-bq";
  if (key == "diameter_um") return "--sphere-diameter-um";
  if (key == "diameter_sd_um") return "--sphere-diameter-sd-um";
  if (key == "density_g_cm3") return "--sphere-density-g-cm3";
  return "";
}

}  // namespace

double MicrosphereProduct::volume_mm3() const {
  const double r_mm = 0.5e-3 * diameter_um;
  return 4.0 / 3.0 * M_PI * r_mm * r_mm * r_mm;
}

MicrosphereProduct load_microsphere_product_file(const std::string& path,
                                                 const ProductOverrides& ov) {
  MicrosphereProduct p;
  p.file = path;
  std::map<std::string, std::string> seen;
  std::vector<std::string> required;
  for (const DataLine& dl : read_data_lines(path, "microsphere product file")) {
    const std::string& key = dl.key;
    const std::string& where = dl.where;
    const std::vector<std::string>& f = dl.fields;
    BD_VALIDATE(seen.count(key) == 0, where << ": field '" << key << "' given twice (first at " << seen[key] << ")");
    seen[key] = where;
    BD_VALIDATE(!f.empty(), where << ": field '" << key << "' has no value");
    if (f.size() == 1 && f[0] == "required") {
      BD_VALIDATE(*option_for(key) != '\0', where << ": field '" << key << "' cannot be 'required'");
      required.push_back(key);
      continue;
    }
    auto number = [&](std::size_t i) {
      BD_VALIDATE(f.size() > i, where << ": field '" << key << "' needs " << i + 1 << " value(s)");
      return parse_number(f[i], where, key);
    };
    auto one = [&]() {
      BD_VALIDATE(f.size() == 1, where << ": field '" << key << "' takes one value, got " << f.size());
    };
    if (key == "name") {
      one();
      p.name = f[0];
    } else if (key == "nuclide") {
      one();
      p.nuclide = f[0];
    } else if (key == "activity_bq") {
      one();
      p.activity_bq = number(0);
      BD_VALIDATE(p.activity_bq > 0, where << ": activity_bq must be > 0");
    } else if (key == "diameter_um") {
      one();
      p.diameter_um = number(0);
      BD_VALIDATE(p.diameter_um > 0, where << ": diameter_um must be > 0");
    } else if (key == "diameter_sd_um") {
      one();
      p.diameter_sd_um = number(0);
      BD_VALIDATE(p.diameter_sd_um >= 0, where << ": diameter_sd_um must be >= 0");
    } else if (key == "diameter_range_um") {
      BD_VALIDATE(f.size() == 2, where << ": expected 'diameter_range_um <min> <max>'");
      p.diameter_min_um = number(0);
      p.diameter_max_um = number(1);
      BD_VALIDATE(p.diameter_min_um > 0 && p.diameter_max_um > p.diameter_min_um,
                  where << ": diameter_range_um needs 0 < min < max");
    } else if (key == "density_g_cm3") {
      one();
      p.density_g_cm3 = number(0);
      BD_VALIDATE(p.density_g_cm3 > 0, where << ": density_g_cm3 must be > 0");
    } else if (key == "material") {
      one();
      p.material = f[0] == "none" ? "" : f[0];
    } else if (key == "activity_scaling") {
      one();
      BD_VALIDATE(f[0] == "volume" || f[0] == "surface",
                  where << ": activity_scaling must be 'volume' or 'surface', got '" << f[0] << "'");
      p.activity_scaling = f[0] == "volume" ? ActivityScaling::volume : ActivityScaling::surface;
    } else if (key == "source") {
      p.source = dl.rest;
    } else {
      throw InputError(where + ": unknown field '" + key +
                       "' (expected name, nuclide, activity_bq, diameter_um, diameter_sd_um, "
                       "diameter_range_um, density_g_cm3, material, activity_scaling, source)");
    }
  }
  BD_VALIDATE(!p.name.empty(), path << ": field 'name' is missing");
  // Overrides (the custom product's values come from the command line).
  if (ov.activity_bq > 0) p.activity_bq = ov.activity_bq;
  if (ov.diameter_um > 0) p.diameter_um = ov.diameter_um;
  if (ov.diameter_sd_um >= 0) p.diameter_sd_um = ov.diameter_sd_um;
  if (ov.density_g_cm3 > 0) p.density_g_cm3 = ov.density_g_cm3;
  if (!ov.nuclide.empty()) p.nuclide = ov.nuclide;
  for (const auto& k : required) {
    const bool given = (k == "activity_bq" && ov.activity_bq > 0) || (k == "diameter_um" && ov.diameter_um > 0) ||
                       (k == "diameter_sd_um" && ov.diameter_sd_um >= 0) ||
                       (k == "density_g_cm3" && ov.density_g_cm3 > 0);
    BD_VALIDATE(given, "product '" << p.name << "' (" << path << "): " << k << " is required; give it with "
                                   << option_for(k));
  }
  BD_VALIDATE(p.activity_bq > 0, path << ": activity_bq is missing");
  BD_VALIDATE(p.diameter_um > 0, path << ": diameter_um is missing");
  BD_VALIDATE(p.density_g_cm3 > 0, path << ": density_g_cm3 is missing");
  // Radioembolisation microspheres are 15-60 µm (ho166-PLLA, glass, resin); 1 mm is no
  // microsphere, and a spread wider than the mean is no size distribution of one product.
  BD_VALIDATE(p.diameter_um <= 1000, "product '" << p.name << "' (" << path << "): diameter " << p.diameter_um
                                                 << " µm (a microsphere is at most 1000 µm)");
  BD_VALIDATE(p.diameter_sd_um < p.diameter_um, "product '" << p.name << "' (" << path << "): diameter SD "
                                                            << p.diameter_sd_um << " µm is not below the mean "
                                                            << p.diameter_um << " µm");
  BD_VALIDATE(p.density_g_cm3 <= 25, "product '" << p.name << "' (" << path << "): density " << p.density_g_cm3
                                                 << " g/cm3 (no material is denser than 23 g/cm3)");
  if (p.diameter_min_um == 0 && p.diameter_max_um == 0) {
    // No range given: ±4 standard deviations (or the single size).
    p.diameter_min_um = std::max(0.1 * p.diameter_um, p.diameter_um - 4 * p.diameter_sd_um);
    p.diameter_max_um = p.diameter_um + 4 * p.diameter_sd_um;
  }
  BD_VALIDATE(p.diameter_um >= p.diameter_min_um && p.diameter_um <= p.diameter_max_um,
              path << ": mean diameter " << p.diameter_um << " µm lies outside diameter_range_um ["
                   << p.diameter_min_um << ", " << p.diameter_max_um << "]");
  return p;
}

std::vector<std::string> available_microsphere_products(const std::string& dir) {
  std::vector<std::string> names;
  const std::string d = product_dir(dir);
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(d, ec))
    if (e.path().extension() == ".sphere") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

MicrosphereProduct load_microsphere_product(const std::string& name_or_path, const ProductOverrides& ov,
                                            const std::string& dir) {
  BD_VALIDATE(!name_or_path.empty(), "--product: empty product name");
  const bool is_path = name_or_path.find('/') != std::string::npos ||
                       fs::path(name_or_path).extension() == ".sphere";
  if (is_path) {
    BD_VALIDATE(fs::is_regular_file(name_or_path), "--product " << name_or_path << ": file not found");
    return load_microsphere_product_file(name_or_path, ov);
  }
  const fs::path file = fs::path(product_dir(dir)) / (name_or_path + ".sphere");
  if (!fs::is_regular_file(file)) {
    std::ostringstream avail;
    for (const auto& n : available_microsphere_products(dir)) avail << (avail.tellp() > 0 ? ", " : "") << n;
    throw InputError("--product '" + name_or_path + "': unknown microsphere product (available: " +
                     avail.str() + ", or a path to a .sphere file)");
  }
  MicrosphereProduct p = load_microsphere_product_file(file.string(), ov);
  BD_VALIDATE(p.name == name_or_path, file.string() << ": name '" << p.name << "' differs from the file name");
  return p;
}

double decayed_activity_bq(double activity_bq, double half_life_s, double days) {
  BD_VALIDATE(std::isfinite(days) && days >= 0,
              "--days-after-calibration " << days << " (expected a number of days >= 0)");
  BD_VALIDATE(half_life_s > 0, "decayed activity: half-life must be > 0");
  return activity_bq * std::exp(-std::log(2.0) * days * 86400.0 / half_life_s);
}

}  // namespace bd
