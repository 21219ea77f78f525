// Liver–tumour–lung–rib phantom for the kernel-methods study (see kernel_study.hh).
#include <cmath>

#include "betadose/errors.hh"
#include "betadose/kernel_study.hh"
#include "betadose/materials.hh"

namespace bd {

GeneratedDoseCase make_liver_lung_phantom(const LiverLungPhantomSpec& s) {
  BD_VALIDATE(s.voxel_mm > 0 && s.size[0] >= 40 && s.size[1] >= 40 && s.size[2] >= 40,
              "liver-lung phantom: voxel " << s.voxel_mm << " mm, " << s.size[0] << "x" << s.size[1]
                                           << "x" << s.size[2]
                                           << " voxels (expected > 0 mm and >= 40 per axis)");
  BD_VALIDATE(s.lung_density_g_cm3 > 0 && s.total_activity_bq > 0 && s.tn_ratio > 0 &&
                  s.lung_shunt >= 0 && s.lung_shunt < 1,
              "liver-lung phantom: lung density, activity and T/N must be positive, the shunt in [0, 1)");
  const auto materials = load_materials(s.materials_dir);
  const double rho_soft = find_material(materials, "soft-tissue").density_g_cm3;
  const double rho_liver = find_material(materials, "liver").density_g_cm3;
  const double rho_bone = find_material(materials, "cortical-bone").density_g_cm3;

  Grid g;
  g.size = s.size;
  g.spacing_mm = {{s.voxel_mm, s.voxel_mm, s.voxel_mm}};
  for (int a = 0; a < 3; ++a) g.origin_mm[a] = -0.5 * (s.size[a] - 1) * s.voxel_mm;  // centred
  const double hx = 0.5 * s.size[0] * s.voxel_mm, hy = 0.5 * s.size[1] * s.voxel_mm;
  const double hz = 0.5 * s.size[2] * s.voxel_mm;
  // Body wall: elliptic cylinder filling 95 % of the x/y extent (places the rib).
  const double bx = 0.95 * hx, by = 0.95 * hy;
  // Liver: ellipsoid below the diaphragm (z < 0) on the right; lung: ellipsoid above it.
  // Both stay >= 9 mm (for the default grid) inside the grid, so no activity sits where
  // electrons would leave the grid (the grid boundary is not a tissue boundary).
  const double lx = -0.38 * hx, lsx = 0.48 * hx, lsy = 0.70 * hy, liver_cz = -0.25 * hz,
               lsz = 0.65 * hz;
  const double ux = lx, usx = 0.48 * hx, usy = 0.65 * hy, lung_cz = 0.30 * hz, usz = 0.60 * hz;
  const double tr = s.tumour_radius_mm;
  const double tcx = lx, tcy = 0.0, tcz = -tr;  // top of the tumour at z = 0
  BD_VALIDATE(tr > 0 && tr < 0.45 * lsx && tr < 0.45 * lsz,
              "liver-lung phantom: tumour radius " << tr << " mm does not fit in the liver");

  enum : std::uint8_t { kSoft = 0, kLiver = 1, kLung = 2, kBone = 3 };
  GeneratedDoseCase c;
  c.phantom.grid = g;
  c.phantom.material_names = {"soft-tissue", "liver", "lung", "cortical-bone"};
  const std::size_t n = g.voxel_count();
  c.phantom.material_id.assign(n, kSoft);
  c.phantom.density_g_cm3.assign(n, static_cast<float>(rho_soft));
  std::vector<std::uint8_t> tumour(n, 0), normal(n, 0), lung(n, 0), rib(n, 0);
  for (std::size_t k = 0; k < s.size[2]; ++k)
    for (std::size_t j = 0; j < s.size[1]; ++j)
      for (std::size_t i = 0; i < s.size[0]; ++i) {
        const double x = g.origin_mm[0] + i * s.voxel_mm, y = g.origin_mm[1] + j * s.voxel_mm,
                     z = g.origin_mm[2] + k * s.voxel_mm;
        const std::size_t v = g.linear_index(i, j, k);
        // Soft tissue also outside the body ellipse (no air): the study is about the organ
        // interfaces, and no activity lies near the grid edges.
        const double body_r = std::sqrt((x / bx) * (x / bx) + (y / by) * (y / by));
        const double el = std::pow((x - lx) / lsx, 2) + std::pow(y / lsy, 2) + std::pow((z - liver_cz) / lsz, 2);
        const double eu = std::pow((x - ux) / usx, 2) + std::pow(y / usy, 2) + std::pow((z - lung_cz) / usz, 2);
        const double dt2 = (x - tcx) * (x - tcx) + (y - tcy) * (y - tcy) + (z - tcz) * (z - tcz);
        if (z < 0 && el <= 1.0) {
          c.phantom.material_id[v] = kLiver;
          c.phantom.density_g_cm3[v] = static_cast<float>(rho_liver);
          (dt2 <= tr * tr ? tumour : normal)[v] = 1;
        } else if (z >= 0 && eu <= 1.0) {
          c.phantom.material_id[v] = kLung;
          c.phantom.density_g_cm3[v] = static_cast<float>(s.lung_density_g_cm3);
          lung[v] = 1;
        } else if (x < -0.2 * hx && body_r >= 0.90 && body_r <= 0.97 &&
                   std::abs(z + 0.15 * hz) <= 0.75 * s.voxel_mm + 3.0) {
          // a rib (≈ 9 mm thick) in the right lateral wall at the level of the liver
          c.phantom.material_id[v] = kBone;
          c.phantom.density_g_cm3[v] = static_cast<float>(rho_bone);
          rib[v] = 1;
        }
      }
  // Activity: concentration c_n in normal liver, T/N c_n in tumour, shunt uniform in lung.
  double v_normal = 0, v_tumour = 0, v_lung = 0;
  for (std::size_t v = 0; v < n; ++v) {
    v_normal += normal[v];
    v_tumour += tumour[v];
    v_lung += lung[v];
  }
  BD_VALIDATE(v_tumour > 0 && v_normal > 0 && v_lung > 0,
              "liver-lung phantom: grid too small for liver, tumour and lung");
  const double liver_bq = (1.0 - s.lung_shunt) * s.total_activity_bq;
  const double per_normal_voxel = liver_bq / (v_normal + s.tn_ratio * v_tumour);
  const double per_lung_voxel = s.lung_shunt * s.total_activity_bq / v_lung;
  c.source.grid = g;
  c.source.activity_bq.assign(n, 0.0);
  for (std::size_t v = 0; v < n; ++v) {
    if (normal[v]) c.source.activity_bq[v] = per_normal_voxel;
    if (tumour[v]) c.source.activity_bq[v] = s.tn_ratio * per_normal_voxel;
    if (lung[v]) c.source.activity_bq[v] = per_lung_voxel;
  }
  c.roi = {{"tumour", tumour}, {"normal_liver", normal}, {"lung", lung}, {"rib", rib}};
  return c;
}

}  // namespace bd
