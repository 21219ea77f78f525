// CT calibration: HU -> mass density (piecewise linear between nodes) and HU -> material
// (contiguous bins), after Schneider, Bortfeld & Schlegel, Phys Med Biol 45:459 (2000).
// Defaults: materials/calibration/schneider2000_{density,materials}.csv; a user calibration
// uses the same two CSV formats (materials/README.md).
#pragma once

#include <string>
#include <vector>

namespace bd {

struct HuBin {
  double hu_lower = 0;  // inclusive
  double hu_upper = 0;  // exclusive (the last bin includes its upper bound)
  int material = 0;     // index into HuCalibration::material_names()
};

class HuCalibration {
 public:
  // The HU range the default calibration is meant for; outside it the caller decides (clip,
  // reject, treat as metal ...). density_g_cm3() and material_index() still answer there.
  static constexpr double kHuMin = -1100;
  static constexpr double kHuMax = 4000;
  static bool hu_in_range(double hu) { return hu >= kHuMin && hu <= kHuMax; }

  // Piecewise linear between nodes; below the first node: the first density; above the last
  // node: the last segment extrapolated (never below the smallest node density). [g/cm3]
  double density_g_cm3(double hu) const;
  // Bin containing hu (clamped to the first/last bin outside the bins' range).
  int material_index(double hu) const;
  // Distinct material names in order of first use by the bins (index = material_index()).
  const std::vector<std::string>& material_names() const { return names_; }

  const std::vector<double>& node_hu() const { return node_hu_; }
  const std::vector<double>& node_density_g_cm3() const { return node_density_; }
  const std::vector<HuBin>& bins() const { return bins_; }
  const std::string& density_file() const { return density_file_; }
  const std::string& materials_file() const { return materials_file_; }

 private:
  friend HuCalibration load_hu_calibration(const std::string&, const std::string&,
                                           const std::string&);
  std::vector<double> node_hu_, node_density_;
  std::vector<HuBin> bins_;
  std::vector<std::string> names_;
  std::string density_file_, materials_file_;
};

// density_csv: "HU,density_g_cm3" rows, HU strictly increasing, density > 0.
// materials_csv: "HU_lower,HU_upper,material" rows, HU_lower < HU_upper, each HU_lower equal to
//   the previous HU_upper (no gaps or overlaps), every material defined in material_dir.
// Empty arguments select the defaults under materials_dir(). InputError names file:line.
HuCalibration load_hu_calibration(const std::string& density_csv = "",
                                  const std::string& materials_csv = "",
                                  const std::string& material_dir = "");

}  // namespace bd
