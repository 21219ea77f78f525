#include <numeric>

#include "betadose/phantom.hh"
#include "betadose/source.hh"

namespace bd {

Phantom Phantom::uniform(const Grid& grid, const std::string& material, double density_g_cm3) {
  Phantom p;
  p.grid = grid;
  p.material_names = {material};
  p.material_id.assign(grid.voxel_count(), 0);
  p.density_g_cm3.assign(grid.voxel_count(), static_cast<float>(density_g_cm3));
  return p;
}

double VoxelSource::total_activity_bq() const {
  return std::accumulate(activity_bq.begin(), activity_bq.end(), 0.0);
}

}  // namespace bd
