// Microsphere products (glass, resin, 166Ho-PLLA, custom) read from
// materials/microspheres/<name>.sphere (format: materials/README.md "Microsphere products").
// Each shipped value carries its source in the file. Portable host code.
#pragma once

#include <string>
#include <vector>

namespace bd {

// How a sphere's activity scales with its diameter d when the size spread is modelled:
// volume (∝ d³: the nuclide is part of the sphere's matrix, glass and PLLA) or surface
// (∝ d²: bound to the surface, resin).
enum class ActivityScaling { volume, surface };

struct MicrosphereProduct {
  std::string name;                 // glass, resin, ho166-plla, custom, or a file's name
  std::string nuclide = "Y-90";
  double activity_bq = 0;           // mean activity per sphere at calibration [Bq]
  double diameter_um = 0;           // mean diameter [µm]
  double diameter_sd_um = 0;        // standard deviation of the diameter [µm] (0: one size)
  double diameter_min_um = 0;       // the size distribution is truncated to [min, max]
  double diameter_max_um = 0;
  double density_g_cm3 = 0;         // sphere material density
  std::string material;             // canonical material name ("" when none is defined)
  ActivityScaling activity_scaling = ActivityScaling::volume;
  std::string source;               // provenance summary
  std::string file;                 // file it was read from

  double volume_mm3() const;        // of a sphere of the mean diameter
};

// Values that replace a product's (the `custom` product needs activity, diameter and density).
struct ProductOverrides {
  double activity_bq = 0;           // > 0: replaces
  double diameter_um = 0;
  double diameter_sd_um = -1;       // >= 0: replaces
  double density_g_cm3 = 0;
  std::string nuclide;              // non-empty: replaces
};

// `name_or_path`: a product name in `dir` (default materials_dir()/microspheres) or a path to
// a .sphere file. InputError listing the available products when absent, naming file:line for
// malformed data, and naming the missing field (and the option that gives it) when a value the
// file marks `required` was not supplied by `overrides`.
MicrosphereProduct load_microsphere_product(const std::string& name_or_path,
                                            const ProductOverrides& overrides = {},
                                            const std::string& dir = "");
MicrosphereProduct load_microsphere_product_file(const std::string& path,
                                                 const ProductOverrides& overrides = {});
std::vector<std::string> available_microsphere_products(const std::string& dir = "");

// Activity per sphere `days` after calibration: A·exp(−ln2·t/T½) (days >= 0).
double decayed_activity_bq(double activity_bq, double half_life_s, double days);

}  // namespace bd
