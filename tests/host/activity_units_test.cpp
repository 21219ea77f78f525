// Quantitative PET from DICOM (issue 10): --activity-units auto reads Units (0054,1001) and
// DecayCorrection (0054,1102); BQML and GML (SUVbw) series with known weight, activity and
// times (tests/python/make_pet_series.py) come back as the administration-time activity
// within 0.1 %; a unit we do not know, a contradicting explicit unit, or a missing attribute
// is exit 2 naming the tag; --total-activity-gbq on a quantitative image prints its factor.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "betadose/dose_file.hh"
#include "cli_runner.hh"
#include "tests/support/paths.hh"

namespace fs = std::filesystem;

namespace {

// make_pet_series.py: 64 voxels at 2.0e5 Bq/ml, 320 at 1.0e3 Bq/ml, 0.064 ml each, at the
// administration; the series starts 26 h later, T1/2 = 64.1 h.
constexpr double kExpectedBq = (64 * 2.0e5 + 320 * 1.0e3) * 0.064;
const double kDecayFactor = std::exp2(26.0 / 64.1);

class ActivityUnits : public ::testing::Test {
 protected:
  fs::path dir;
  void SetUp() override {
    dir = fs::temp_directory_path() /
          ("bd_units_" + std::to_string(::getpid()) + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }
  std::string path(const std::string& name) const { return (dir / name).string(); }
  // Writes a series into DIR/name and returns DIR/name.
  std::string series(const std::string& name, const std::string& args) const {
    const std::string d = path(name);
    std::vector<std::string> argv{"/usr/bin/python3", bd::test::source_path("tests/python/make_pet_series.py"), d};
    for (const auto& a : bd::test::split_args(args)) argv.push_back(a);
    const auto r = bd::test::run_program_argv(argv);
    EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.output;
    return d;
  }
  bd::test::CliResult run(const std::string& activity, const std::string& extra = "") const {
    fs::remove(path("dose.h5"));
    return bd::test::run_cli("kernel --method ldm --uniform water --activity " + activity + " " + extra +
                             " --out " + path("dose.h5"));
  }
  void expect_exit2(const std::string& activity, const std::string& extra, const std::vector<std::string>& needles) {
    const auto r = run(activity, extra);
    EXPECT_EQ(r.exit_code, 2) << r.output;
    for (const auto& n : needles) EXPECT_NE(r.output.find(n), std::string::npos) << "missing '" << n << "' in " << r.output;
    EXPECT_FALSE(fs::exists(path("dose.h5")));
  }
};

TEST_F(ActivityUnits, BqmlAndGmlUnderEveryDecayCorrection) {
  struct Case {
    const char* units;
    const char* decay;
    double decay_factor;  // printed/stored factor to the administration (first slice)
  };
  for (const Case c : {Case{"BQML", "START", kDecayFactor}, Case{"BQML", "ADMIN", 1.0}, Case{"BQML", "NONE", kDecayFactor},
                       Case{"GML", "START", kDecayFactor}, Case{"GML", "ADMIN", 1.0}, Case{"GML", "NONE", kDecayFactor}}) {
    const std::string name = std::string(c.units) + "_" + c.decay;
    const std::string d = series(name, std::string(c.units) + " " + c.decay);
    const auto r = run(d);
    ASSERT_EQ(r.exit_code, 0) << name << "\n" << r.output;
    EXPECT_NE(r.output.find("(0054,1102) " + std::string(c.decay)), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("conversion: 1 " + std::string(c.units[0] == 'G' ? "SUV" : "Bq/ml") + " = "),
              std::string::npos) << r.output;
    const auto f = bd::read_dose_file(path("dose.h5"));
    // int16 storage with slope max/30000 rounds each voxel by < 2e-5 of the maximum.
    EXPECT_NEAR(f.total_activity_bq / kExpectedBq, 1.0, 1e-3) << name;
    EXPECT_EQ(f.text.at("decay_correction"), c.decay);
    EXPECT_EQ(f.text.at("activity_units"), c.units[0] == 'G' ? "suv" : "bq-per-ml");
    EXPECT_EQ(f.text.at("administration_time"), "2026-12-01 09:30:00");
    EXPECT_NEAR(f.extra.at("activity_decay_factor_to_administration"), c.decay_factor, 1e-6) << name;
    if (std::string(c.units) == "GML")  // A_inj(t_ref) / W: 3.2e9 Bq / 72.5 kg, decayed to t_ref
      EXPECT_NEAR(f.extra.at("activity_factor_bq_per_ml_at_reference"), 3.2e9 / 72500.0 / c.decay_factor, 1e-3);
    EXPECT_NE(f.text.at("provenance").find("decay_correction = " + std::string(c.decay) + "  [" + d + "/pt000.dcm (0054,1102)"),
              std::string::npos) << f.text.at("provenance");
  }
}

TEST_F(ActivityUnits, UnknownUnitsContradictionsAndMissingTags) {
  expect_exit2(series("propcps", "PROPCPS START"), "", {"(0054,1001) Units = PROPCPS", "BQML, GML, CNTS"});
  const std::string gml = series("gml", "GML START");
  expect_exit2(gml, "--activity-units bq-per-ml", {"contradicts (0054,1001) Units = GML"});
  expect_exit2(gml, "--activity-units bq", {"contradicts (0054,1001) Units = GML"});
  expect_exit2(series("noweight", "GML START --omit PatientWeight"), "", {"(0010,1030) PatientWeight is missing"});
  expect_exit2(series("nodose", "GML ADMIN --omit RadionuclideTotalDose"), "", {"(0018,1074) RadionuclideTotalDose"});
  expect_exit2(series("nodecay", "BQML START --omit DecayCorrection"), "", {"(0054,1102) DecayCorrection is missing"});
  expect_exit2(series("nohalf", "BQML START --omit RadionuclideHalfLife"), "", {"(0018,1075) RadionuclideHalfLife is missing"});
  expect_exit2(series("timeonly", "BQML START --time-only"), "", {"(0018,1078) RadiopharmaceuticalStartDateTime is missing",
                                                                    "ambiguous by whole days"});
  expect_exit2(series("f18", "BQML START --half-life-s 6586.2"), "", {"(0018,1075) RadionuclideHalfLife = 6586.2 s",
                                                                        "another tracer"});
  expect_exit2(series("cnts", "CNTS START"), "", {"Units = CNTS", "--total-activity-gbq"});
  // With the administered activity given, the same images are used as relative maps.
  for (const char* name : {"noweight", "timeonly", "cnts"}) {
    const auto r = run(path(name), "--total-activity-gbq 2");
    ASSERT_EQ(r.exit_code, 0) << name << "\n" << r.output;
    EXPECT_NE(r.output.find("units: relative map"), std::string::npos) << r.output;
    EXPECT_NEAR(bd::read_dose_file(path("dose.h5")).total_activity_bq, 2e9, 1.0);
  }
  // Explicit suv on a GML series converts through the header; counts is always relative.
  auto r = run(gml, "--activity-units suv");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NEAR(bd::read_dose_file(path("dose.h5")).total_activity_bq / kExpectedBq, 1.0, 1e-3);
  r = run(gml, "--activity-units counts --total-activity-gbq 1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("is not used (--activity-units counts)"), std::string::npos) << r.output;
}

// Headers that lose the time of the values: each was read with exit 0 and a wrong activity.
// - no Units with --activity-units bq-per-ml: the values were taken as at the administration
//   although DecayCorrection START and the times were there (−24 % after 26 h);
// - a Series Time 24 h after the scan (a later reconstruction): decayed from the wrong time
//   (+30 %); the earliest acquisition is the start (QIBA);
// - DecayCorrection "none" in lower case: one slice's time used for all (−1.3 %).
TEST_F(ActivityUnits, TheTimeOfTheValuesIsTakenFromTheRightAttribute) {
  struct Case {
    const char* name;
    const char* args;
    const char* extra;
    const char* needle;
  };
  for (const Case c : {Case{"no_units", "BQML START --omit Units", "--activity-units bq-per-ml", "has no (0054,1001) Units"},
                       Case{"late_series", "BQML START --series-time-later-h 24", "", "the scan start is the first acquisition"},
                       Case{"lower_none", "BQML none", "", "(0054,1102) NONE"}}) {
    const std::string d = series(c.name, c.args);
    const auto r = run(d, c.extra);
    ASSERT_EQ(r.exit_code, 0) << c.name << "\n" << r.output;
    EXPECT_NE(r.output.find(c.needle), std::string::npos) << c.name << "\n" << r.output;
    EXPECT_NEAR(bd::read_dose_file(path("dose.h5")).total_activity_bq / kExpectedBq, 1.0, 1e-3) << c.name;
  }
  // The image's content against the header's injected activity (a warning: partial fields of
  // view are legitimate): within [0.5, 1.2] nothing is said, a day's error in the
  // administration date (x 1.3) is flagged.
  auto r = run(series("matched", "BQML START --injected-bq " + std::to_string(kExpectedBq)));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("x the injected"), std::string::npos) << r.output;
  {
    const std::string prov = bd::read_dose_file(path("dose.h5")).text.at("provenance");
    const std::string key = "image_to_injected_activity_ratio = ";
    const auto at = prov.find(key);
    ASSERT_NE(at, std::string::npos) << prov;
    EXPECT_NEAR(std::stod(prov.substr(at + key.size())), 1.0, 1e-3) << prov;  // int16 rounding
  }
  r = run(series("day_off", "BQML START --injected-bq " + std::to_string(kExpectedBq / 1.3)));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("1.3 x the injected"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("(0018,1078)"), std::string::npos) << r.output;
  // A dynamic series is refused for what it is (not as duplicated slices).
  expect_exit2(series("dynamic", "BQML START --dynamic"), "", {"Number of Time Slices (0054,0101) = 2", "dynamic"});
  // Activity per voxel is not what a DICOM image holds.
  expect_exit2(path("no_units"), "--activity-units bq", {"contradicts the DICOM image", "bq-per-ml"});
}

// The same pixels in every lossless transfer syntax a PACS export uses: native (explicit and
// implicit VR little endian, explicit big endian), deflated, and encapsulated (RLE Lossless;
// JPEG Lossless, JPEG-LS and JPEG 2000 lossless, converted by GDCM's gdcmconv, tools/setup.sh).
// The activity and the dose are bitwise those of the explicit little-endian series.
TEST_F(ActivityUnits, EveryLosslessTransferSyntaxGivesTheSameActivityAndDose) {
  const std::string ref_dir = series("explicit", "BQML START");
  ASSERT_EQ(run(ref_dir).exit_code, 0);
  const auto ref = bd::read_dose_file(path("dose.h5"));
  ASSERT_FALSE(ref.activity_bq.empty());
  std::vector<std::pair<std::string, std::string>> dirs;
  for (const char* t : {"implicit", "big", "rle", "deflate"})
    dirs.emplace_back(t, series(t, std::string("BQML START --transfer-syntax ") + t));
  for (const auto& [name, option] : {std::pair<std::string, std::string>{"jpeg_lossless", "--jpeg"},
                                     {"jpeg_ls", "--jpegls"}, {"jpeg2000", "--j2k"}}) {
    const std::string d = path(name);
    fs::create_directories(d);
    for (const auto& e : fs::directory_iterator(ref_dir)) {
      const auto r = bd::test::run_program_argv(
          {"/usr/bin/gdcmconv", option, e.path().string(), (fs::path(d) / e.path().filename()).string()});
      ASSERT_EQ(r.exit_code, 0) << "gdcmconv (libgdcm-tools, tools/setup.sh) " << option << ": " << r.output;
    }
    dirs.emplace_back(name, d);
  }
  for (const auto& [name, d] : dirs) {
    const auto r = run(d);
    ASSERT_EQ(r.exit_code, 0) << name << "\n" << r.output;
    const auto f = bd::read_dose_file(path("dose.h5"));
    EXPECT_EQ(f.total_activity_bq, ref.total_activity_bq) << name;
    EXPECT_EQ(f.activity_bq, ref.activity_bq) << name;
    EXPECT_EQ(f.dose_gy, ref.dose_gy) << name;
  }
}

// Lossy-compressed activity pixels: refused (exit 2, no output) naming the file, the tag and
// the override, whether the series says so (0028,2110) or its transfer syntax is lossy (JPEG
// 2000 lossy by gdcmconv, which also sets the tag); accepted with --allow-lossy-activity and
// recorded in the dose file's provenance.
TEST_F(ActivityUnits, LossyCompressedActivityIsRefusedUnlessAccepted) {
  const std::string flagged = series("flagged", "BQML START --lossy-flag");
  expect_exit2(flagged, "", {"flagged", "lossy-compressed", "(0028,2110) = 01", "ratio 8.5", "--allow-lossy-activity"});
  const auto r = run(flagged, "--allow-lossy-activity");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("lossy-compressed pixel data accepted"), std::string::npos) << r.output;
  const auto f = bd::read_dose_file(path("dose.h5"));
  EXPECT_NE(f.text.at("provenance").find("activity_lossy_compression"), std::string::npos) << f.text.at("provenance");

  const std::string ref_dir = series("explicit", "BQML START");
  const std::string j2k = path("j2k_lossy");
  fs::create_directories(j2k);
  for (const auto& e : fs::directory_iterator(ref_dir)) {
    const auto c = bd::test::run_program_argv({"/usr/bin/gdcmconv", "--j2k", "--lossy", "-q", "50", e.path().string(),
                                               (fs::path(j2k) / e.path().filename()).string()});
    ASSERT_EQ(c.exit_code, 0) << c.output;
  }
  expect_exit2(j2k, "--clamp-negative", {"j2k_lossy", "lossy-compressed", "--allow-lossy-activity"});
  // The lossless series of the same pixels runs (the check is not a refusal of DICOM).
  EXPECT_EQ(run(ref_dir).exit_code, 0);
}

// A sheared series (gantry tilt): ITK's 3-D image would put every slice but the first in the
// wrong place; refused naming the slice and the tilt. A shear within DS rounding is not one.
TEST_F(ActivityUnits, AGantryTiltedSeriesIsRefused) {
  expect_exit2(series("tilted", "BQML START --shear-mm-per-slice 0.5"), "",
               {"tilted", "pt001.dcm", "(0020,0032)", "sheared", "7.13 degrees"});
  EXPECT_EQ(run(series("rounded", "BQML START --shear-mm-per-slice 0.000001")).exit_code, 0);
}

// One slice with another Pixel Spacing: the series reader would use the first slice's for all.
// The same spacing written differently ("4.000" for 4.0) is the same grid.
TEST_F(ActivityUnits, ASliceWithAnotherPixelGridIsRefused) {
  expect_exit2(series("odd", "BQML START --slice3-pixel-mm 4.5"), "",
               {"pt003.dcm", "Pixel Spacing (0028,0030)", "4.5 x 4.5 mm", "one pixel grid"});
  EXPECT_EQ(run(series("same", "BQML START --slice3-pixel-mm 4.000")).exit_code, 0);
}

// A directory of two series of the same size (attenuation-corrected and not, say) is refused
// listing both; a small series beside the image (a localizer) is left out and said.
TEST_F(ActivityUnits, AnAmbiguousDirectoryOfSeriesIsRefused) {
  const std::string a = series("a", "BQML START");
  const std::string b = series("b", "BQML START");
  const std::string both = path("both");
  fs::create_directories(both);
  for (const auto& [src, prefix] : {std::pair<std::string, std::string>{a, "a_"}, {b, "b_"}})
    for (const auto& e : fs::directory_iterator(src))
      fs::copy_file(e.path(), fs::path(both) / (prefix + e.path().filename().string()));
  expect_exit2(both, "", {"both", "holds 2 DICOM series", "6 files", "a_pt000.dcm", "b_pt000.dcm"});
  // One slice of b beside all of a: a is the image.
  const std::string plus_one = path("plus_one");
  fs::create_directories(plus_one);
  for (const auto& e : fs::directory_iterator(a)) fs::copy_file(e.path(), fs::path(plus_one) / e.path().filename());
  fs::copy_file(fs::path(b) / "pt000.dcm", fs::path(plus_one) / "extra.dcm");
  const auto r = run(plus_one);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("the largest of 2 series"), std::string::npos) << r.output;
  EXPECT_NEAR(bd::read_dose_file(path("dose.h5")).total_activity_bq / kExpectedBq, 1.0, 1e-3);
}

TEST_F(ActivityUnits, TotalActivityRescalesAQuantitativeImage) {
  const std::string d = series("bqml", "BQML START");
  const double image_gbq = kExpectedBq * 1e-9;
  auto r = run(d, "--total-activity-gbq " + std::to_string(1.1 * image_gbq));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("rescales the image's 0.0008397 GBq by a factor 1.1"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("warning"), std::string::npos) << r.output;
  EXPECT_NEAR(bd::read_dose_file(path("dose.h5")).extra.at("total_activity_rescale_factor"), 1.1, 2e-3);
  r = run(d, "--total-activity-gbq " + std::to_string(1.3 * image_gbq));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("warning: the image's activity and --total-activity-gbq differ by 30"), std::string::npos)
      << r.output;
  // One file of the series carries the same header.
  expect_exit2(d + "/pt000.dcm", "--activity-units bq", {"contradicts (0054,1001) Units = BQML"});
}

}  // namespace
