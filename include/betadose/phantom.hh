// The transport geometry: per voxel a material index (into material_names) and a mass
// density. Cross sections scale linearly with density within a material (DESIGN.md §3).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "betadose/grid.hh"

namespace bd {

struct Phantom {
  Grid grid;
  std::vector<std::uint8_t> material_id;     // index into material_names, per voxel
  std::vector<float> density_g_cm3;          // per voxel
  std::vector<std::string> material_names;   // canonical material names used

  // Uniform phantom of one material at density `density_g_cm3`.
  static Phantom uniform(const Grid& grid, const std::string& material, double density_g_cm3);
};

}  // namespace bd
