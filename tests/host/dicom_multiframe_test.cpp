// Multi-frame DICOM. Enhanced (one file, each frame's plane in its functional groups;
// tests/python/make_enhanced_ct.py): the geometry comes from the frames' positions, in either
// stacking order; frames that do not form evenly spaced, unsheared slices are refused, since
// GDCM then falls back to 1 mm voxels (a wrong geometry with exit 0 before the check).
// Classic NM reconstructions (tests/python/make_nm_spect.py): the position from the Detector
// Information Sequence, the step from Spacing Between Slices (not Slice Thickness); without
// either GDCM reads the image at the origin or with 1 mm slices, so both are required.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "betadose/image_io.hh"
#include "cli_runner.hh"
#include "support/error_message.hh"
#include "tests/support/paths.hh"

namespace fs = std::filesystem;

namespace {

class EnhancedMultiFrame : public ::testing::Test {
 protected:
  fs::path dir;
  void SetUp() override {
    dir = fs::temp_directory_path() / ("bd_enhanced_" + std::to_string(::getpid()) + "_" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }
  std::string make(const std::string& name, const std::string& zs, const std::string& air_z) const {
    const std::string path = (dir / (name + ".dcm")).string();
    const auto r = bd::test::run_program_argv(
        {"/usr/bin/python3", bd::test::source_path("tests/python/make_enhanced_ct.py"), path, zs, air_z});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return path;
  }
};

// The air frame at z = 60 mm lands at z = 60 mm whichever way the frames are stored.
TEST_F(EnhancedMultiFrame, FramesInEitherOrderGiveTheGeometryOfTheirPositions) {
  for (const char* zs : {"50,55,60,65,70,75", "75,70,65,60,55,50"}) {
    const auto v = bd::read_image(make("ct", zs, "60"));
    ASSERT_EQ(v.grid.size[2], 6u) << zs;
    EXPECT_NEAR(v.grid.spacing_mm[0], 2.0, 1e-9) << zs;
    EXPECT_NEAR(v.grid.spacing_mm[2], 5.0, 1e-9) << zs;
    int air_frames = 0;
    for (std::size_t k = 0; k < 6; ++k) {
      const double z = v.grid.index_to_physical({3.0, 3.0, double(k)})[2];
      const float hu = v.data[v.grid.linear_index(3, 3, k)];
      if (hu < -500) {
        ++air_frames;
        EXPECT_NEAR(z, 60.0, 1e-6) << zs;
      } else {
        EXPECT_NEAR(hu, 0.0f, 1e-3f) << zs << " z " << z;
      }
    }
    EXPECT_EQ(air_frames, 1) << zs;
  }
}

TEST_F(EnhancedMultiFrame, AMissingFrameIsRefusedNamingIt) {
  const std::string path = make("gap", "50,55,60,70,75,80", "60");
  const std::string msg = bd::test::input_error_message([&] { bd::read_image(path); });
  EXPECT_NE(msg.find(path + " frame 4"), std::string::npos) << msg;
  EXPECT_NE(msg.find("evenly spaced"), std::string::npos) << msg;
}

std::string make_nm(const fs::path& dir, const std::string& name, const std::string& args) {
  const std::string path = (dir / (name + ".dcm")).string();
  std::vector<std::string> argv{"/usr/bin/python3", bd::test::source_path("tests/python/make_nm_spect.py"), path};
  for (const auto& a : bd::test::split_args(args)) argv.push_back(a);
  const auto r = bd::test::run_program_argv(argv);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return path;
}

TEST_F(EnhancedMultiFrame, AnNmReconstructionTakesItsPlaceAndStepFromTheHeader) {
  for (const char* args : {"", "--thickness-mm 8"}) {  // overlapping slices: the step is 4 mm
    const auto v = bd::read_image(make_nm(dir, "nm", args));
    EXPECT_NEAR(v.grid.spacing_mm[2], 4.0, 1e-9) << args;
    EXPECT_NEAR(v.grid.index_to_physical({0, 0, 0})[2], 100.0, 1e-9) << args;
    EXPECT_NEAR(v.grid.index_to_physical({0, 0, 0})[0], -14.0, 1e-9) << args;
    EXPECT_EQ(v.data[v.grid.linear_index(3, 3, 3)], 1000.0f) << args;
  }
}

TEST_F(EnhancedMultiFrame, AnNmReconstructionWithoutSpacingOrPositionIsRefused) {
  const std::string no_step = make_nm(dir, "no_step", "--no-spacing");
  std::string msg = bd::test::input_error_message([&] { bd::read_image(no_step); });
  EXPECT_NE(msg.find(no_step), std::string::npos) << msg;
  EXPECT_NE(msg.find("Spacing Between Slices (0018,0088)"), std::string::npos) << msg;
  const std::string no_place = make_nm(dir, "no_place", "--no-detector");
  msg = bd::test::input_error_message([&] { bd::read_image(no_place); });
  EXPECT_NE(msg.find("Detector Information Sequence (0054,0022)"), std::string::npos) << msg;
}

// Frames that are not one volume's slices (a scatter window, TOMO projections, slices in
// another order) were stacked as extra slices: 12 "slices" from 2 windows put 59 % of a
// SPECT's counts into scatter-window planes of a volume twice as long.
TEST_F(EnhancedMultiFrame, NmFramesThatAreNotOneVolumesSlicesAreRefused) {
  struct Case {
    const char* args;
    std::vector<std::string> needles;
  };
  for (const Case& c : {Case{"--windows 2", {"Number of Slices (0054,0081) = 6", "Number of Frames (0028,0008) = 12"}},
                        Case{"--windows 2 --no-slice-count", {"Number of Energy Windows = 2", "Vector"}},
                        Case{"--image-type TOMO", {"Image Type (0008,0008)", "projections"}},
                        Case{"--reversed-slices", {"Slice Vector (0054,0080) value 1 is 6"}}}) {
    const std::string f = make_nm(dir, "bad", c.args);
    const std::string msg = bd::test::input_error_message([&] { bd::read_image(f); });
    EXPECT_NE(msg.find(f), std::string::npos) << c.args << ": " << msg;
    for (const auto& n : c.needles) EXPECT_NE(msg.find(n), std::string::npos) << c.args << ": " << msg;
  }
  // A header that keeps the acquisition's window count, with every frame in window 1, is one volume.
  const auto v = bd::read_image(make_nm(dir, "one_window", "--header-windows 2"));
  EXPECT_EQ(v.grid.size[2], 6u);
  EXPECT_EQ(v.data[v.grid.linear_index(3, 3, 3)], 1000.0f);
}

}  // namespace
