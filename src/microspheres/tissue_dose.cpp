// Sub-voxel self-dose correction and the direct Monte Carlo validation path
// (include/betadose/microsphere_dose.hh).
#include <algorithm>
#include <cmath>

#include "betadose/errors.hh"
#include "betadose/materials.hh"
#include "betadose/microsphere_dose.hh"
#include "betadose/nuclide.hh"
#include "betadose/phantom.hh"

namespace bd {

namespace {
constexpr double kJoulePerMeV = 1.602176634e-13;  // CODATA 2018 (exact)
}

TissueDose tissue_dose_from_energy(const Grid& grid, double rho, const std::vector<OccupiedVoxel>& occupied,
                                   const std::vector<double>& energy, const SelfDoseCorrection& c, double e_per_decay,
                                   double tau_s) {
  const std::size_t n = grid.voxel_count();
  BD_VALIDATE(energy.size() == n, "tissue dose: " << energy.size() << " energies for " << n << " voxels");
  BD_VALIDATE(rho > 0, "tissue dose: density " << rho);
  BD_VALIDATE(c.self_absorbed_fraction >= 0 && c.self_absorbed_fraction < 1 && c.max_displaced_fraction > 0 &&
                  c.max_displaced_fraction < 1,
              "tissue dose: self-absorbed fraction " << c.self_absorbed_fraction << ", displaced limit "
                                                     << c.max_displaced_fraction);
  TissueDose t;
  const double vol_mm3 = grid.voxel_volume_mm3();
  const double mass_kg = rho * vol_mm3 * 1e-6;
  const double scale = kJoulePerMeV / mass_kg;
  t.dose_gy.resize(n);
  double e_sum = 0;
#pragma omp parallel for reduction(+ : e_sum) schedule(static)
  for (std::ptrdiff_t v = 0; v < static_cast<std::ptrdiff_t>(n); ++v) {
    const double e = std::max(0.0, energy[v]);  // FFT round-off can leave −1e-16 of the peak
    e_sum += e;
    t.dose_gy[v] = e * scale;
  }
  t.energy_tissue_MeV = e_sum;
  if (!c.enabled) return t;
  for (const auto& o : occupied) {
    double e = std::max(0.0, energy[o.voxel]);
    const double in_spheres = std::min(e, c.self_absorbed_fraction * o.activity_bq * tau_s * e_per_decay);
    e -= in_spheres;
    t.energy_spheres_MeV += in_spheres;
    t.energy_tissue_MeV -= in_spheres;
    double displaced = o.sphere_volume_mm3 / vol_mm3;
    if (displaced > c.max_displaced_fraction) {
      displaced = c.max_displaced_fraction;
      ++t.capped_voxels;
    }
    t.dose_gy[o.voxel] = e * kJoulePerMeV / (mass_kg * (1.0 - displaced));
  }
  return t;
}

DirectMcResult direct_mc_energy(const Grid& grid, const std::vector<Sphere>& spheres, const DirectMcSpec& spec) {
  validate_grid(grid, "direct Monte Carlo grid");
  BD_VALIDATE(!spheres.empty(), "direct Monte Carlo: no spheres");
  BD_VALIDATE(grid.direction_is_identity(), "direct Monte Carlo: grid must be axis-aligned");
  const Material m = find_material(load_materials(), spec.material);
  const double rho = spec.density_g_cm3 > 0 ? spec.density_g_cm3 : m.density_g_cm3;
  Grid pg = grid;
  std::array<std::size_t, 3> pad{{0, 0, 0}};
  PointSource src;
  src.nuclide = spec.nuclide;
  double grid_bq = 0;
  if (spec.periodic) {
    for (int a = 0; a < 3; ++a) {
      pad[a] = static_cast<std::size_t>(std::ceil(spec.padding_mm / grid.spacing_mm[a] - 1e-9));
      pg.size[a] = grid.size[a] + 2 * pad[a];
      pg.origin_mm[a] = grid.origin_mm[a] - pad[a] * grid.spacing_mm[a];
    }
    BD_VALIDATE(pg.voxel_count() <= std::size_t{64} << 20,
                "direct Monte Carlo: the padded grid " << pg.describe()
                                                       << " exceeds 64 Mi voxels; use a smaller box or larger voxels");
    std::array<int, 3> reach{};
    Vec3 L{};
    for (int a = 0; a < 3; ++a) {
      L[a] = grid.size[a] * grid.spacing_mm[a];
      reach[a] = static_cast<int>(std::ceil(spec.padding_mm / L[a]));
    }
    for (const auto& s : spheres) {
      grid_bq += s.activity_bq;
      for (int k = -reach[2]; k <= reach[2]; ++k)
        for (int j = -reach[1]; j <= reach[1]; ++j)
          for (int i = -reach[0]; i <= reach[0]; ++i) {
            const Vec3 p{s.position_mm[0] + i * L[0], s.position_mm[1] + j * L[1], s.position_mm[2] + k * L[2]};
            if (!pg.contains_index(pg.physical_to_index(p))) continue;
            src.position_mm.push_back(p);
            src.activity_bq.push_back(s.activity_bq);
          }
    }
  } else {
    for (const auto& s : spheres) {
      grid_bq += s.activity_bq;
      src.position_mm.push_back(s.position_mm);
      src.activity_bq.push_back(s.activity_bq);
    }
  }
  const Phantom ph = Phantom::uniform(pg, m.name, rho);
  DoseResult r;
  if (spec.uniform_in_voxel) {
    VoxelSource vs;
    vs.grid = pg;
    vs.nuclide = spec.nuclide;
    vs.activity_bq.assign(pg.voxel_count(), 0.0);
    for (std::size_t i = 0; i < src.position_mm.size(); ++i) {
      const Vec3 idx = pg.physical_to_index(src.position_mm[i]);
      std::size_t c[3];
      for (int a = 0; a < 3; ++a)
        c[a] = std::min<std::size_t>(pg.size[a] - 1, static_cast<std::size_t>(std::max(0.0, std::floor(idx[a] + 0.5))));
      vs.activity_bq[pg.linear_index(c[0], c[1], c[2])] += src.activity_bq[i];
    }
    r = run_voxel_transport(ph, vs, spec.transport);
  } else {
    r = run_point_transport(ph, src, spec.transport);
  }
  const double decays_all = r.total_activity_bq * r.decays_per_bq;
  DirectMcResult out;
  out.decays = grid_bq * r.decays_per_bq;
  out.energy_per_decay_MeV = r.balance_per_decay.deposited_MeV;
  out.histories = r.histories;
  out.wall_time_s = r.wall_time_s;
  out.energy_MeV.resize(grid.voxel_count());
  out.rel_uncertainty.resize(grid.voxel_count());
  for (std::size_t k = 0; k < grid.size[2]; ++k)
    for (std::size_t j = 0; j < grid.size[1]; ++j)
      for (std::size_t i = 0; i < grid.size[0]; ++i) {
        const std::size_t v = grid.linear_index(i, j, k);
        const std::size_t pv = pg.linear_index(i + pad[0], j + pad[1], k + pad[2]);
        out.energy_MeV[v] = r.energy_per_decay_MeV[pv] * decays_all;
        out.rel_uncertainty[v] = r.rel_uncertainty[pv];
      }
  return out;
}

}  // namespace bd
