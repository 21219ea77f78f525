// water_lung_bone_slabs (include/betadose/slab_phantom.hh).
#include "betadose/slab_phantom.hh"

#include "betadose/errors.hh"

namespace bd {

SlabPhantomCase water_lung_bone_slabs(const SlabPhantomSpec& s) {
  BD_VALIDATE(s.voxels >= 4 && s.voxel_mm > 0 && s.x_begin < s.x_end && s.x_end <= s.voxels &&
                  s.yz_begin < s.yz_end && s.yz_end <= s.voxels,
              "slab phantom: " << s.voxels << " voxels of " << s.voxel_mm << " mm with the active box x ["
                               << s.x_begin << ", " << s.x_end << "), y/z [" << s.yz_begin << ", " << s.yz_end
                               << ") is not a valid case");
  SlabPhantomCase c;
  Grid g;
  g.size = {s.voxels, s.voxels, s.voxels};
  g.spacing_mm = {s.voxel_mm, s.voxel_mm, s.voxel_mm};
  c.phantom.grid = g;
  c.phantom.material_names = {"water", "lung", "cortical-bone"};
  c.phantom.material_id.resize(g.voxel_count());
  c.phantom.density_g_cm3.resize(g.voxel_count());
  c.source.grid = g;
  c.source.activity_bq.assign(g.voxel_count(), 0.0);
  const std::size_t lung_from = s.voxels / 2, bone_from = 3 * s.voxels / 4;
  auto inside = [](std::size_t v, std::size_t b, std::size_t e) { return v >= b && v < e; };
  for (std::size_t k = 0; k < s.voxels; ++k)
    for (std::size_t j = 0; j < s.voxels; ++j)
      for (std::size_t i = 0; i < s.voxels; ++i) {
        const auto v = g.linear_index(i, j, k);
        const int m = i < lung_from ? 0 : (i < bone_from ? 1 : 2);
        c.phantom.material_id[v] = static_cast<std::uint8_t>(m);
        c.phantom.density_g_cm3[v] = m == 0 ? 1.0f : (m == 1 ? 0.26f : 1.85f);
        if (inside(i, s.x_begin, s.x_end) && inside(j, s.yz_begin, s.yz_end) && inside(k, s.yz_begin, s.yz_end))
          c.source.activity_bq[v] = 1e6;
      }
  return c;
}

}  // namespace bd
