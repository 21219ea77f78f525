// Physical-space alignment of grids with different origins, spacings and directions:
// trilinear exactness on linear fields, nearest-neighbour label shifts, and conservation of
// total activity through the sub-voxel resampler.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "betadose/errors.hh"
#include "betadose/resample.hh"

namespace {

// Physical linear field f(p) = 3 + 0.5 x - 0.25 y + 0.125 z.
double field(const bd::Vec3& p) { return 3 + 0.5 * p[0] - 0.25 * p[1] + 0.125 * p[2]; }

bd::Grid source_grid() {
  bd::Grid g;
  g.size = {{20, 18, 16}};
  g.spacing_mm = {{2.0, 2.5, 3.0}};
  g.origin_mm = {{-20, -30, 5}};
  return g;
}

// 180-degree rotation about z (as the IBSI PET): x -> -x, y -> -y.
bd::Grid rotated_grid() {
  bd::Grid g;
  g.size = {{9, 8, 7}};
  g.spacing_mm = {{4.7, 4.7, 3.27}};
  g.direction = {{-1, 0, 0, 0, -1, 0, 0, 0, 1}};
  g.origin_mm = {{15.0, 10.0, 8.0}};
  return g;
}

TEST(Resample, LinearFieldIsReproducedAcrossDifferentGeometries) {
  bd::Volume<float> src(source_grid());
  for (std::size_t k = 0; k < 16; ++k)
    for (std::size_t j = 0; j < 18; ++j)
      for (std::size_t i = 0; i < 20; ++i)
        src(i, j, k) = static_cast<float>(field(src.grid.index_to_physical({{double(i), double(j), double(k)}})));
  // Finer target (one sample per voxel), rotated by 90 degrees about z, offset origin.
  bd::Grid tgt;
  tgt.size = {{10, 12, 8}};
  tgt.spacing_mm = {{1.5, 1.25, 2.0}};
  tgt.direction = {{0, -1, 0, 1, 0, 0, 0, 0, 1}};
  tgt.origin_mm = {{-2.0, -25.0, 12.0}};
  const auto out = bd::resample_linear(src, tgt, -1000.0f);
  std::size_t checked = 0;
  for (std::size_t k = 0; k < 8; ++k)
    for (std::size_t j = 0; j < 12; ++j)
      for (std::size_t i = 0; i < 10; ++i) {
        const auto p = tgt.index_to_physical({{double(i), double(j), double(k)}});
        const auto s = src.grid.physical_to_index(p);
        bool interior = true;
        for (int a = 0; a < 3; ++a) interior = interior && s[a] >= 0 && s[a] <= src.grid.size[a] - 1.0;
        if (!interior) continue;
        ++checked;
        ASSERT_NEAR(out(i, j, k), field(p), 1e-4) << i << "," << j << "," << k;
      }
  EXPECT_GT(checked, 500u);
}

TEST(Resample, CoarseTargetAveragesAndOutsideTakesTheFillValue) {
  bd::Volume<float> src(source_grid(), 100.0f);
  bd::Grid tgt = source_grid();
  tgt.spacing_mm = {{6.0, 7.5, 9.0}};  // 3x coarser, covering the same box and beyond
  tgt.size = {{9, 8, 8}};
  tgt.origin_mm = {{-18, -27.5, 8}};
  const auto out = bd::resample_linear(src, tgt, -1000.0f);
  EXPECT_FLOAT_EQ(out(1, 1, 1), 100.0f);
  EXPECT_FLOAT_EQ(out(8, 7, 7), -1000.0f);  // entirely outside the source box
}

TEST(Resample, NearestShiftsLabelsByWholeVoxels) {
  bd::Volume<std::uint8_t> src(source_grid());
  for (std::size_t n = 0; n < src.data.size(); ++n) src.data[n] = static_cast<std::uint8_t>(n % 251);
  bd::Grid tgt = source_grid();
  tgt.origin_mm[0] += 3 * tgt.spacing_mm[0];  // shift by 3 voxels along x
  tgt.origin_mm[2] -= 2 * tgt.spacing_mm[2];  // and -2 along z
  const auto out = bd::resample_nearest(src, tgt, std::uint8_t{0});
  for (std::size_t k = 0; k < 16; ++k)
    for (std::size_t j = 0; j < 18; ++j)
      for (std::size_t i = 0; i < 20; ++i) {
        const bool in = i + 3 < 20 && k >= 2;
        ASSERT_EQ(out(i, j, k), in ? src(i + 3, j, k - 2) : 0) << i << "," << j << "," << k;
      }
}

TEST(Resample, ActivityIsConservedFromRotatedCoarseGridToFineGrid) {
  bd::Volume<double> act(rotated_grid());
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0.0, 1e6);
  for (auto& a : act.data) a = u(rng);
  // Fine target covering the whole source box with margin, identity direction.
  const auto box = bd::physical_box(act.grid);
  bd::Grid tgt;
  tgt.spacing_mm = {{2.0, 2.0, 2.0}};
  for (int a = 0; a < 3; ++a) {
    tgt.origin_mm[a] = box.lo[a] - 4.0;
    tgt.size[a] = static_cast<std::size_t>((box.hi[a] - box.lo[a] + 8.0) / 2.0) + 1;
  }
  bd::ActivityResampleReport rep;
  const auto out = bd::resample_activity(act, tgt, &rep);
  EXPECT_EQ(rep.outside_total, 0.0);
  EXPECT_NEAR(rep.target_total / rep.source_total, 1.0, 1e-12);
  double sum = 0;
  for (double a : out.data) sum += a;
  EXPECT_NEAR(sum / rep.source_total, 1.0, 1e-12);
  // Sub-voxels are ~1 mm (2 x 4.7 / 2 -> 5 per axis): the activity centroid moves by much
  // less than one target voxel.
  bd::Vec3 c_src{}, c_tgt{};
  double w_src = 0, w_tgt = 0;
  for (std::size_t n = 0; n < act.data.size(); ++n) {
    const std::size_t i = n % 9, j = (n / 9) % 8, k = n / 72;
    const auto p = act.grid.index_to_physical({{double(i), double(j), double(k)}});
    for (int a = 0; a < 3; ++a) c_src[a] += act.data[n] * p[a];
    w_src += act.data[n];
  }
  for (std::size_t k = 0; k < tgt.size[2]; ++k)
    for (std::size_t j = 0; j < tgt.size[1]; ++j)
      for (std::size_t i = 0; i < tgt.size[0]; ++i) {
        const double a = out(i, j, k);
        const auto p = tgt.index_to_physical({{double(i), double(j), double(k)}});
        for (int ax = 0; ax < 3; ++ax) c_tgt[ax] += a * p[ax];
        w_tgt += a;
      }
  for (int a = 0; a < 3; ++a) EXPECT_NEAR(c_src[a] / w_src, c_tgt[a] / w_tgt, 0.2) << a;
}

TEST(Resample, ActivityOutsideThePartialTargetIsAccounted) {
  bd::Volume<double> act(rotated_grid(), 1000.0);
  bd::Grid tgt = rotated_grid();
  tgt.direction = {{1, 0, 0, 0, 1, 0, 0, 0, 1}};
  tgt.spacing_mm = {{3, 3, 3}};
  tgt.size = {{6, 6, 6}};
  tgt.origin_mm = {{-10, -15, 10}};
  bd::ActivityResampleReport rep;
  bd::resample_activity(act, tgt, &rep);
  EXPECT_GT(rep.outside_total, 0);
  EXPECT_GT(rep.target_total, 0);
  EXPECT_NEAR((rep.target_total + rep.outside_total) / rep.source_total, 1.0, 1e-12);
}

TEST(Resample, DisjointGridsAreAnInputErrorNamingBoth) {
  bd::Grid far = source_grid();
  far.origin_mm[2] += 1000;
  EXPECT_GT(bd::overlap_volume_mm3(source_grid(), rotated_grid()), 0);
  EXPECT_NO_THROW(bd::require_overlap(source_grid(), "ct.nii", rotated_grid(), "spect.nii"));
  try {
    bd::require_overlap(source_grid(), "ct.nii", far, "spect.nii");
    FAIL();
  } catch (const bd::InputError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("ct.nii"), std::string::npos);
    EXPECT_NE(m.find("spect.nii"), std::string::npos);
    EXPECT_NE(m.find("do not overlap"), std::string::npos);
  }
}

TEST(Resample, RegridKeepsThePhysicalBox) {
  const bd::Grid ref = rotated_grid();
  const bd::Grid g = bd::regrid(ref, {{2.35, 2.35, 3.27 / 3}});
  EXPECT_EQ(g.size[0], 18u);
  EXPECT_EQ(g.size[2], 21u);
  const auto a = bd::physical_box(ref), b = bd::physical_box(g);
  for (int i = 0; i < 3; ++i) {
    EXPECT_NEAR(a.lo[i], b.lo[i], 1e-9);
    EXPECT_NEAR(a.hi[i], b.hi[i], 1e-9);
  }
}

}  // namespace
