// Phantom building from labels + material table, and the CT range checks
// (include/betadose/phantom_builder.hh).
#include "betadose/phantom_builder.hh"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include "betadose/input_file.hh"
#include "betadose/errors.hh"
#include "betadose/value_checks.hh"
#include "betadose/text_parse.hh"
#include "betadose/hu_calibration.hh"
#include "betadose/materials.hh"

namespace bd {

CtRangeReport check_and_clamp_ct_hu(std::vector<float>& hu, const std::string& path) {
  CtRangeReport rep;
  BD_VALIDATE(!hu.empty(), path << ": CT is empty");
  rep.min_hu = INFINITY;
  rep.max_hu = -INFINITY;
  std::size_t non_finite = 0, above_5000 = 0;
  for (float v : hu) {
    if (!std::isfinite(v)) {
      ++non_finite;
      continue;
    }
    rep.min_hu = std::min<double>(rep.min_hu, v);
    rep.max_hu = std::max<double>(rep.max_hu, v);
    if (v > 5000.0f) ++above_5000;
  }
  BD_VALIDATE(non_finite == 0, path << ": CT has " << non_finite
                                     << " NaN/infinite voxels (HU must be numbers: fill them, e.g. with -1000 HU "
                                        "outside the body, before the dose calculation)");
  BD_VALIDATE(rep.min_hu <= -500.0,
              path << ": CT does not look like Hounsfield units: minimum " << rep.min_hu
                   << " > -500 HU, so there is no air in the image (raw stored values without "
                      "rescale slope/intercept, or a density map?). Expected HU in about "
                      "[-1024, 3071]");
  BD_VALIDATE(above_5000 <= hu.size() / 1000,
              path << ": CT does not look like Hounsfield units: " << above_5000 << " of "
                   << hu.size() << " voxels are above 5000 HU (maximum " << rep.max_hu
                   << "); expected HU in about [-1024, 3071]");
  for (float& v : hu) {
    if (v < -1100.0f) ++rep.padding_voxels;
    if (v > kCtMaxHu) ++rep.high_voxels;
    v = std::clamp(v, kCtMinHu, kCtMaxHu);
  }
  return rep;
}

Phantom build_phantom_from_ct(const Volume<float>& ct_hu, const HuCalibration& cal) {
  Phantom p;
  p.grid = ct_hu.grid;
  const std::size_t n = ct_hu.data.size();
  p.material_id.resize(n);
  p.density_g_cm3.resize(n);
  std::vector<int> cal_index(n);
  std::vector<char> used(cal.material_names().size(), 0);
#pragma omp parallel for schedule(static)
  for (std::int64_t v = 0; v < static_cast<std::int64_t>(n); ++v) {
    const double hu = ct_hu.data[v];
    cal_index[v] = cal.material_index(hu);
    p.density_g_cm3[v] = static_cast<float>(cal.density_g_cm3(hu));
  }
  for (int m : cal_index) used[m] = 1;
  std::vector<int> remap(used.size(), -1);
  for (std::size_t m = 0; m < used.size(); ++m)
    if (used[m]) {
      BD_VALIDATE(p.material_names.size() < 255, "CT calibration: more than 255 materials in use");
      remap[m] = static_cast<int>(p.material_names.size());
      p.material_names.push_back(cal.material_names()[m]);
    }
  for (std::size_t v = 0; v < n; ++v) p.material_id[v] = static_cast<std::uint8_t>(remap[cal_index[v]]);
  return p;
}

namespace {
std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> f;
  std::stringstream ss(line);
  std::string x;
  while (std::getline(ss, x, ',')) f.push_back(trim(x));
  if (!line.empty() && line.back() == ',') f.push_back("");
  return f;
}
}  // namespace

std::vector<MaterialTableRow> read_material_table(const std::string& path,
                                                  const std::string& materials_dir) {
  std::istringstream in(read_text_input(path, "--material-table"));
  const auto materials = load_materials(materials_dir);
  std::vector<MaterialTableRow> rows;
  std::set<int> labels;
  std::string line;
  int line_no = 0;
  bool header_seen = false;
  while (std::getline(in, line)) {
    ++line_no;
    const std::string t = trim(line);
    if (t.empty() || t[0] == '#') continue;
    const auto f = split_csv(t);
    if (!header_seen) {
      header_seen = true;
      BD_VALIDATE(f.size() == 3 && f[0] == "label" && f[1] == "material" && f[2] == "density_g_cm3",
                  path << ":" << line_no
                       << ": header must be 'label,material,density_g_cm3', got '" << t << "'");
      continue;
    }
    BD_VALIDATE(f.size() == 2 || f.size() == 3,
                path << ":" << line_no << ": expected 'label,material,density_g_cm3', got '" << t << "'");
    MaterialTableRow row;
    row.line = line_no;
    std::size_t used = 0;
    try {
      row.label = std::stoi(f[0], &used);
    } catch (const std::exception&) {
      used = 0;
    }
    BD_VALIDATE(used == f[0].size() && !f[0].empty(),
                path << ":" << line_no << ": label '" << f[0] << "' is not an integer");
    BD_VALIDATE(labels.insert(row.label).second,
                path << ":" << line_no << ": label " << row.label << " is listed twice");
    Material m;
    try {
      m = find_material(materials, f[1]);
    } catch (const InputError& e) {
      throw InputError(path + ":" + std::to_string(line_no) + ": unknown material '" + f[1] +
                       "' (" + e.what() + ")");
    }
    row.material = m.name;
    if (f.size() == 3 && !f[2].empty()) {
      try {
        row.density_g_cm3 = std::stod(f[2], &used);
      } catch (const std::exception&) {
        used = 0;
      }
      BD_VALIDATE(used == f[2].size() && std::isfinite(row.density_g_cm3) && row.density_g_cm3 > 0 &&
                      row.density_g_cm3 <= kMaxDensity_g_cm3,
                  path << ":" << line_no << ": density_g_cm3 '" << f[2] << "' must be a number in (0, "
                       << kMaxDensity_g_cm3 << "] g/cm3, not kg/m3 (or empty for the nominal density)");
    } else {
      row.density_g_cm3 = m.density_g_cm3;
    }
    rows.push_back(row);
  }
  BD_VALIDATE(header_seen && !rows.empty(), path << ": material table has no rows");
  return rows;
}

Phantom build_phantom_from_labels(const Volume<float>& labels,
                                  const std::vector<MaterialTableRow>& table,
                                  const std::string& labels_path, const std::string& table_path) {
  Phantom p;
  p.grid = labels.grid;
  const std::size_t n = labels.grid.voxel_count();
  p.material_id.assign(n, 0);
  p.density_g_cm3.assign(n, 0.0f);
  std::map<int, std::size_t> row_of;
  std::map<std::string, std::uint8_t> id_of;
  for (std::size_t r = 0; r < table.size(); ++r) row_of[table[r].label] = r;
  std::set<int> missing;
  for (std::size_t v = 0; v < n; ++v) {
    const float x = labels.data[v];
    BD_VALIDATE(std::isfinite(x) && std::nearbyint(x) == x,
                labels_path << ": label image holds a non-integral value " << x
                            << " (a label map of integers is required)");
    const int label = static_cast<int>(x);
    const auto it = row_of.find(label);
    if (it == row_of.end()) {
      missing.insert(label);
      continue;
    }
    const auto& row = table[it->second];
    auto id = id_of.find(row.material);
    if (id == id_of.end()) {
      BD_VALIDATE(p.material_names.size() < 255, table_path << ": more than 255 materials");
      id = id_of.emplace(row.material, static_cast<std::uint8_t>(p.material_names.size())).first;
      p.material_names.push_back(row.material);
    }
    p.material_id[v] = id->second;
    p.density_g_cm3[v] = static_cast<float>(row.density_g_cm3);
  }
  if (!missing.empty()) {
    std::ostringstream os;
    os << labels_path << ": labels ";
    int shown = 0;
    for (int l : missing) {
      if (shown++ == 10) {
        os << " ...";
        break;
      }
      os << (shown > 1 ? ", " : "") << l;
    }
    os << " are not listed in the material table " << table_path;
    throw InputError(os.str());
  }
  return p;
}

}  // namespace bd
