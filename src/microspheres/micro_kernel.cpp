// Micro-scale voxel kernel from a dose point kernel (include/betadose/microsphere_kernel.hh).
#include "betadose/microsphere_kernel.hh"

#include <algorithm>
#include <cmath>
#include <random>

#include "betadose/electron_tables.hh"
#include "betadose/errors.hh"
#include "betadose/materials.hh"
#include "betadose/nuclide.hh"
#include "betadose/quadrature.hh"

namespace bd {
namespace {

constexpr double kPi = 3.14159265358979323846;

void check_shells(const std::vector<double>& ri, const std::vector<double>& ro, const std::vector<double>& e) {
  BD_VALIDATE(!ri.empty() && ri.size() == ro.size() && ri.size() == e.size(),
              "micro kernel: " << ri.size() << "/" << ro.size() << "/" << e.size() << " shell radii/energies");
  for (std::size_t s = 0; s < ri.size(); ++s) {
    BD_VALIDATE(ro[s] > ri[s] && ri[s] >= 0 && std::isfinite(e[s]) && e[s] >= 0,
                "micro kernel: shell " << s << " [" << ri[s] << ", " << ro[s] << "] mm, energy " << e[s]);
  }
}

}  // namespace

double micro_kernel_shell_mm(double voxel_mm) {
  BD_VALIDATE(voxel_mm > 0, "micro kernel: voxel " << voxel_mm << " mm");
  // 0.025 mm / k for the smallest k with 0.025/k <= voxel/4.
  const double k = std::max(1.0, std::ceil(0.025 / (0.25 * voxel_mm) - 1e-9));
  return 0.025 / k;
}

double micro_kernel_rmax_mm(const std::string& nuclide, const std::string& material_name, double density) {
  const Nuclide nu = load_nuclide(nuclide);
  const Material m = find_material(load_materials(), material_name);
  const double rho = density > 0 ? density : m.density_g_cm3;
  const ElectronTables t = build_electron_tables(m);
  const double range_mm = t.interpolate(t.csda_range_g_cm2, nu.endpoint_MeV) / rho * 10.0;
  return 0.5 * std::ceil(2.0 * 1.05 * range_mm);
}

std::vector<double> voxel_kernel_on_grid(const std::vector<double>& r_inner_mm, const std::vector<double>& r_outer_mm,
                                         const std::vector<double>& energy_MeV, const Grid& grid) {
  check_shells(r_inner_mm, r_outer_mm, energy_MeV);
  validate_grid(grid, "micro kernel grid");
  const Vec3 h = grid.spacing_mm;
  const double hmin = std::min({h[0], h[1], h[2]});
  const double reach = r_outer_mm.back();
  std::array<std::size_t, 3> H{};
  for (int a = 0; a < 3; ++a) H[a] = static_cast<std::size_t>(std::ceil(reach / h[a])) + 2;
  const std::size_t nx = H[0] + 1, ny = H[1] + 1, nz = H[2] + 1;
  BD_VALIDATE(nx * ny * nz <= std::size_t{150000000},
              "micro kernel: a reach of " << reach << " mm over " << hmin * 1e3
                                          << " µm voxels needs more than 1.5e8 kernel entries; use larger voxels");
  // Octant accumulator A(a,b,c) = Σ over the reflections of (a,b,c) of E.
  std::vector<double> A(nx * ny * nz, 0.0);
  auto at = [&](std::size_t a, std::size_t b, std::size_t c) -> double& { return A[a + nx * (b + ny * c)]; };
  std::mt19937_64 rng(20240613);  // fixed: the kernel is a deterministic function of its inputs
  std::normal_distribution<double> normal;
  for (std::size_t s = 0; s < energy_MeV.size(); ++s) {
    const double e_shell = energy_MeV[s];
    if (e_shell <= 0) continue;
    const double r0 = r_inner_mm[s], r1 = r_outer_mm[s];
    // Sub-radius spacing: the overlap average ⟨Λ(rΩ − o)⟩ bends most where r < 2h (the voxels
    // next to the decay), so the radii are 32 per voxel there and 4 per voxel beyond.
    const double step = (r0 < 2 * hmin ? 1.0 / 32 : 0.25) * hmin;
    const int n_r = std::max(1, static_cast<int>(std::ceil((r1 - r0) / step - 1e-9)));
    for (int m = 0; m < n_r; ++m) {
      // Inside a shell the energy per unit radius is taken as constant (the cumulative energy
      // linear in r, as in sphere_self_absorbed_fraction): near a point source dE/dr is
      // nearly flat, while the energy *density* falls as 1/r².
      const double r = r0 + (m + 0.5) / n_r * (r1 - r0);
      const int n_dir = std::max(64, static_cast<int>(std::ceil(4.0 * kPi * r * r / (hmin * hmin))));
      const double w = e_shell / (static_cast<double>(n_r) * n_dir);
      rotated_fibonacci_directions(n_dir, [&] { return normal(rng); }, [&](double dx, double dy, double dz) {
        const double dir[3] = {dx, dy, dz};
        std::size_t i0[3];
        double f[3];
        for (int ax = 0; ax < 3; ++ax) {
          // Offset in voxel units, folded into the positive octant.
          const double x = std::abs(r * dir[ax] / h[ax]);
          const double fl = std::floor(x);
          i0[ax] = static_cast<std::size_t>(fl);
          f[ax] = x - fl;
        }
        for (int cz = 0; cz < 2; ++cz)
          for (int cy = 0; cy < 2; ++cy)
            for (int cx = 0; cx < 2; ++cx) {
              const double wt = (cx ? f[0] : 1 - f[0]) * (cy ? f[1] : 1 - f[1]) * (cz ? f[2] : 1 - f[2]);
              at(i0[0] + cx, i0[1] + cy, i0[2] + cz) += w * wt;
            }
      });
    }
  }
  // Cubic voxels: the kernel is also symmetric under axis permutations; average each orbit.
  const bool cubic = std::abs(h[0] - h[1]) <= 1e-9 * h[0] && std::abs(h[0] - h[2]) <= 1e-9 * h[0];
  if (cubic) {
    const std::size_t n = nx;  // nx == ny == nz for cubic voxels
    for (std::size_t c = 0; c < n; ++c)
      for (std::size_t b = c; b < n; ++b)
        for (std::size_t a = b; a < n; ++a) {
          const std::size_t p[6][3] = {{a, b, c}, {a, c, b}, {b, a, c}, {b, c, a}, {c, a, b}, {c, b, a}};
          double sum = 0;
          int distinct = 0;
          for (int k = 0; k < 6; ++k) {
            bool dup = false;
            for (int j = 0; j < k; ++j)
              dup = dup || (p[j][0] == p[k][0] && p[j][1] == p[k][1] && p[j][2] == p[k][2]);
            if (dup) continue;
            sum += at(p[k][0], p[k][1], p[k][2]);
            ++distinct;
          }
          for (int k = 0; k < 6; ++k) at(p[k][0], p[k][1], p[k][2]) = sum / distinct;
        }
  }
  // Unfold onto the grid: E(o) = A(|o|) / 2^(non-zero components), o wrapped cyclically.
  const std::size_t gx = grid.size[0], gy = grid.size[1], gz = grid.size[2];
  std::vector<double> K(grid.voxel_count(), 0.0);
  const auto sH = [&](int a) { return static_cast<long long>(H[a]); };
  for (long long k = -sH(2); k <= sH(2); ++k) {
    const std::size_t ak = static_cast<std::size_t>(std::llabs(k));
    const std::size_t wk = static_cast<std::size_t>(((k % (long long)gz) + (long long)gz) % (long long)gz);
    for (long long j = -sH(1); j <= sH(1); ++j) {
      const std::size_t aj = static_cast<std::size_t>(std::llabs(j));
      const std::size_t wj = static_cast<std::size_t>(((j % (long long)gy) + (long long)gy) % (long long)gy);
      for (long long i = -sH(0); i <= sH(0); ++i) {
        const std::size_t ai = static_cast<std::size_t>(std::llabs(i));
        const double v = at(ai, aj, ak);
        if (v == 0) continue;
        const int nonzero = (ai != 0) + (aj != 0) + (ak != 0);
        const std::size_t wi = static_cast<std::size_t>(((i % (long long)gx) + (long long)gx) % (long long)gx);
        K[wi + gx * (wj + gy * wk)] += v / static_cast<double>(1 << nonzero);
      }
    }
  }
  return K;
}

double sphere_self_absorbed_fraction(const std::vector<double>& ri, const std::vector<double>& ro,
                                     const std::vector<double>& e, double tissue_density, double diameter_um,
                                     double sphere_density) {
  check_shells(ri, ro, e);
  BD_VALIDATE(tissue_density > 0 && sphere_density > 0 && diameter_um > 0,
              "self-absorption: densities and diameter must be > 0");
  double total = 0;
  for (double x : e) total += x;
  BD_VALIDATE(total > 0, "self-absorption: kernel without energy");
  // Sphere radius as tissue-equivalent distance (O'Connor scaling).
  const double R = 0.5e-3 * diameter_um * sphere_density / tissue_density;
  // ∫ψ(r/R) dr = r − 3r²/(8R) + r⁴/(64R³) on [0, 2R]; dF/dr constant inside each shell.
  auto Psi = [&](double r) {
    r = std::min(r, 2 * R);
    return r - 3 * r * r / (8 * R) + r * r * r * r / (64 * R * R * R);
  };
  double phi = 0;
  for (std::size_t s = 0; s < e.size() && ri[s] < 2 * R; ++s) {
    const double dens = e[s] / total / (ro[s] - ri[s]);
    phi += dens * (Psi(ro[s]) - Psi(ri[s]));
  }
  return phi;
}

}  // namespace bd
