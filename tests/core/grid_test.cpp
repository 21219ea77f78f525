#include <gtest/gtest.h>

#include <cmath>

#include "betadose/errors.hh"
#include "betadose/grid.hh"

TEST(Grid, IndexPhysicalRoundTripWithRotatedDirection) {
  bd::Grid g;
  g.size = {10, 20, 30};
  g.spacing_mm = {0.5, 2.0, 3.0};
  g.origin_mm = {-10, 5, 7};
  // 180 degrees about z (LPS <-> RAS as in NIfTI qform).
  g.direction = {-1, 0, 0, 0, -1, 0, 0, 0, 1};
  const bd::Vec3 idx{{1.5, 2.0, 3.25}};
  const auto p = g.index_to_physical(idx);
  EXPECT_DOUBLE_EQ(p[0], -10 - 0.75);
  EXPECT_DOUBLE_EQ(p[1], 5 - 4.0);
  EXPECT_DOUBLE_EQ(p[2], 7 + 9.75);
  const auto back = g.physical_to_index(p);
  for (int a = 0; a < 3; ++a) EXPECT_NEAR(back[a], idx[a], 1e-12);
  EXPECT_TRUE(g.contains_index({{-0.4, 0, 29.4}}));
  EXPECT_FALSE(g.contains_index({{-0.6, 0, 0}}));
  EXPECT_EQ(g.linear_index(1, 2, 3), 1u + 10u * (2u + 20u * 3u));
}

TEST(Grid, ValidationNamesTheProblem) {
  bd::Grid g;
  g.size = {2, 2, 2};
  g.spacing_mm = {1, 0, 1};
  try {
    bd::validate_grid(g, "ct.nii");
    FAIL() << "expected InputError";
  } catch (const bd::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("ct.nii"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("spacing"), std::string::npos);
  }
}
