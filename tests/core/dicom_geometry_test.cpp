// RT Dose geometry and quantisation (include/betadose/dicom_geometry.hh). The full round trip
// through DCMTK, pydicom and dciodvfy is tests/clinic/rtdose_test.py.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <string>

#include "betadose/dicom_geometry.hh"
#include "betadose/errors.hh"

namespace {

bd::Grid grid_with(const std::array<double, 9>& direction) {
  bd::Grid g;
  g.size = {4, 3, 5};
  g.spacing_mm = {1.5, 2.0, 2.5};
  g.origin_mm = {10, -20, 30};
  g.direction = direction;
  return g;
}

}  // namespace

TEST(DicomGeometry, FlippedSliceAxisIsWrittenInReverseOrder) {
  const bd::Grid g = grid_with({1, 0, 0, 0, 1, 0, 0, 0, -1});
  const auto d = bd::dicom_frame_geometry(g, "test");
  EXPECT_TRUE(d.reversed_frames);
  EXPECT_EQ(d.slice_of_frame(0), 4u);
  // The first stored frame is grid slice 4, at z = 30 - 4 * 2.5; offsets increase along +z
  // (the normal of IOP (1,0,0)/(0,1,0)), so frame f is at z = 20 + 2.5 f = slice 4 - f.
  EXPECT_DOUBLE_EQ(d.image_position_mm[2], 20.0);
  for (std::size_t f = 0; f < d.frames; ++f) {
    const double z = d.image_position_mm[2] + d.frame_offsets_mm[f];
    EXPECT_DOUBLE_EQ(z, g.index_to_physical({{0, 0, double(d.slice_of_frame(f))}})[2]);
  }
  EXPECT_DOUBLE_EQ(d.pixel_spacing_mm[0], 2.0);  // between rows = y spacing
  EXPECT_DOUBLE_EQ(d.pixel_spacing_mm[1], 1.5);
}

TEST(DicomGeometry, RightHandedGridKeepsItsOrder) {
  const auto d = bd::dicom_frame_geometry(grid_with({0, -1, 0, 1, 0, 0, 0, 0, 1}), "test");
  EXPECT_FALSE(d.reversed_frames);
  EXPECT_DOUBLE_EQ(d.image_orientation[1], 1.0);   // row direction = axis 0 = (0, 1, 0)
  EXPECT_DOUBLE_EQ(d.image_orientation[3], -1.0);  // column direction = axis 1 = (-1, 0, 0)
}

TEST(DicomGeometry, ShearedGridIsRefused) {
  // Third axis tilted 45 degrees out of the slice normal: no RT Dose geometry describes it.
  const double c = std::sqrt(0.5);
  EXPECT_THROW(bd::dicom_frame_geometry(grid_with({1, 0, c, 0, 1, 0, 0, 0, c}), "test"), bd::InputError);
}

TEST(DicomGeometry, QuantizationUsesTheFullRangeAndHalfAQuantum) {
  const std::vector<float> dose{0.0f, 1e-3f, 12.5f, 499.99f, 500.0f};
  for (int bits : {16, 32}) {
    const auto q = bd::quantize_dose(dose, bits, "test");
    const double max_pixel = std::pow(2.0, bits) - 1;
    EXPECT_LE(q.scaling_text.size(), 16u);
    EXPECT_EQ(q.scaling_gy, std::strtod(q.scaling_text.c_str(), nullptr));
    EXPECT_GE(q.scaling_gy * max_pixel, 500.0);
    EXPECT_LT(q.scaling_gy * max_pixel, 500.0 * (1 + 1e-8));
    for (std::size_t v = 0; v < dose.size(); ++v)
      EXPECT_LE(std::abs(q.pixels[v] * q.scaling_gy - dose[v]), 0.5 * q.scaling_gy + 1e-12) << bits;
  }
  EXPECT_THROW(bd::quantize_dose({1.0f, -0.5f}, 16, "test"), bd::InputError);
  EXPECT_THROW(bd::quantize_dose({std::nanf("")}, 16, "test"), bd::InputError);
  EXPECT_THROW(bd::quantize_dose({1.0f}, 8, "test"), bd::InputError);
  EXPECT_EQ(bd::quantize_dose({0.0f, 0.0f}, 16, "zero").pixels[1], 0u);
}

TEST(DicomGeometry, DecimalStringsFitSixteenCharacters) {
  for (double x : {-0.70710678118654757, 123456.789012345678, -1e-20, 3.0, 1.0 / 3.0, -987654321.123})
    EXPECT_LE(bd::dicom_decimal_string(x).size(), 16u) << x;
  EXPECT_NEAR(std::strtod(bd::dicom_decimal_string(-0.70710678118654757).c_str(), nullptr),
              -0.70710678118654757, 1e-13);
  EXPECT_EQ(bd::dicom_decimal_string(0.0), "0");
}
