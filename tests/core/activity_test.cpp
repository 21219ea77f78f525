// Activity map -> source: units, NaN/negative handling, normalisation, mask restriction and
// lung shunt, checked against hand-computed sums.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "betadose/activity.hh"
#include "betadose/errors.hh"
#include "support/error_message.hh"

namespace {

bd::Grid small_grid() {
  bd::Grid g;
  g.size = {{4, 3, 2}};
  g.spacing_mm = {{2, 2, 5}};  // 20 mm^3 = 0.02 ml per voxel
  return g;
}

TEST(Activity, UnitsParseAndBqPerMlTimesVoxelVolume) {
  EXPECT_EQ(bd::parse_activity_units("bq-per-ml"), bd::ActivityUnits::bq_per_ml);
  EXPECT_THROW(bd::parse_activity_units("mCi"), bd::InputError);
  bd::Volume<float> img(small_grid(), 1000.0f);  // 1000 Bq/ml
  bd::ActivityCleanReport rep;
  const auto c = bd::activity_to_extensive(img, bd::ActivityUnits::bq_per_ml, false, "a.nii", &rep);
  EXPECT_DOUBLE_EQ(c.data[5], 20.0);
  EXPECT_NEAR(rep.total, 24 * 20.0, 1e-9);
}

TEST(Activity, NanAndNegativeAreErrorsUnlessClamped) {
  bd::Volume<float> img(small_grid(), 5.0f);
  img.data[3] = -2.0f;
  img.data[7] = std::numeric_limits<float>::quiet_NaN();
  const auto m = bd::test::input_error_message([&] { bd::activity_to_extensive(img, bd::ActivityUnits::counts, false, "spect.nii"); });
  EXPECT_NE(m.find("spect.nii"), std::string::npos) << m;
  EXPECT_NE(m.find("1 NaN"), std::string::npos) << m;
  EXPECT_NE(m.find("1 negative"), std::string::npos) << m;
  EXPECT_NE(m.find("--clamp-negative"), std::string::npos) << m;
  bd::ActivityCleanReport rep;
  const auto c = bd::activity_to_extensive(img, bd::ActivityUnits::counts, true, "spect.nii", &rep);
  EXPECT_EQ(rep.negative_voxels, 1u);
  EXPECT_EQ(rep.nan_voxels, 1u);
  EXPECT_DOUBLE_EQ(rep.negative_sum, -2.0);
  EXPECT_DOUBLE_EQ(c.data[3], 0.0);
  EXPECT_DOUBLE_EQ(rep.total, 22 * 5.0);
}

TEST(Activity, CountsAreNormalisedToTheAdministeredActivity) {
  bd::Volume<double> c(small_grid(), 0.0);
  for (std::size_t n = 0; n < c.data.size(); ++n) c.data[n] = double(n);
  bd::SourceSpec spec;
  spec.activity_name = "spect.nii";
  spec.units = bd::ActivityUnits::counts;
  EXPECT_NE(bd::test::input_error_message([&] { bd::build_voxel_source(c, spec); }).find("--total-activity-gbq"), std::string::npos);
  spec.total_activity_bq = 2e9;
  bd::SourceReport rep;
  const auto src = bd::build_voxel_source(c, spec, &rep);
  EXPECT_NEAR(src.total_activity_bq(), 2e9, 1e-3);
  EXPECT_NEAR(src.activity_bq[10] / src.activity_bq[5], 2.0, 1e-12);
  EXPECT_EQ(rep.active_voxels, 23u);
}

TEST(Activity, RestrictionMaskAndZeroTotal) {
  bd::Volume<double> c(small_grid(), 1.0);
  bd::SourceSpec spec;
  spec.activity_name = "spect.nii";
  spec.units = bd::ActivityUnits::counts;
  spec.total_activity_bq = 1e9;
  spec.restrict_mask.assign(24, 0);
  spec.restrict_mask_name = "liver.nii";
  spec.restrict_mask[0] = spec.restrict_mask[1] = 1;
  bd::SourceReport rep;
  const auto src = bd::build_voxel_source(c, spec, &rep);
  EXPECT_DOUBLE_EQ(src.activity_bq[0], 5e8);
  EXPECT_DOUBLE_EQ(src.activity_bq[2], 0.0);
  EXPECT_DOUBLE_EQ(rep.removed_outside_mask, 22.0);
  c.data[0] = c.data[1] = 0.0;  // nothing left inside the mask
  const auto m = bd::test::input_error_message([&] { bd::build_voxel_source(c, spec); });
  EXPECT_NE(m.find("spect.nii restricted to liver.nii"), std::string::npos) << m;
  EXPECT_NE(m.find("zero"), std::string::npos) << m;
}

TEST(Activity, LungShuntUniformAndMapModes) {
  bd::Volume<double> c(small_grid(), 0.0);
  for (std::size_t n = 0; n < c.data.size(); ++n) c.data[n] = 1.0 + n % 3;
  bd::SourceSpec spec;
  spec.activity_name = "spect.nii";
  spec.units = bd::ActivityUnits::counts;
  spec.total_activity_bq = 3e9;
  spec.lung_shunt_fraction = 0.1;
  EXPECT_NE(bd::test::input_error_message([&] { bd::build_voxel_source(c, spec); }).find("--lung-mask"), std::string::npos);
  spec.lung_mask.assign(24, 0);
  spec.lung_mask_name = "lungs.nii";
  for (std::size_t n = 12; n < 24; ++n) spec.lung_mask[n] = 1;  // upper slice
  bd::SourceReport rep;
  auto src = bd::build_voxel_source(c, spec, &rep);
  EXPECT_NEAR(src.total_activity_bq(), 3e9, 1e-2);
  EXPECT_NEAR(rep.lung_activity_bq, 3e8, 1e-3);
  for (std::size_t n = 12; n < 24; ++n) EXPECT_NEAR(src.activity_bq[n], 3e8 / 12, 1e-4);
  // The rest keeps the map's shape: ratios 1:2:3.
  EXPECT_NEAR(src.activity_bq[1] / src.activity_bq[0], 2.0, 1e-12);
  spec.lung_shunt_mode = bd::LungShuntMode::map;
  src = bd::build_voxel_source(c, spec, &rep);
  EXPECT_NEAR(rep.lung_activity_bq, 3e8, 1e-3);
  EXPECT_NEAR(src.activity_bq[14] / src.activity_bq[12], 3.0, 1e-12);
  spec.lung_shunt_fraction = 1.5;
  EXPECT_NE(bd::test::input_error_message([&] { bd::build_voxel_source(c, spec); }).find("[0, 1)"), std::string::npos);
}

// A measured image (Bq) without a given total: the shunt must not move activity the image
// measured outside the lung; the lung gets F of the new total, rest / (1 − F).
TEST(Activity, LungShuntOnQuantitativeMapKeepsMeasuredLiver) {
  bd::Volume<double> c(small_grid(), 0.0);
  for (std::size_t n = 0; n < c.data.size(); ++n) c.data[n] = n < 12 ? 1e6 * (1.0 + n % 3) : 0.0;
  bd::SourceSpec spec;
  spec.activity_name = "pet/";
  spec.units = bd::ActivityUnits::bq;
  spec.lung_shunt_fraction = 0.2;
  spec.lung_mask.assign(24, 0);
  spec.lung_mask_name = "lungs.nii";
  for (std::size_t n = 12; n < 24; ++n) spec.lung_mask[n] = 1;
  bd::SourceReport rep;
  // A map in Bq (its total is the plan) keeps its total ...
  const auto planned = bd::build_voxel_source(c, spec, &rep);
  double map_total = 0;
  for (double v : c.data) map_total += v;
  EXPECT_NEAR(planned.total_activity_bq(), map_total, 1e-6 * map_total);
  // ... a measured image keeps what it measured outside the lung.
  spec.keep_measured_outside_lung = true;
  const auto src = bd::build_voxel_source(c, spec, &rep);
  double rest = 0;
  for (std::size_t n = 0; n < 12; ++n) {
    EXPECT_DOUBLE_EQ(src.activity_bq[n], c.data[n]);
    rest += c.data[n];
  }
  EXPECT_NEAR(rep.lung_activity_bq, 0.2 * src.total_activity_bq(), 1e-6 * rest);
  EXPECT_NEAR(src.total_activity_bq(), rest / 0.8, 1e-6 * rest);
  EXPECT_DOUBLE_EQ(rep.map_rest, rest);
  EXPECT_DOUBLE_EQ(rep.map_lung, 0.0);
}

}  // namespace
