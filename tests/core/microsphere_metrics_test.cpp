// Micro-dosimetric metrics: D_x by selection equals DoseDistribution's definition; fractions
// below thresholds, CV, lobule fractions and the cumulative micro-DVH.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "betadose/dose_metrics.hh"
#include "betadose/microsphere_metrics.hh"

TEST(MicrosphereMetrics, DxMatchesTheDoseDistributionDefinition) {
  std::mt19937_64 rng(3);
  std::lognormal_distribution<double> ln(4.0, 0.6);
  for (std::size_t n : {std::size_t{1}, std::size_t{2}, std::size_t{7}, std::size_t{1000}, std::size_t{12345}}) {
    std::vector<double> d(n);
    for (double& x : d) x = ln(rng);
    const bd::DoseDistribution ref(d, {});
    const std::vector<double> xs{0, 0.01, 2, 10, 49.99, 50, 70, 90, 98, 100};
    const auto got = bd::equal_weight_dose_covering(d, xs);
    for (std::size_t i = 0; i < xs.size(); ++i)
      EXPECT_NEAR(got[i], ref.dose_covering_percent(xs[i]), 1e-12 * ref.max_gy()) << "n " << n << " x " << xs[i];
  }
}

TEST(MicrosphereMetrics, FractionsCvLobulesAndDvh) {
  // 8 voxels: doses 10..80, two lobules of four, mask drops the last voxel.
  std::vector<double> d{10, 20, 30, 40, 50, 60, 70, 80};
  std::vector<std::uint8_t> mask{1, 1, 1, 1, 1, 1, 1, 0};
  std::vector<std::uint32_t> lob{1, 1, 1, 1, 2, 2, 2, 2};
  bd::MicroMetricsOptions o;
  o.below_gy = {30, 40, 70};
  const auto m = bd::micro_dose_metrics(d, mask, lob, 2, o);
  EXPECT_EQ(m.voxels, 7u);
  EXPECT_DOUBLE_EQ(m.mean_gy, 40.0);
  EXPECT_DOUBLE_EQ(m.min_gy, 10.0);
  EXPECT_DOUBLE_EQ(m.max_gy, 70.0);
  EXPECT_NEAR(m.cv, std::sqrt(400.0) / 40.0, 1e-12);  // population sd of 10..70 = 20
  EXPECT_DOUBLE_EQ(m.below(30), 2.0 / 7);              // strictly below
  EXPECT_DOUBLE_EQ(m.below(70), 6.0 / 7);
  EXPECT_EQ(m.lobules, 2u);
  EXPECT_DOUBLE_EQ(m.lobules_below_fraction, 0.5);  // lobule 1 mean 25 Gy, lobule 2 mean 60 Gy
  const auto dvh = bd::cumulative_volume_fraction(d, mask, 25.0, 4);  // >= 0, 25, 50, 75 Gy
  ASSERT_EQ(dvh.size(), 4u);
  EXPECT_DOUBLE_EQ(dvh[0], 1.0);
  EXPECT_DOUBLE_EQ(dvh[1], 5.0 / 7);
  EXPECT_DOUBLE_EQ(dvh[2], 3.0 / 7);
  EXPECT_DOUBLE_EQ(dvh[3], 0.0);
}
