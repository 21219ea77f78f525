// Materials: elemental composition, nominal density and mean excitation energy, loaded from
// the text definitions in materials/ (one file per material; users add a material by adding a
// file). Canonical names (CLI, tables, HDF5 material_names): water, air, lung, adipose,
// soft-tissue, liver, blood, muscle, cortical-bone, glass, resin (and more files may exist).
#pragma once

#include <string>
#include <vector>

namespace bd {

struct ElementFraction {
  int Z;                 // atomic number
  double mass_fraction;  // sums to 1 over the material
};

struct Material {
  std::string name;            // canonical name, e.g. "soft-tissue"
  double density_g_cm3 = 0;    // nominal density
  double I_eV = 0;             // mean excitation energy
  std::vector<ElementFraction> elements;
  std::string source;          // provenance (publication / database)
};

// All materials defined in `dir` (default: materials_dir()) and its subfolders (e.g. ct/ for
// the CT-calibration bins), sorted by name; duplicate names are an error. Throws
// InputError naming the file and field on malformed definitions.
std::vector<Material> load_materials(const std::string& dir = "");
// One material definition file (format: materials/README.md); InputError naming file:line.
Material load_material_file(const std::string& path);
// One material by canonical name; InputError listing the known names when absent.
Material find_material(const std::vector<Material>& materials, const std::string& name);

}  // namespace bd
