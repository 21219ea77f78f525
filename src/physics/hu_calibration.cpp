// CT calibration loader and lookups (include/betadose/hu_calibration.hh).
#include "betadose/hu_calibration.hh"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>
#include <sstream>

#include "betadose/input_file.hh"
#include "betadose/data_paths.hh"
#include "betadose/errors.hh"
#include "betadose/value_checks.hh"
#include "betadose/text_parse.hh"
#include "betadose/materials.hh"

namespace bd {
namespace {

namespace fs = std::filesystem;

struct CsvRow {
  int line = 0;
  std::vector<std::string> cells;
};

// Rows of a CSV file without '#' comment lines and blank lines; the first row must be `header`.
std::vector<CsvRow> read_csv(const std::string& path, const std::string& header) {
  std::istringstream in(read_text_input(path, "CT calibration file"));
  std::vector<CsvRow> rows;
  std::string line;
  int lineno = 0;
  bool have_header = false;
  while (std::getline(in, line)) {
    ++lineno;
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    if (!have_header) {
      std::string compact;
      for (char c : line)
        if (c != ' ' && c != '\t') compact += c;
      BD_VALIDATE(compact == header, path << ":" << lineno << ": expected the header '" << header
                                          << "', got '" << line << "'");
      have_header = true;
      continue;
    }
    CsvRow r{lineno, {}};
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) r.cells.push_back(trim(cell));
    rows.push_back(r);
  }
  BD_VALIDATE(have_header, path << ": empty file (expected the header '" << header << "')");
  return rows;
}

}  // namespace

double HuCalibration::density_g_cm3(double hu) const {
  const auto& x = node_hu_;
  const auto& y = node_density_;
  if (hu <= x.front()) return y.front();
  std::size_t i;
  if (hu >= x.back()) {
    i = x.size() - 2;  // extrapolate the last segment
  } else {
    i = std::upper_bound(x.begin(), x.end(), hu) - x.begin() - 1;
  }
  const double d = y[i] + (y[i + 1] - y[i]) * (hu - x[i]) / (x[i + 1] - x[i]);
  return std::max(d, *std::min_element(y.begin(), y.end()));
}

int HuCalibration::material_index(double hu) const {
  // First bin whose upper bound exceeds hu; the last bin takes everything above.
  auto it = std::upper_bound(bins_.begin(), bins_.end(), hu,
                             [](double v, const HuBin& b) { return v < b.hu_upper; });
  if (it == bins_.end()) --it;
  return it->material;
}

HuCalibration load_hu_calibration(const std::string& density_csv_in,
                                  const std::string& materials_csv_in,
                                  const std::string& material_dir_in) {
  const std::string calib = (fs::path(materials_dir()) / "calibration").string();
  const std::string density_csv =
      density_csv_in.empty() ? calib + "/schneider2000_density.csv" : density_csv_in;
  const std::string materials_csv =
      materials_csv_in.empty() ? calib + "/schneider2000_materials.csv" : materials_csv_in;
  HuCalibration c;
  c.density_file_ = density_csv;
  c.materials_file_ = materials_csv;

  for (const auto& r : read_csv(density_csv, "HU,density_g_cm3")) {
    const std::string where = density_csv + ":" + std::to_string(r.line);
    BD_VALIDATE(r.cells.size() == 2, where << ": expected 2 columns 'HU,density_g_cm3'");
    const double hu = parse_number(r.cells[0], where, "HU");
    const double rho = parse_number(r.cells[1], where, "density_g_cm3");
    BD_VALIDATE(rho > 0 && rho <= kMaxDensity_g_cm3,
                where << ": density must be > 0 and at most " << kMaxDensity_g_cm3 << " g/cm3 (not kg/m3), got " << rho);
    BD_VALIDATE(c.node_hu_.empty() || hu > c.node_hu_.back(),
                where << ": HU nodes must be strictly increasing (" << hu << " after "
                      << c.node_hu_.back() << ")");
    c.node_hu_.push_back(hu);
    c.node_density_.push_back(rho);
  }
  BD_VALIDATE(c.node_hu_.size() >= 2, density_csv << ": need at least 2 HU -> density nodes");

  const auto materials = load_materials(material_dir_in);
  for (const auto& r : read_csv(materials_csv, "HU_lower,HU_upper,material")) {
    const std::string where = materials_csv + ":" + std::to_string(r.line);
    BD_VALIDATE(r.cells.size() == 3, where << ": expected 3 columns 'HU_lower,HU_upper,material'");
    HuBin b;
    b.hu_lower = parse_number(r.cells[0], where, "HU_lower");
    b.hu_upper = parse_number(r.cells[1], where, "HU_upper");
    BD_VALIDATE(b.hu_upper > b.hu_lower,
                where << ": HU_upper (" << b.hu_upper << ") must exceed HU_lower (" << b.hu_lower
                      << ")");
    if (!c.bins_.empty()) {
      const double prev = c.bins_.back().hu_upper;
      BD_VALIDATE(b.hu_lower <= prev, where << ": gap between HU " << prev << " and " << b.hu_lower
                                            << " (each HU_lower must equal the previous HU_upper)");
      BD_VALIDATE(b.hu_lower >= prev, where << ": bin starting at HU " << b.hu_lower
                                            << " overlaps the previous bin ending at " << prev
                                            << " (bins must be increasing and contiguous)");
    }
    const std::string& name = r.cells[2];
    try {
      find_material(materials, name);
    } catch (const InputError& e) {
      throw InputError(where + ": " + e.what());
    }
    auto it = std::find(c.names_.begin(), c.names_.end(), name);
    b.material = static_cast<int>(it - c.names_.begin());
    if (it == c.names_.end()) c.names_.push_back(name);
    c.bins_.push_back(b);
  }
  BD_VALIDATE(!c.bins_.empty(), materials_csv << ": no HU -> material bins");
  return c;
}

}  // namespace bd
