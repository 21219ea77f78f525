// Micro-scale dose of the microsphere study: conservation in a periodic box, Campbell's theorem,
// the lattice against a direct lattice sum, and kernel superposition against direct Monte Carlo
// from the same spheres.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>

#include "betadose/errors.hh"
#include "betadose/microsphere_study.hh"

namespace fs = std::filesystem;

namespace {

constexpr double kJoulePerMeV = 1.602176634e-13;

// One DPK per test binary (2e4 histories: ~1 % per 25 µm shell near the source; the kernel's
// own noise is common to both sides of every comparison below except the direct MC one).
std::string cache_dir() {
  static const std::string dir = [] {
    const auto d = fs::temp_directory_path() / ("betadose_spheres_test_" + std::to_string(::getpid()));
    fs::create_directories(d);
    return d.string();
  }();
  return dir;
}

bd::SpheresStudySpec box_spec(double box_mm, double voxel_mm, const std::vector<std::string>& products) {
  bd::SpheresStudySpec s;
  for (const auto& p : products) s.products.push_back(bd::load_microsphere_product(p));
  s.box_mm = box_mm;
  s.voxel_mm = voxel_mm;
  s.mean_dose_gy = 120;
  s.kernel.histories = 20000;
  s.kernel.material = "liver";
  s.kernel_cache_dir = cache_dir();
  s.dvh_bins = 200;
  return s;
}

// Student t quantile, two-sided 99.9 %, for small dof (table values).
double t999(int dof) {
  static const double t[] = {0, 636.6, 31.6, 12.9, 8.61, 6.87, 6.21, 5.41, 5.04, 4.78, 4.59,
                             4.44, 4.32, 4.22, 4.14, 4.07, 4.01, 3.97, 3.92, 3.88, 3.85};
  return dof <= 20 ? t[dof] : 3.6;
}

// Student t quantile, two-sided 99 %, for small dof (table values).
double t99(int dof) {
  static const double t[] = {0, 63.66, 9.925, 5.841, 4.604, 4.032, 3.707, 3.499, 3.355, 3.250, 3.169};
  return dof <= 10 ? t[dof] : 2.9;
}

}  // namespace

TEST(MicrosphereStudy, PeriodicBoxConservesEnergyAndMeanDose) {
  auto spec = box_spec(4.0, 0.1, {"glass", "resin"});
  spec.realisations = 2;
  spec.keep_first_dose = true;
  const auto res = bd::run_spheres_study(spec);
  ASSERT_EQ(res.products.size(), 2u);
  const auto& k = res.kernels.at(0);
  const double mass_kg = res.region_mass_g * 1e-3;
  for (const auto& p : res.products) {
    for (std::size_t r = 0; r < p.metrics.size(); ++r) {
      const double decays = p.sphere_count[r] * p.activity_used_bq[r] * k.tau_s;
      const double deposited = decays * k.total_MeV();
      // Nothing leaves a periodic box: tissue + spheres = decays × kernel energy (FFT round-off).
      EXPECT_NEAR(p.energy_tissue_MeV[r] + p.energy_spheres_MeV[r], deposited, 1e-9 * deposited) << p.product.name;
      // The mean tissue dose is the tissue's energy over the tissue mass; the spheres displace
      // less than 1e-3 of the mass here (and raise only their own voxels' dose).
      const double tissue_gy = p.energy_tissue_MeV[r] * kJoulePerMeV / mass_kg;
      EXPECT_NEAR(p.metrics[r].mean_gy, tissue_gy, 1e-3 * tissue_gy) << p.product.name;
      // What the spheres absorb is φ of the deposited energy.
      EXPECT_NEAR(p.energy_spheres_MeV[r], p.self_absorbed_fraction * deposited, 1e-9 * deposited);
      // The prescription: N is the stochastically rounded expectation, so the deposited energy
      // is 120 Gy × mass within one sphere's share.
      const double expected_gy = deposited * kJoulePerMeV / mass_kg;
      EXPECT_NEAR(expected_gy, 120.0, 120.0 / p.expected_spheres + 1e-9) << p.product.name;
    }
    EXPECT_GT(p.self_absorbed_fraction, 0.0);
    EXPECT_LT(p.self_absorbed_fraction, 0.05);
  }
  // Glass has ~50 times fewer spheres than resin at equal dose.
  EXPECT_NEAR(res.products[1].expected_spheres / res.products[0].expected_spheres, 2500.0 / 50.0, 1e-9 * 50);
}

TEST(MicrosphereStudy, CampbellTheoremGivesTheCvRatio) {
  // Binomial (fixed-count) spreading of N spheres of activity a over M voxels with one kernel K:
  // E[spatial variance] = a² N (S2/M − S1²/M²) with S1 = ΣK, S2 = ΣK², so
  // E[CV²] = (M S2/S1² − 1)/N (Campbell's theorem for the fixed-count process); at equal mean
  // dose N ∝ 1/a and CV_glass/CV_resin = sqrt(a_glass/a_resin).
  auto spec = box_spec(4.0, 0.1, {"glass", "resin"});
  spec.realisations = 30;
  spec.self_dose = false;  // superposition of one kernel only
  const auto res = bd::run_spheres_study(spec);
  const auto& k = res.kernels.at(0);
  const auto K = bd::voxel_kernel_on_grid(k.r_inner_mm, k.r_outer_mm, k.energy_MeV, res.grid);
  const double M = static_cast<double>(K.size());
  double S1 = 0, S2 = 0;
  for (double x : K) {
    S1 += x;
    S2 += x * x;
  }
  const double campbell = M * S2 / (S1 * S1) - 1.0;
  std::vector<double> cv2_mean, cv2_se, n_mean;
  for (const auto& p : res.products) {
    std::vector<double> cv2n, cv2, n;
    for (std::size_t r = 0; r < p.metrics.size(); ++r) {
      cv2.push_back(p.metrics[r].cv * p.metrics[r].cv);
      n.push_back(static_cast<double>(p.sphere_count[r]));
      cv2n.push_back(cv2.back() * n.back());
    }
    const auto [m, sd] = bd::mean_and_sd(cv2n);
    const double se = sd / std::sqrt(cv2n.size());
    std::printf("[ info     ] %s: N·CV² = %.4g ± %.2g, Campbell %.4g\n", p.product.name.c_str(), m, se, campbell);
    EXPECT_NEAR(m, campbell, t999(static_cast<int>(cv2n.size()) - 1) * se) << p.product.name;
    const auto [c2, c2sd] = bd::mean_and_sd(cv2);
    cv2_mean.push_back(c2);
    cv2_se.push_back(c2sd / std::sqrt(cv2.size()));
    n_mean.push_back(bd::mean_and_sd(n).first);
  }
  // CV ratio from the (unbiased) mean CV² of each product; delta-method standard error. The
  // counts are the rounded N ∝ 1/a, so sqrt(a_g/a_r) holds to 1/(2 N_glass) besides.
  const double ratio = std::sqrt(cv2_mean[0] / cv2_mean[1]);
  const double se = 0.5 * ratio * std::hypot(cv2_se[0] / cv2_mean[0], cv2_se[1] / cv2_mean[1]);
  const double expected = std::sqrt(2500.0 / 50.0);
  std::printf("[ info     ] CV glass/resin = %.4f ± %.3f, sqrt(a_g/a_r) = %.4f\n", ratio, se, expected);
  EXPECT_NEAR(ratio, expected, t999(29) * se + expected * 0.5 / n_mean[0]);
}

TEST(MicrosphereStudy, LatticeMatchesADirectLatticeSum) {
  // Periodic lattice of glass spheres: the FFT dose at voxels away from the spheres against the
  // lattice sum of the radial point kernel over the periodic images (real space, no FFT, no
  // voxel quadrature), sources at the centres of the voxels holding the spheres (the kernel
  // path spreads a sphere over its voxel).
  auto spec = box_spec(4.0, 0.1, {"glass"});
  spec.deposition.model = bd::DepositionModel::lattice;
  spec.realisations = 1;
  spec.self_dose = false;
  spec.keep_first_dose = true;
  spec.keep_first_spheres = true;
  const auto res = bd::run_spheres_study(spec);
  const auto& p = res.products.at(0);
  const auto& k = res.kernels.at(0);
  const bd::Grid& g = res.grid;
  const double h = g.spacing_mm[0], L = g.size[0] * h;
  // Radial energy density: constant dE/dr in each shell.
  const double w = k.r_outer_mm[0] - k.r_inner_mm[0];  // equal shells
  auto density = [&](double r) {
    const std::size_t s = static_cast<std::size_t>(r / w);
    return s < k.energy_MeV.size() ? k.energy_MeV[s] / w / (4 * M_PI * r * r) : 0.0;
  };
  std::vector<bd::Vec3> src;
  for (const auto& s : p.first_spheres) {
    const auto idx = g.physical_to_index(s.position_mm);
    src.push_back(g.index_to_physical({std::round(idx[0]), std::round(idx[1]), std::round(idx[2])}));
  }
  const double a = p.first_spheres.at(0).activity_bq;
  const double gy_per_mev_mm3 = kJoulePerMeV / (res.tissue_density_g_cm3 * 1e-6);
  int checked = 0;
  double worst = 0;
  for (std::size_t v = 0; v < g.voxel_count(); v += 37) {
    const bd::Vec3 x = g.index_to_physical({double(v % g.size[0]), double((v / g.size[0]) % g.size[1]),
                                            double(v / (g.size[0] * g.size[1]))});
    double dmin = 1e9, sum = 0;
    for (const auto& c : src)
      for (int i = -3; i <= 3; ++i)
        for (int j = -3; j <= 3; ++j)
          for (int l = -3; l <= 3; ++l) {
            const double dx = x[0] - c[0] - i * L, dy = x[1] - c[1] - j * L, dz = x[2] - c[2] - l * L;
            const double r = std::sqrt(dx * dx + dy * dy + dz * dz);
            dmin = std::min(dmin, r);
            if (r > 1e-9) sum += density(r);
          }
    if (dmin < 3 * h) continue;
    const double ref = sum * a * k.tau_s * gy_per_mev_mm3;
    const double rel = p.first_dose_gy[v] / ref - 1.0;
    worst = std::max(worst, std::abs(rel));
    // Voxel averaging of 1/r² at >= 3 voxels: (h²/24)·∇²(1/r²)/(1/r²) = h²/(12 r²) < 1 %.
    EXPECT_NEAR(rel, 0.0, 0.015) << "voxel " << v << " at " << dmin << " mm from the nearest sphere";
    ++checked;
  }
  std::printf("[ info     ] lattice: %d voxels, worst |FFT/lattice sum - 1| = %.4f\n", checked, worst);
  EXPECT_GT(checked, 500);
}

TEST(MicrosphereStudy, KernelSuperpositionAgreesWithDirectMonteCarlo) {
  // A 4 mm cube of liver holding glass spheres (poisson, 120 Gy) inside 11.6 mm of tissue on
  // every side, 200 µm voxels. Production path (FFT with the voxel kernel) against direct Monte
  // Carlo of the same spheres on the same grid, with decays uniform in each sphere's voxel (the
  // kernel's source model; the sub-voxel positions are a separate approximation, reported by
  // the validation study): mean, D90 and D10 over the cube.
  //
  // Monte Carlo uncertainty: K independent runs. Voxel noise (~7 % per run here) widens a DVH
  // and biases D_x by b ∝ σ² ∝ 1/histories; the pooled map of the K runs has bias b/K, so
  // D_0 = (K·D_pooled − mean D_single)/(K − 1) removes it (Richardson extrapolation in 1/n).
  // Its standard error: sd(D_single)/sqrt(K) for the pooled value (noise down by sqrt(K)),
  // with the extrapolation term, and Student t for K − 1 dof.
  const double h = 0.2;
  const std::size_t roi = 20, pad = 58, n = roi + 2 * pad;
  bd::RoiRegion rr;
  rr.region.grid.size = {n, n, n};
  rr.region.grid.spacing_mm = {h, h, h};
  rr.region.block = {roi, roi, roi};
  rr.region.macro_offset = {pad, pad, pad};
  rr.region.macro_size = {1, 1, 1};
  rr.region.periodic = false;
  rr.activity_bq = {1.0};  // rescaled to the mean dose
  rr.mask.assign(rr.region.grid.voxel_count(), 0);
  for (std::size_t k = pad; k < pad + roi; ++k)
    for (std::size_t j = pad; j < pad + roi; ++j)
      for (std::size_t i = pad; i < pad + roi; ++i) rr.mask[rr.region.grid.linear_index(i, j, k)] = 1;
  rr.tissue_material = "liver";
  rr.tissue_density_g_cm3 = 1.06;
  auto spec = box_spec(4.0, h, {"glass"});
  spec.roi = &rr;
  spec.realisations = 1;
  spec.self_dose = false;
  spec.keep_first_spheres = true;
  const auto res = bd::run_spheres_study(spec);
  const auto& p = res.products.at(0);
  const auto& km = p.metrics.at(0);
  ASSERT_GT(p.first_spheres.size(), 20u);
  const int K = 5;
  std::vector<std::vector<double>> maps;
  for (int s = 0; s < K; ++s) {
    bd::DirectMcSpec mc;
    mc.material = "liver";
    mc.density_g_cm3 = 1.06;
    mc.periodic = false;
    mc.uniform_in_voxel = true;
    mc.transport.histories = 200000;
    mc.transport.seed = 100 + s;
    maps.push_back(bd::direct_mc_energy(res.grid, p.first_spheres, mc).energy_MeV);
  }
  bd::SelfDoseCorrection off;
  off.enabled = false;
  auto metrics_of = [&](const std::vector<int>& runs) {
    std::vector<double> e(maps[0].size(), 0.0);
    for (int s : runs)
      for (std::size_t v = 0; v < e.size(); ++v) e[v] += maps[s][v] / runs.size();
    const auto td = bd::tissue_dose_from_energy(res.grid, 1.06, {}, e, off, 0, 0);
    const auto m = bd::micro_dose_metrics(td.dose_gy, rr.mask, {}, 0);
    return std::vector<double>{m.mean_gy, m.d(90), m.d(10)};
  };
  std::vector<int> all(K);
  std::iota(all.begin(), all.end(), 0);
  const auto pooled = metrics_of(all);
  std::vector<std::vector<double>> single;
  for (int s = 0; s < K; ++s) single.push_back(metrics_of({s}));
  const char* names[3] = {"mean", "D90", "D10"};
  const double kernel[3] = {km.mean_gy, km.d(90), km.d(10)};
  for (int q = 0; q < 3; ++q) {
    std::vector<double> d1;
    for (const auto& m : single) d1.push_back(m[q]);
    const auto [m1, sd1] = bd::mean_and_sd(d1);
    const double d0 = (K * pooled[q] - m1) / (K - 1);
    const double se = sd1 / std::sqrt(double(K)) * std::sqrt(1.0 + 1.0 / ((K - 1.0) * (K - 1.0)));
    std::printf("[ info     ] %s: kernel %.3f Gy, direct MC %.3f ± %.3f Gy (pooled %.3f, single runs %.3f; %+.2f %%)\n",
                names[q], kernel[q], d0, se, pooled[q], m1, 100 * (kernel[q] / d0 - 1));
    // t(99 %, 4 dof) × SE, plus 0.5 % for the kernel's own DPK statistics (2e4 histories;
    // common to every voxel, so it does not average out).
    EXPECT_NEAR(kernel[q], d0, t99(K - 1) * se + 0.005 * d0) << names[q];
  }
}
