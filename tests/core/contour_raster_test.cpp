// Planar contours -> voxel occupancy (contour_raster.hh): exact boxes, holes by the even-odd
// rule, the contoured volume on an oblique grid, and the malformed inputs.
#include <gtest/gtest.h>

#include <cmath>

#include "betadose/contour_raster.hh"
#include "betadose/errors.hh"

namespace {

bd::PlanarContour square(double x0, double y0, double x1, double y1, double z) {
  return bd::PlanarContour{{{{x0, y0, z}}, {{x1, y0, z}}, {{x1, y1, z}}, {{x0, y1, z}}}, 0};
}

bd::PlanarContour circle(double r, double cx, double cy, double z, int n = 720) {
  bd::PlanarContour c;
  for (int i = 0; i < n; ++i)
    c.points_mm.push_back({{cx + r * std::cos(2 * M_PI * i / n), cy + r * std::sin(2 * M_PI * i / n), z}});
  return c;
}

std::vector<const bd::PlanarContour*> pointers(const std::vector<bd::PlanarContour>& cs) {
  std::vector<const bd::PlanarContour*> p;
  for (const auto& c : cs) p.push_back(&c);
  return p;
}

double sum(const std::vector<float>& v) {
  double s = 0;
  for (float x : v) s += x;
  return s;
}

TEST(ContourRaster, BoxWithAHoleOnAlignedVoxels) {
  // Outer 8x8 mm square with a 4x4 mm hole, on the planes z = 0 ... 3 (slab 1 mm), voxels of
  // 1 mm whose faces lie on the contour edges: every voxel is fully in or out.
  std::vector<bd::PlanarContour> cs;
  for (int z = 0; z < 4; ++z) {
    cs.push_back(square(0, 0, 8, 8, z));
    cs.push_back(square(2, 2, 6, 6, z));
  }
  const auto planes = bd::contour_planes(pointers(cs), "box");
  EXPECT_DOUBLE_EQ(planes.spacing_mm, 1.0);
  EXPECT_NEAR(planes.normal[2], 1.0, 1e-12);
  bd::Grid g;
  g.size = {{10, 10, 6}};
  g.origin_mm = {{-0.5, -0.5, -1.0}};
  const auto f = bd::rasterize_contours(cs, planes, g);
  EXPECT_NEAR(sum(f), 4.0 * (64 - 16), 1e-9);
  for (std::size_t k = 0; k < 6; ++k)
    for (std::size_t j = 0; j < 10; ++j)
      for (std::size_t i = 0; i < 10; ++i) {
        const double x = i - 0.5, y = j - 0.5;  // voxel centre
        const bool in_slab = k >= 1 && k <= 4;
        const bool in = in_slab && x > 0 && x < 8 && y > 0 && y < 8 && !(x > 2 && x < 6 && y > 2 && y < 6);
        ASSERT_FLOAT_EQ(f[g.linear_index(i, j, k)], in ? 1.0f : 0.0f) << i << "," << j << "," << k;
      }
}

TEST(ContourRaster, SphereVolumeOnAnObliqueGrid) {
  // Sphere r = 12 mm on 2 mm slices; the slab model's volume is sum_m pi (r^2 - dz_m^2) 2 mm.
  // The occupancy on a grid rotated by 30 degrees about z and 20 about x, 3 mm voxels, sums to
  // it within 0.3 % (5^3 samples per voxel: the sampling error of a smooth surface).
  const double r = 12, cz = 0.7;
  std::vector<bd::PlanarContour> cs;
  double model = 0;
  for (int m = -10; m <= 10; ++m) {
    const double z = 2.0 * m, dz = z - cz;
    if (std::abs(dz) >= r) continue;
    cs.push_back(circle(std::sqrt(r * r - dz * dz), 1.0, -2.0, z));
    model += M_PI * (r * r - dz * dz) * 2.0 * std::cos(M_PI / 720) * std::sin(M_PI / 720) / (M_PI / 720);
  }
  const auto planes = bd::contour_planes(pointers(cs), "sphere");
  bd::Grid g;
  g.size = {{14, 14, 14}};
  g.spacing_mm = {{3, 3, 3}};
  const double a = M_PI / 6, b = M_PI / 9;
  // D = Rx(b) Rz(a), columns are the axis directions.
  const double ca = std::cos(a), sa = std::sin(a), cb = std::cos(b), sb = std::sin(b);
  g.direction = {{ca, -sa, 0, cb * sa, cb * ca, -sb, sb * sa, sb * ca, cb}};
  g.origin_mm = {{0, 0, 0}};
  const bd::Vec3 centre_index{{6.5, 6.5, 6.5}};
  const bd::Vec3 p = g.index_to_physical(centre_index);
  for (int i = 0; i < 3; ++i) g.origin_mm[i] = (i == 0 ? 1.0 : i == 1 ? -2.0 : cz) - p[i];
  const auto f = bd::rasterize_contours(cs, planes, g);
  EXPECT_NEAR(sum(f) * 27.0 / model, 1.0, 0.003);
  EXPECT_NEAR(model / (4.0 / 3.0 * M_PI * r * r * r), 1.0, 0.005);
}

TEST(ContourRaster, MalformedContoursAreInputErrors) {
  std::vector<bd::PlanarContour> cs{square(0, 0, 1, 1, 0)};
  EXPECT_THROW(bd::contour_planes(pointers(cs), "one plane"), bd::InputError);
  EXPECT_EQ(bd::contour_planes(pointers(cs), "one plane", 2.5).spacing_mm, 2.5);
  std::vector<bd::PlanarContour> two{{{{{0, 0, 0}}, {{1, 0, 0}}}}};
  EXPECT_THROW(bd::contour_planes(pointers(two), "two points"), bd::InputError);
  std::vector<bd::PlanarContour> tilted{square(0, 0, 1, 1, 0),
                                        bd::PlanarContour{{{{0, 0, 1}}, {{1, 0, 1}}, {{1, 0, 2}}, {{0, 0, 2}}}, 0}};
  EXPECT_THROW(bd::contour_planes(pointers(tilted), "tilted"), bd::InputError);
  std::vector<bd::PlanarContour> warped{bd::PlanarContour{{{{0, 0, 0}}, {{1, 0, 0}}, {{1, 1, 0.5}}, {{0, 1, 0}}}, 0}};
  EXPECT_THROW(bd::contour_planes(pointers(warped), "warped"), bd::InputError);
}

TEST(ContourRaster, PartialOverlapsAreReportedNestingAndTouchingAreNot) {
  // Per plane z = 0, 1, 2: A = [0,10]x[0,10], B = [5,15]x[0,10] overlapping A over 50 mm2,
  // C = [2,4]x[2,4] inside A (a hole), D = [15,20]x[0,10] touching B along x = 15.
  std::vector<bd::PlanarContour> cs;
  for (int z = 0; z < 3; ++z) {
    cs.push_back(square(0, 0, 10, 10, z));
    cs.push_back(square(5, 0, 15, 10, z));
    cs.push_back(square(2, 2, 4, 4, z));
    cs.push_back(square(15, 0, 20, 10, z));
  }
  const auto planes = bd::contour_planes(pointers(cs), "overlap");
  bd::Grid g;
  g.size = {{24, 14, 5}};
  g.origin_mm = {{-1.5, -1.5, -1.0}};
  std::vector<bd::ContourOverlap> overlaps;
  const auto f = bd::rasterize_contours(cs, planes, g, 5, &overlaps);
  ASSERT_EQ(overlaps.size(), 3u);
  for (int z = 0; z < 3; ++z) {
    EXPECT_EQ(overlaps[z].first, std::size_t(4 * z));
    EXPECT_EQ(overlaps[z].second, std::size_t(4 * z + 1));
    EXPECT_NEAR(overlaps[z].plane_mm, z, 1e-9);
    EXPECT_NEAR(overlaps[z].area_mm2, 50.0, 0.5);
  }
  // Reported, not changed: the even-odd rule leaves the overlap and the hole out, per plane
  // 100 + 100 - 2*50 - 4 + 50 = 146 mm2, on three 1 mm slabs.
  EXPECT_NEAR(sum(f), 3 * 146.0, 1.0);
  // Without the overlapping contour B, nothing is reported.
  std::vector<bd::PlanarContour> nested;
  for (std::size_t i = 0; i < cs.size(); ++i)
    if (i % 4 != 1) nested.push_back(cs[i]);
  overlaps.clear();
  bd::rasterize_contours(nested, bd::contour_planes(pointers(nested), "nested"), g, 5, &overlaps);
  EXPECT_TRUE(overlaps.empty());
}

}  // namespace
