// Image IO round trips through ITK in every supported format, with non-trivial geometry
// (anisotropic spacing, non-zero origin, a rotated direction matrix), and the bad inputs.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "betadose/errors.hh"
#include "betadose/image_io.hh"

namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() /
           ("bd_image_io_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

// 7x5x4 voxels, 1.5 x 2 x 3.25 mm, origin (-10.5, 20, 33), rotated 90 degrees about z
// (x axis along +y, y axis along -x): exercises every geometry field.
bd::Grid test_grid() {
  bd::Grid g;
  g.size = {{7, 5, 4}};
  g.spacing_mm = {{1.5, 2.0, 3.25}};
  g.origin_mm = {{-10.5, 20.0, 33.0}};
  g.direction = {{0, -1, 0, 1, 0, 0, 0, 0, 1}};
  return g;
}

bd::Volume<float> test_volume() {
  bd::Volume<float> v(test_grid());
  for (std::size_t n = 0; n < v.data.size(); ++n)
    v.data[n] = static_cast<float>(std::sin(0.37 * n) * 1000.0 + 0.25 * n);
  return v;
}

void expect_same_grid(const bd::Grid& a, const bd::Grid& b, double tol) {
  EXPECT_EQ(a.size, b.size);
  for (int i = 0; i < 3; ++i) {
    EXPECT_NEAR(a.spacing_mm[i], b.spacing_mm[i], tol) << "spacing axis " << i;
    EXPECT_NEAR(a.origin_mm[i], b.origin_mm[i], tol) << "origin axis " << i;
  }
  for (int e = 0; e < 9; ++e) EXPECT_NEAR(a.direction[e], b.direction[e], 1e-5) << "direction " << e;
}

class ImageRoundTrip : public ::testing::TestWithParam<std::string> {};

TEST_P(ImageRoundTrip, FloatValuesAndGeometryExact) {
  TempDir dir;
  const auto in = test_volume();
  const std::string path = dir / ("img" + GetParam());
  bd::write_image(path, in);
  bd::ImageMetadata meta;
  const auto out = bd::read_image(path, &meta);
  // NIfTI stores geometry in float32 (sform/qform): 1e-4 mm; the others in decimal text.
  expect_same_grid(out.grid, in.grid, 1e-4);
  ASSERT_EQ(out.data.size(), in.data.size());
  for (std::size_t n = 0; n < in.data.size(); ++n) ASSERT_EQ(out.data[n], in.data[n]) << n;
  EXPECT_EQ(meta.pixel_type, "float");
  expect_same_grid(bd::read_image_grid(path), in.grid, 1e-4);
  // Atomic write leaves no temporary directory behind.
  for (const auto& e : fs::directory_iterator(dir.path))
    EXPECT_EQ(e.path().filename().string().rfind(".betadose-tmp", 0), std::string::npos);
}

TEST_P(ImageRoundTrip, MaskAsUint8) {
  TempDir dir;
  bd::Volume<std::uint8_t> mask(test_grid());
  for (std::size_t n = 0; n < mask.data.size(); ++n) mask.data[n] = (n % 3 == 0) ? 1 : 0;
  const std::string path = dir / ("mask" + GetParam());
  bd::write_image(path, mask);
  bd::ImageMetadata meta;
  const auto out = bd::read_image(path, &meta);
  EXPECT_EQ(meta.pixel_type, "unsigned_char");
  for (std::size_t n = 0; n < mask.data.size(); ++n) ASSERT_EQ(out.data[n], mask.data[n]);
}

INSTANTIATE_TEST_SUITE_P(Formats, ImageRoundTrip,
                         ::testing::Values(".nii", ".nii.gz", ".mhd", ".mha", ".nrrd"),
                         [](const auto& info) {
                           std::string s = info.param.substr(1);
                           for (auto& c : s)
                             if (c == '.') c = '_';
                           return s;
                         });

TEST(ImageIo, DicomSeriesRoundTripAppliesRescale) {
  TempDir dir;
  // CT in HU: integral values, stored as is.
  bd::Volume<float> ct(test_grid());
  for (std::size_t n = 0; n < ct.data.size(); ++n)
    ct.data[n] = static_cast<float>(-1000 + static_cast<int>((n * 37) % 2500));
  bd::write_dicom_series(dir / "ct", ct, "CT");
  bd::ImageMetadata meta;
  auto out = bd::read_image(dir / "ct", &meta);
  EXPECT_EQ(meta.format, "DICOM");
  EXPECT_EQ(meta.modality, "CT");
  EXPECT_EQ(meta.file_count, ct.grid.size[2]);
  expect_same_grid(out.grid, ct.grid, 1e-4);
  for (std::size_t n = 0; n < ct.data.size(); ++n) ASSERT_EQ(out.data[n], ct.data[n]) << n;

  // PET-like values (non-integral, Bq/ml): stored with slope/intercept; the reader must
  // apply them. Quantisation error is at most slope/2 = range/128000.
  bd::Volume<float> pt(test_grid());
  for (std::size_t n = 0; n < pt.data.size(); ++n)
    pt.data[n] = static_cast<float>(1234.5 + 5000.0 * std::abs(std::sin(0.1 * n)));
  bd::write_dicom_series(dir / "pt", pt, "PT");
  out = bd::read_image(dir / "pt", &meta);
  EXPECT_EQ(meta.modality, "PT");
  EXPECT_EQ(meta.units, "BQML");
  expect_same_grid(out.grid, pt.grid, 1e-4);
  const double range = 5000.0;
  for (std::size_t n = 0; n < pt.data.size(); ++n)
    ASSERT_NEAR(out.data[n], pt.data[n], range / 128000.0 + 1e-3) << n;
}

TEST(ImageIo, MissingFileNamesThePath) {
  try {
    bd::read_image("/nonexistent/ct.nii.gz");
    FAIL() << "expected InputError";
  } catch (const bd::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/ct.nii.gz"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("no such file"), std::string::npos);
  }
}

TEST(ImageIo, UnsupportedExtensionAndCorruptFile) {
  TempDir dir;
  const std::string txt = dir / "ct.png.txt";
  std::ofstream(txt) << "hello";
  try {
    bd::read_image(txt);
    FAIL();
  } catch (const bd::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("unsupported image format"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(txt), std::string::npos);
  }
  const std::string bad = dir / "ct.nii";
  std::ofstream(bad) << "this is not a NIfTI header";
  try {
    bd::read_image(bad);
    FAIL();
  } catch (const bd::InputError& e) {
    EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
  }
  EXPECT_THROW(bd::write_image(dir / "out.png", test_volume()), bd::InputError);
  EXPECT_THROW(bd::write_image(dir / "no/such/dir/out.nii", test_volume()), bd::InputError);
  EXPECT_THROW(bd::read_image(dir.path.string()), bd::InputError);  // empty directory: no series
}

TEST(ImageIo, FourDimensionalWithOneFrameReadsAs3D) {
  TempDir dir;
  const std::string path = dir / "frame.mhd";
  {
    std::ofstream h(path);
    h << "ObjectType = Image\nNDims = 4\nDimSize = 4 3 2 1\nElementSpacing = 1.5 2 2.5 1\n"
         "Offset = 10 20 30 0\nElementType = MET_FLOAT\nElementDataFile = frame.raw\n";
    std::ofstream r(dir / "frame.raw", std::ios::binary);
    float v[24];
    for (int n = 0; n < 24; ++n) v[n] = static_cast<float>(n);
    r.write(reinterpret_cast<const char*>(v), sizeof v);
  }
  const auto img = bd::read_image(path);
  EXPECT_EQ(img.grid.size, (std::array<std::size_t, 3>{{4, 3, 2}}));
  EXPECT_DOUBLE_EQ(img.grid.spacing_mm[2], 2.5);
  EXPECT_DOUBLE_EQ(img.grid.origin_mm[1], 20.0);
  EXPECT_EQ(img.data[23], 23.0f);
  // Several frames: not a 3-D image.
  std::ofstream(path) << "ObjectType = Image\nNDims = 4\nDimSize = 4 3 1 2\nElementType = MET_FLOAT\n"
                         "ElementDataFile = frame.raw\n";
  try {
    bd::read_image(path);
    FAIL();
  } catch (const bd::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("4-D"), std::string::npos) << e.what();
  }
}

TEST(ImageIo, TwoDimensionalImageIsRejected) {
  TempDir dir;
  const std::string path = dir / "slice.mhd";
  {
    std::ofstream h(path);
    h << "ObjectType = Image\nNDims = 2\nDimSize = 4 3\nElementSpacing = 1 1\n"
         "ElementType = MET_FLOAT\nElementDataFile = slice.raw\n";
    std::ofstream r(dir / "slice.raw", std::ios::binary);
    const float zeros[12] = {};
    r.write(reinterpret_cast<const char*>(zeros), sizeof zeros);
  }
  try {
    bd::read_image(path);
    FAIL();
  } catch (const bd::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("2-D"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos);
  }
}

}  // namespace
