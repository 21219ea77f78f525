// Deposition models: conservation in expectation, the multinomial spreading, the arterial
// tree's leaf statistics, cluster sizes, the lattice, determinism.
#include <gtest/gtest.h>

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <vector>

#include "betadose/errors.hh"
#include "betadose/microsphere_deposition.hh"
#include "betadose/microsphere_products.hh"

namespace {

bd::MicrosphereProduct one_size(double activity_bq = 100, double d_um = 25) {
  bd::MicrosphereProduct p;
  p.name = "test";
  p.activity_bq = activity_bq;
  p.diameter_um = p.diameter_min_um = p.diameter_max_um = d_um;
  p.density_g_cm3 = 1.6;
  return p;
}

// Upper tail bound of chi-square with k dof: k + z sqrt(2k) + (2/3)(z^2 - 1) (Wilson-Hilferty
// order), z = 4 (one in 30 000).
double chi2_bound(double k) { return k + 4.0 * std::sqrt(2.0 * k) + 10.0; }

}  // namespace

TEST(MicrosphereDeposition, PoissonBoxConservesTheCountAndSpreadsUniformly) {
  const auto region = bd::uniform_box_region(2.0, 0.1, 1234.4);  // 20^3 voxels
  std::vector<double> octant(8, 0.0);
  double sum = 0;
  const int R = 40;
  for (int r = 0; r < R; ++r) {
    bd::DepositionSpec spec;
    spec.model = bd::DepositionModel::poisson;
    spec.realisation = r;
    const auto d = bd::deposit_microspheres(region, one_size(), 100, spec);
    // Stochastic rounding: floor or ceil of the expected count, every time.
    EXPECT_TRUE(d.sphere_count == 1234 || d.sphere_count == 1235) << d.sphere_count;
    sum += d.sphere_count;
    EXPECT_NEAR(d.total_activity_bq, 100.0 * d.sphere_count, 1e-9);
    for (const auto& o : d.occupied) {
      const std::size_t i = o.voxel % 20, j = (o.voxel / 20) % 20, k = o.voxel / 400;
      octant[(i >= 10) + 2 * (j >= 10) + 4 * (k >= 10)] += o.count;
    }
  }
  // E[N] = μ: the mean of R roundings has sd <= 0.5/sqrt(R).
  EXPECT_NEAR(sum / R, 1234.4, 4 * 0.5 / std::sqrt(R));
  // Multinomial over the octants (equal volumes): chi-square with 7 dof.
  double chi2 = 0;
  const double e = sum / 8;
  for (double o : octant) chi2 += (o - e) * (o - e) / e;
  EXPECT_LT(chi2, chi2_bound(7)) << chi2;
}

TEST(MicrosphereDeposition, PoissonMapKeepsEachMacroVoxelInExpectation) {
  bd::DepositionRegion region;
  region.grid.size = {12, 8, 4};
  region.grid.spacing_mm = {0.25, 0.25, 0.25};
  region.block = {4, 4, 4};
  region.macro_size = {3, 2, 1};
  region.expected_spheres = {0.3, 5.7, 0.0, 12.5, 2.2, 40.05};
  region.periodic = false;
  const int R = 200;
  std::vector<double> mean(6, 0.0);
  for (int r = 0; r < R; ++r) {
    bd::DepositionSpec spec;
    spec.realisation = r;
    const auto d = bd::deposit_microspheres(region, one_size(), 100, spec);
    std::vector<double> per(6, 0.0);
    for (const auto& o : d.occupied) {
      const std::size_t i = o.voxel % 12, j = (o.voxel / 12) % 8;
      per[i / 4 + 3 * (j / 4)] += o.count;
    }
    for (int m = 0; m < 6; ++m) {
      const double mu = region.expected_spheres[m];
      EXPECT_TRUE(per[m] == std::floor(mu) || per[m] == std::ceil(mu)) << m << ": " << per[m];
      mean[m] += per[m] / R;
    }
  }
  for (int m = 0; m < 6; ++m) EXPECT_NEAR(mean[m], region.expected_spheres[m], 4 * 0.5 / std::sqrt(R)) << m;
}

TEST(MicrosphereDeposition, TreeLeafSharesHaveTheBinomialCascadeVariance) {
  // Over the 2^D leaves the shares are p^k (1-p)^(D-k) with multiplicity C(D, k) whatever the
  // sides drawn: CV^2 = (2(p^2 + (1-p)^2))^D - 1 exactly, and the shares sum to 1.
  for (double p : {0.5, 0.6, 0.75}) {
    for (int depth : {1, 6, 12}) {
      const auto s = bd::tree_leaf_shares(depth, p, 7);
      ASSERT_EQ(s.size(), std::size_t{1} << depth);
      const double L = static_cast<double>(s.size());
      double sum = 0, sum2 = 0;
      for (double x : s) {
        sum += x;
        sum2 += x * x;
      }
      EXPECT_NEAR(sum, 1.0, 1e-12);
      const double cv2 = L * sum2 - 1.0;  // mean share 1/L
      const double expected = std::pow(2 * (p * p + (1 - p) * (1 - p)), depth) - 1.0;
      EXPECT_NEAR(cv2, expected, 1e-9 * (1 + expected)) << "p " << p << " depth " << depth;
    }
  }
}

TEST(MicrosphereDeposition, TreeDepositionFollowsItsLeafShares) {
  // 16^3 voxels, lobule = one voxel: depth 12, each voxel a leaf. The counts per leaf are
  // multinomial with the shares of tree_leaf_shares (same seed and rule): chi-square, and the
  // counts' CV^2 = CV_s^2 (1 - 1/N) + (L - 1)/N in expectation.
  auto region = bd::uniform_box_region(1.6, 0.1, 200000.0);
  bd::DepositionSpec spec;
  spec.model = bd::DepositionModel::tree;
  spec.tree.split_probability = 0.6;
  spec.tree.lobule_volume_mm3 = 0.001;
  spec.seed = 11;
  const auto d = bd::deposit_microspheres(region, one_size(), 100, spec);
  ASSERT_EQ(d.lobule_depth, 12);
  ASSERT_EQ(d.lobule_count, 4096u);
  const auto share = bd::tree_leaf_shares(12, 0.6, 11);
  std::vector<double> count(4096, 0.0);
  for (const auto& o : d.occupied) {
    ASSERT_GT(d.lobule[o.voxel], 0u);
    count[d.lobule[o.voxel] - 1] += o.count;
  }
  const double N = static_cast<double>(d.sphere_count);
  double chi2 = 0;
  int dof = -1;
  double pooled_o = 0, pooled_e = 0;
  for (int l = 0; l < 4096; ++l) {
    const double e = N * share[l];
    if (e < 5) {  // pool small expectations
      pooled_o += count[l];
      pooled_e += e;
      continue;
    }
    chi2 += (count[l] - e) * (count[l] - e) / e;
    ++dof;
  }
  if (pooled_e > 0) {
    chi2 += (pooled_o - pooled_e) * (pooled_o - pooled_e) / pooled_e;
    ++dof;
  }
  EXPECT_LT(chi2, chi2_bound(dof)) << chi2 << " for " << dof << " dof";
  // Every voxel is labelled by its leaf (lobule = voxel here).
  std::map<std::uint32_t, int> seen;
  for (auto l : d.lobule) seen[l]++;
  EXPECT_EQ(seen.size(), 4096u);
}

TEST(MicrosphereDeposition, ClusterSizesAndTotals) {
  bd::ClusterParams c;
  const auto pmf = bd::cluster_size_pmf(c);
  double mean = 0, single = pmf[0];
  for (std::size_t s = 0; s < pmf.size(); ++s) mean += (s + 1) * pmf[s];
  EXPECT_NEAR(mean, 4.07, 0.02);          // header comment: E[S] = 4.1 for α = 2, S_max = 453
  EXPECT_NEAR(single / mean, 0.15, 0.01);  // 15 % of the spheres single
  auto region = bd::uniform_box_region(2.0, 0.1, 4000.0);
  const int R = 30;
  double total = 0, total2 = 0;
  for (int r = 0; r < R; ++r) {
    bd::DepositionSpec spec;
    spec.model = bd::DepositionModel::cluster;
    spec.realisation = r;
    spec.keep_spheres = r == 0;
    const auto d = bd::deposit_microspheres(region, one_size(), 100, spec);
    total += d.sphere_count;
    total2 += double(d.sphere_count) * d.sphere_count;
    if (r == 0) {
      ASSERT_EQ(d.spheres.size(), d.sphere_count);
      // Spheres of one cluster lie within its packing ball (periodic distance).
      std::map<std::uint32_t, std::vector<bd::Vec3>> by_cluster;
      for (const auto& s : d.spheres) by_cluster[s.cluster].push_back(s.position_mm);
      for (const auto& [id, pts] : by_cluster) {
        const double radius = 0.5e-3 * 25 * std::cbrt(pts.size() / 0.64);
        for (const auto& p : pts)
          for (int a = 0; a < 3; ++a) {
            double dx = std::abs(p[a] - pts[0][a]);
            dx = std::min(dx, 2.0 - dx);
            EXPECT_LE(dx, 2 * radius + 1e-9) << "cluster " << id;
          }
      }
    }
  }
  // E[total] = μ; the total's sd from the cluster-size variance (compound of the rounded
  // centre count and iid sizes): sd ≈ sqrt(μ/E[S] · Var S).
  double var_s = 0;
  for (std::size_t s = 0; s < pmf.size(); ++s) var_s += (s + 1 - mean) * (s + 1 - mean) * pmf[s];
  const double sd_total = std::sqrt(4000.0 / mean * var_s);
  EXPECT_NEAR(total / R, 4000.0, 4 * sd_total / std::sqrt(R));
}

TEST(MicrosphereDeposition, LatticeKeepsTheTotalActivity) {
  auto region = bd::uniform_box_region(4.0, 0.1, 1000.0);  // 1000 spheres in 64 mm3: spacing 0.4 mm
  bd::DepositionSpec spec;
  spec.model = bd::DepositionModel::lattice;
  spec.keep_spheres = true;
  const auto d = bd::deposit_microspheres(region, one_size(), 100, spec);
  EXPECT_EQ(d.sphere_count, 1000u);  // 10^3 points exactly
  EXPECT_NEAR(d.total_activity_bq, 1000.0 * 100, 1e-6);
  // Neighbouring points 0.4 mm apart along x.
  std::vector<double> xs;
  for (const auto& s : d.spheres) xs.push_back(s.position_mm[0]);
  std::sort(xs.begin(), xs.end());
  xs.erase(std::unique(xs.begin(), xs.end(), [](double a, double b) { return std::abs(a - b) < 1e-9; }), xs.end());
  ASSERT_EQ(xs.size(), 10u);
  for (std::size_t i = 1; i < xs.size(); ++i) EXPECT_NEAR(xs[i] - xs[i - 1], 0.4, 1e-9);
}

TEST(MicrosphereDeposition, SizeSpreadKeepsTheMeanActivity) {
  auto glass = bd::load_microsphere_product("resin");
  auto region = bd::uniform_box_region(2.0, 0.1, 50000.0);
  bd::DepositionSpec spec;
  spec.size_spread = true;
  spec.keep_spheres = true;
  const auto d = bd::deposit_microspheres(region, glass, 50, spec);
  ASSERT_EQ(d.spheres.size(), d.sphere_count);
  double sum = 0, sum2 = 0;
  for (const auto& s : d.spheres) {
    EXPECT_GE(s.diameter_um, 20);
    EXPECT_LE(s.diameter_um, 60);
    // Surface scaling: a ∝ d².
    EXPECT_NEAR(s.activity_bq / (s.diameter_um * s.diameter_um), d.spheres[0].activity_bq /
                                                                      (d.spheres[0].diameter_um * d.spheres[0].diameter_um),
                1e-9);
    sum += s.activity_bq;
    sum2 += s.activity_bq * s.activity_bq;
  }
  const double n = static_cast<double>(d.spheres.size());
  const double mean = sum / n, sd = std::sqrt(sum2 / n - mean * mean);
  EXPECT_NEAR(mean, 50.0, 4 * sd / std::sqrt(n));
  EXPECT_GT(sd, 5.0);  // the spread is there
}

TEST(MicrosphereDeposition, SameSeedSameSpheresWhateverTheThreads) {
  auto region = bd::uniform_box_region(2.0, 0.1, 30000.0);
  for (auto model : {bd::DepositionModel::poisson, bd::DepositionModel::tree, bd::DepositionModel::cluster}) {
    bd::DepositionSpec spec;
    spec.model = model;
    spec.tree.lobule_volume_mm3 = 0.05;
    const int before = omp_get_max_threads();
    omp_set_num_threads(1);
    const auto a = bd::deposit_microspheres(region, one_size(), 100, spec);
    omp_set_num_threads(2);
    const auto b = bd::deposit_microspheres(region, one_size(), 100, spec);
    omp_set_num_threads(before);
    ASSERT_EQ(a.occupied.size(), b.occupied.size()) << bd::to_string(model);
    for (std::size_t i = 0; i < a.occupied.size(); ++i) {
      EXPECT_EQ(a.occupied[i].voxel, b.occupied[i].voxel);
      EXPECT_EQ(a.occupied[i].count, b.occupied[i].count);
      EXPECT_EQ(a.occupied[i].activity_bq, b.occupied[i].activity_bq);
    }
    // A different realisation differs.
    spec.realisation = 1;
    const auto c = bd::deposit_microspheres(region, one_size(), 100, spec);
    bool differ = c.occupied.size() != a.occupied.size();
    for (std::size_t i = 0; !differ && i < a.occupied.size(); ++i) differ = a.occupied[i].voxel != c.occupied[i].voxel;
    EXPECT_TRUE(differ) << bd::to_string(model);
  }
}

TEST(MicrosphereDeposition, BadInputsNameTheOption) {
  EXPECT_THROW(bd::parse_deposition_model("grid"), bd::InputError);
  try {
    bd::uniform_box_region(2.05, 0.1, 10);
    ADD_FAILURE();
  } catch (const bd::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--box-mm"), std::string::npos) << e.what();
  }
  auto region = bd::uniform_box_region(1.0, 0.1, 10);
  bd::DepositionSpec spec;
  spec.model = bd::DepositionModel::tree;
  spec.tree.split_probability = 1.5;
  try {
    bd::deposit_microspheres(region, one_size(), 100, spec);
    ADD_FAILURE();
  } catch (const bd::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--tree-p"), std::string::npos) << e.what();
  }
}
