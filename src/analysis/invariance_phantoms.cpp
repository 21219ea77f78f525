// Phantoms of the transport invariance checks (include/betadose/invariance_phantoms.hh).
#include "betadose/invariance_phantoms.hh"

#include <cstdlib>

#include "betadose/errors.hh"
#include "betadose/materials.hh"

namespace bd {

KernelPhantom water_checkerboard_phantom(double voxel_mm, int n, bool checkerboard) {
  BD_VALIDATE(n >= 3 && n % 2 == 1 && voxel_mm > 0, "checkerboard phantom: need an odd n >= 3 and a positive voxel size");
  const Material water = find_material(load_materials(), "water");
  Material copy = water;
  copy.name = "water-copy";
  const int h = n / 2;
  KernelPhantom p;
  p.materials = {water, copy};
  p.nx = p.ny = p.nz = n;
  p.voxel_mm = {voxel_mm, voxel_mm, voxel_mm};
  const std::size_t nvox = static_cast<std::size_t>(n) * n * n;
  p.material_id.assign(nvox, 0);
  p.density_g_cm3.assign(nvox, static_cast<float>(water.density_g_cm3));
  p.score_group.assign(nvox, -1);
  auto idx = [&](int x, int y, int z) { return static_cast<std::size_t>(x + n * (y + n * z)); };
  for (int z = 0; z < n; ++z)
    for (int y = 0; y < n; ++y)
      for (int x = 0; x < n; ++x) {
        if (checkerboard) p.material_id[idx(x, y, z)] = static_cast<std::uint8_t>((x + y + z) % 2);
        if (std::abs(x - h) <= 1 && std::abs(y - h) <= 1 && std::abs(z - h) <= 1)
          p.score_group[idx(x, y, z)] = std::abs(x - h) + std::abs(y - h) + std::abs(z - h);
      }
  p.source_voxels = {idx(h, h, h)};
  return p;
}

KernelPhantom density_layer_phantom(double layer_mm, int L, int nlat, bool layered) {
  BD_VALIDATE(layer_mm > 0 && L >= 1 && nlat >= 1 && nlat % 2 == 1,
              "layer phantom: need a positive layer thickness, L >= 1 and an odd lateral voxel count");
  const Material water = find_material(load_materials(), "water");
  const double rho = water.density_g_cm3;
  std::vector<int> layer_of_z;
  for (int l = -L; l <= L; ++l) {
    const int voxels = (!layered && (l % 2 != 0)) ? 6 : 5;
    for (int k = 0; k < voxels; ++k) layer_of_z.push_back(l + L);
  }
  KernelPhantom p;
  p.materials = {water};
  p.nx = p.ny = nlat;
  p.nz = static_cast<int>(layer_of_z.size());
  p.voxel_mm = {3.0, 3.0, layer_mm / 5};
  const std::size_t nvox = static_cast<std::size_t>(p.nx) * p.ny * p.nz;
  p.material_id.assign(nvox, 0);
  p.density_g_cm3.resize(nvox);
  p.score_group.resize(nvox);
  for (int z = 0; z < p.nz; ++z) {
    const int l = layer_of_z[static_cast<std::size_t>(z)] - L;
    for (int y = 0; y < p.ny; ++y)
      for (int x = 0; x < p.nx; ++x) {
        const std::size_t v = static_cast<std::size_t>(x + p.nx * (y + p.ny * z));
        p.density_g_cm3[v] = static_cast<float>(layered && (l % 2 != 0) ? 1.2 * rho : rho);
        p.score_group[v] = l + L;
      }
  }
  int z0 = 0;
  while (layer_of_z[static_cast<std::size_t>(z0)] != L) ++z0;
  p.source_voxels = {static_cast<std::size_t>(nlat / 2 + p.nx * (nlat / 2 + p.ny * (z0 + 2)))};
  return p;
}

}  // namespace bd
