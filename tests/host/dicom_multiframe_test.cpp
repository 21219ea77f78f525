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

#include "betadose/dose_file.hh"
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

// An NM reconstruction whose pixels are scaled by a Real World Value Mapping (0040,9096), as
// Hermes and quantitative SPECT write them: GDCM reads the 16-bit stored numbers, so a file
// in Bq/ml at 0.25 per stored unit gave 4x the activity with --activity-units bq-per-ml and
// exit 0. The mapping is applied; its units decide what the values may be used as.
TEST_F(EnhancedMultiFrame, AnNmRealWorldValueMappingGivesItsValues) {
  struct Case {
    const char* args;
    float hot, background;  // expected values (stored: 1000 and 0)
    const char* units;
  };
  for (const Case& c : {Case{"--rwvm 0.25,0,Bq/ml", 250.0f, 0.0f, "Bq/ml"},
                        Case{"--rwvm 0.25,0,kBq/mL", 250000.0f, 0.0f, "Bq/ml"},
                        Case{"--rwvm 2,10,{counts}", 2010.0f, 10.0f, "counts"},
                        // an SUV item beside the concentration: the concentration is taken
                        Case{"--rwvm 0.001,0,g/ml --rwvm 0.25,0,Bq/ml", 250.0f, 0.0f, "Bq/ml"},
                        // only an SUV mapping: not activity, left as read (noted)
                        Case{"--rwvm 0.001,0,g/ml", 1000.0f, 0.0f, ""}}) {
    bd::ImageMetadata m;
    const auto v = bd::read_image(make_nm(dir, "rw", c.args), &m, bd::ImageRole::activity);
    EXPECT_FLOAT_EQ(v.data[v.grid.linear_index(3, 3, 3)], c.hot) << c.args;
    EXPECT_FLOAT_EQ(v.data[v.grid.linear_index(0, 0, 0)], c.background) << c.args;
    EXPECT_EQ(m.value_units, c.units) << c.args;
    std::string notes;
    for (const auto& n : m.notes) notes += n + "\n";
    EXPECT_NE(notes.find(*c.units ? "mapped to" : "not used"), std::string::npos) << c.args << ": " << notes;
  }
  // Mappings that cannot be applied are refused, naming the item.
  for (const char* args : {"--rwvm 0.25,0,Bq/ml --rwvm 0.5,0,Bq/ml", "--rwvm lut,Bq/ml"}) {
    const std::string f = make_nm(dir, "bad", args);
    const std::string msg = bd::test::input_error_message([&] { bd::read_image(f, nullptr, bd::ImageRole::activity); });
    EXPECT_NE(msg.find(f + ": Real World Value Mapping (0040,9096) item"), std::string::npos) << args << ": " << msg;
  }
  // The whole case: 16 hot voxels of 0.064 ml at 250 Bq/ml are 256 Bq (1024 before).
  const std::string bqml = make_nm(dir, "bqml", "--rwvm 0.25,0,Bq/ml");
  const std::string out = (dir / "dose.h5").string();
  auto r = bd::test::run_cli("kernel --method ldm --uniform water --activity " + bqml +
                             " --activity-units bq-per-ml --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NEAR(bd::read_dose_file(out).total_activity_bq / 256.0, 1.0, 1e-6) << r.output;
  // Without DecayCorrection the time of the values is unknown: auto asks for a choice.
  r = bd::test::run_cli("kernel --method ldm --uniform water --activity " + bqml + " --out " + (dir / "d2.h5").string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("in Bq/ml by its Real World Value Mapping (0040,9096), but has no (0054,1102) DecayCorrection"),
            std::string::npos) << r.output;
  // Counts are not a concentration.
  r = bd::test::run_cli("kernel --method ldm --uniform water --activity " + make_nm(dir, "counts", "--rwvm 2,10,{counts}") +
                        " --activity-units bq-per-ml --out " + (dir / "d3.h5").string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("its values are counts"), std::string::npos) << r.output;
}

}  // namespace
