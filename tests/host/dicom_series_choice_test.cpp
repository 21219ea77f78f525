// How a DICOM folder becomes an image for its role (tests/python/make_ct_series.py): the series
// is chosen by Modality (CT for --ct, PT/NM for --activity), so a flattened PET/CT export serves
// both options and an MR or a CT in the wrong role is refused; localizers are left out;
// a CD export (DICOMDIR, nested folders) is searched; byte-identical copies of a file are
// dropped; Pixel Padding Value pixels become air or no activity; Image Positions rounded by the
// scanner are accepted while a missing slice is still refused. Each of these was a wrong image
// with exit 0, or a refusal of a good one, before.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "betadose/dose_file.hh"
#include "betadose/image_io.hh"
#include "cli_runner.hh"
#include "support/error_message.hh"
#include "tests/support/paths.hh"

namespace fs = std::filesystem;

namespace {

class DicomSeriesChoice : public ::testing::Test {
 protected:
  fs::path dir;
  void SetUp() override {
    dir = fs::temp_directory_path() / ("bd_series_" + std::to_string(::getpid()) + "_" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }
  std::string path(const std::string& name) const { return (dir / name).string(); }
  // make_ct_series.py DIR/name ARGS; returns DIR/name.
  std::string series(const std::string& name, const std::string& args = "") const {
    const std::string d = path(name);
    std::vector<std::string> argv{"/usr/bin/python3", bd::test::source_path("tests/python/make_ct_series.py"), d};
    for (const auto& a : bd::test::split_args(args)) argv.push_back(a);
    const auto r = bd::test::run_program_argv(argv);
    EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.output;
    return d;
  }
  static std::string notes(const bd::ImageMetadata& m) {
    std::string all;
    for (const auto& n : m.notes) all += n + "\n";
    return all;
  }
};

// make_ct_series.py: 8 x 8 x 6 voxels of 4 mm; CT 0 HU with a 1000 HU block and an air slice,
// PET 100 Bq/ml with 5000 in the same block.
TEST_F(DicomSeriesChoice, AFlattenedPetCtFolderServesBothRoles) {
  const std::string d = series("petct", "--with-pet");
  bd::ImageMetadata m;
  const auto pet = bd::read_image(d, &m, bd::ImageRole::activity);
  EXPECT_EQ(m.modality, "PT");
  EXPECT_FLOAT_EQ(*std::max_element(pet.data.begin(), pet.data.end()), 5000.0f);
  EXPECT_FLOAT_EQ(*std::min_element(pet.data.begin(), pet.data.end()), 100.0f);
  EXPECT_NE(notes(m).find("Modality CT"), std::string::npos) << notes(m);
  const auto ct = bd::read_image(d, &m, bd::ImageRole::ct);
  EXPECT_EQ(m.modality, "CT");
  EXPECT_FLOAT_EQ(*std::max_element(ct.data.begin(), ct.data.end()), 1000.0f);
  EXPECT_FLOAT_EQ(*std::min_element(ct.data.begin(), ct.data.end()), -1000.0f);
  EXPECT_NE(notes(m).find("Modality PT"), std::string::npos) << notes(m);
  // Without a role the two series of one size stay a question for the user.
  EXPECT_NE(bd::test::input_error_message([&] { bd::read_image(d); }).find("comparable size"), std::string::npos);
  // The whole case: the same folder for both options.
  const auto r = bd::test::run_cli("kernel --method ldm --ct " + d + " --activity " + d + " --activity-units bq-per-ml" +
                                   " --out " + path("dose.h5"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto f = bd::read_dose_file(path("dose.h5"));
  // 64 block voxels at 5000 Bq/ml and 320 at 100 Bq/ml, of 0.064 ml.
  EXPECT_NEAR(f.total_activity_bq / ((64 * 5000.0 + 320 * 100.0) * 0.064), 1.0, 1e-4) << r.output;
  // The RT Dose references the CT series of the folder, not its PET.
  const auto e = bd::test::run_cli("export " + path("dose.h5") + " --rtdose " + path("rd.dcm") + " --ct " + d);
  ASSERT_EQ(e.exit_code, 0) << e.output;
  EXPECT_NE(e.output.find("(6 images)"), std::string::npos) << e.output;
  const auto pet_only = series("pet_only", "--modality PT");
  const auto refused = bd::test::run_cli("export " + path("dose.h5") + " --rtdose " + path("rd2.dcm") + " --ct " + pet_only);
  EXPECT_EQ(refused.exit_code, 2) << refused.output;
  EXPECT_NE(refused.output.find("no CT image"), std::string::npos) << refused.output;
  EXPECT_FALSE(fs::exists(path("rd2.dcm")));
}

// A DICOM CT and a DICOM PET of two Frames of Reference (a CT of another session): their
// coordinates are unrelated, so the activity would sit in whatever tissue the numbers say, with
// exit 0. Refused, naming both UIDs; --accept-frame-mismatch takes them as one frame (recorded).
TEST_F(DicomSeriesChoice, ACtAndAnActivityOfTwoFramesOfReferenceAreRefused) {
  const std::string ct = series("ct"), pet = series("pet", "--modality PT");
  const std::string args = "kernel --method ldm --ct " + ct + " --activity " + pet + " --activity-units bq-per-ml" +
                           " --out " + path("dose.h5");
  auto r = bd::test::run_cli(args);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("the DICOM images have different Frames of Reference (0020,0052)"), std::string::npos)
      << r.output;
  EXPECT_FALSE(fs::exists(path("dose.h5")));
  r = bd::test::run_cli(args + " --accept-frame-mismatch");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("different Frames of Reference; taken as one frame"), std::string::npos) << r.output;
  const auto f = bd::read_dose_file(path("dose.h5"));
  EXPECT_NE(f.text.at("provenance").find("frame_of_reference_mismatch"), std::string::npos);
  // One scanner's PET/CT shares its frame: no word about it.
  const std::string d = series("petct", "--with-pet");
  r = bd::test::run_cli("kernel --method ldm --ct " + d + " --activity " + d + " --activity-units bq-per-ml --out " +
                        path("dose2.h5"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("Frames of Reference"), std::string::npos) << r.output;
}

TEST_F(DicomSeriesChoice, ASeriesOfAnotherModalityIsRefusedForItsRole) {
  const std::string mr = series("mr", "--modality MR");
  std::string msg = bd::test::input_error_message([&] { bd::read_image(mr, nullptr, bd::ImageRole::ct); });
  EXPECT_NE(msg.find("Modality MR"), std::string::npos) << msg;
  EXPECT_NE(msg.find("--ct needs a CT series"), std::string::npos) << msg;
  const std::string ct = series("ct");
  msg = bd::test::input_error_message([&] { bd::read_image(ct, nullptr, bd::ImageRole::activity); });
  EXPECT_NE(msg.find("Modality CT"), std::string::npos) << msg;
  EXPECT_NE(msg.find("--activity needs a PET or SPECT series"), std::string::npos) << msg;
  // One file of the series given alone: the same check.
  msg = bd::test::input_error_message([&] { bd::read_image(ct + "/ct_000.dcm", nullptr, bd::ImageRole::activity); });
  EXPECT_NE(msg.find("--activity needs"), std::string::npos) << msg;
  // As the user meets it: exit 2, no output.
  const auto r = bd::test::run_cli("kernel --method ldm --ct " + mr + " --activity " + ct + " --activity-units bq-per-ml" +
                                   " --out " + path("dose.h5"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_FALSE(fs::exists(path("dose.h5")));
}

TEST_F(DicomSeriesChoice, LocalizersAreLeftOutAndALoneOneIsRefused) {
  bd::ImageMetadata m;
  const auto ct = bd::read_image(series("with_scout", "--localizer"), &m, bd::ImageRole::ct);
  EXPECT_EQ(ct.grid.size[2], 6u);
  EXPECT_NE(notes(m).find("LOCALIZER"), std::string::npos) << notes(m);
  const std::string scout = series("scout", "--localizer-only");
  for (bd::ImageRole role : {bd::ImageRole::ct, bd::ImageRole::any}) {
    const std::string msg = bd::test::input_error_message([&] { bd::read_image(scout, nullptr, role); });
    EXPECT_NE(msg.find("localizer"), std::string::npos) << msg;
  }
}

// A SPECT export holds the projections (NM TOMO) beside the reconstruction (RECON TOMO), one
// file each: two series of one size, and only one is a volume.
TEST_F(DicomSeriesChoice, SpectProjectionsBesideTheReconstructionAreLeftOut) {
  fs::create_directories(path("spect"));
  for (const auto& [name, type] : {std::pair<const char*, const char*>{"recon.dcm", "RECON TOMO"}, {"proj.dcm", "TOMO"}}) {
    const auto r = bd::test::run_program_argv({"/usr/bin/python3", bd::test::source_path("tests/python/make_nm_spect.py"),
                                               path("spect/") + name, "--image-type", type});
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  bd::ImageMetadata m;
  const auto nm = bd::read_image(path("spect"), &m, bd::ImageRole::activity);
  EXPECT_EQ(nm.grid.size[2], 6u);
  EXPECT_EQ(m.files.front(), path("spect/recon.dcm"));
  EXPECT_NE(notes(m).find("not a reconstructed volume"), std::string::npos) << notes(m);
  fs::remove(path("spect/recon.dcm"));
  const std::string msg = bd::test::input_error_message([&] { bd::read_image(path("spect"), nullptr, bd::ImageRole::activity); });
  EXPECT_NE(msg.find("not a reconstructed SPECT volume"), std::string::npos) << msg;
}

TEST_F(DicomSeriesChoice, ACdExportWithDicomdirAndNestedFoldersIsSearched) {
  const std::string d = series("cd", "--nest --with-pet");
  bd::ImageMetadata m;
  const auto pet = bd::read_image(d, &m, bd::ImageRole::activity);
  EXPECT_EQ(m.modality, "PT");
  EXPECT_EQ(pet.grid.size[2], 6u);
  EXPECT_NE(notes(m).find("subfolder"), std::string::npos) << notes(m);
  const auto ct = bd::read_image(d, &m, bd::ImageRole::ct);
  EXPECT_EQ(m.modality, "CT");
  EXPECT_FLOAT_EQ(*std::max_element(ct.data.begin(), ct.data.end()), 1000.0f);
}

// Two CT scans of one patient (two studies) in one folder: the larger is not "the" CT.
TEST_F(DicomSeriesChoice, SeriesOfTwoStudiesAreTheUsersChoice) {
  const std::string a = series("a", "--slices 12"), b = series("b");
  for (const auto& e : fs::directory_iterator(b)) fs::copy_file(e.path(), a + "/other_" + e.path().filename().string());
  const std::string msg = bd::test::input_error_message([&] { bd::read_image(a, nullptr, bd::ImageRole::ct); });
  EXPECT_NE(msg.find("from 2 studies"), std::string::npos) << msg;
}

// GDCM's recursive scan follows links: a loop is refused before it.
TEST_F(DicomSeriesChoice, ALinkLoopBelowACdExportIsRefused) {
  const std::string d = series("cd", "--nest");
  fs::create_directory_symlink(d, d + "/loop");
  const std::string msg = bd::test::input_error_message([&] { bd::read_image(d, nullptr, bd::ImageRole::ct); });
  EXPECT_NE(msg.find("a link to a folder"), std::string::npos) << msg;
}

// Without a CT, --export-rtdose takes the identity of the DICOM activity series.
TEST_F(DicomSeriesChoice, RtDoseOfAnActivityOnlyCaseReferencesThePet) {
  const std::string pet = series("pet", "--modality PT");
  const auto r = bd::test::run_cli("kernel --method ldm --uniform water --activity " + pet +
                                   " --activity-units bq-per-ml --out " + path("dose.h5") + " --export-rtdose " +
                                   path("rd.dcm"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(fs::exists(path("rd.dcm")));
}

TEST_F(DicomSeriesChoice, IdenticalCopiesOfAFileAreDroppedAndConflictingOnesRefused) {
  // One multi-frame SPECT file twice is a series of one file, read as such.
  fs::create_directories(path("nm"));
  const auto w = bd::test::run_program_argv(
      {"/usr/bin/python3", bd::test::source_path("tests/python/make_nm_spect.py"), path("nm/a.dcm")});
  ASSERT_EQ(w.exit_code, 0) << w.output;
  fs::copy_file(path("nm/a.dcm"), path("nm/b.dcm"));
  bd::ImageMetadata nm_meta;
  EXPECT_EQ(bd::read_image(path("nm"), &nm_meta, bd::ImageRole::activity).grid.size[2], 6u);
  EXPECT_NE(notes(nm_meta).find("left out as copies"), std::string::npos) << notes(nm_meta);
  bd::ImageMetadata m;
  const auto ct = bd::read_image(series("copy", "--duplicate 2"), &m, bd::ImageRole::ct);
  EXPECT_EQ(ct.grid.size[2], 6u);
  EXPECT_EQ(m.file_count, 6u);
  EXPECT_NE(notes(m).find("left out as copies"), std::string::npos) << notes(m);
  // The same instance from another export differs in its file meta group only.
  const auto other = bd::read_image(series("other_export", "--duplicate-other-export 3"), &m, bd::ImageRole::ct);
  EXPECT_EQ(other.grid.size[2], 6u);
  EXPECT_NE(notes(m).find("export2_ct_3.dcm"), std::string::npos) << notes(m);
  const std::string d = series("conflict", "--duplicate-different 2");
  const std::string msg = bd::test::input_error_message([&] { bd::read_image(d, nullptr, bd::ImageRole::ct); });
  EXPECT_NE(msg.find("SOP Instance UID"), std::string::npos) << msg;
  EXPECT_NE(msg.find("conflict_ct_2.dcm"), std::string::npos) << msg;
  EXPECT_NE(msg.find("ct_002.dcm"), std::string::npos) << msg;
}

// The 2-voxel border holds the padding value: air (-1000 HU) for a CT, not 62512 HU (63536
// unsigned, intercept -1024) nor -3024 HU; the body keeps its values.
TEST_F(DicomSeriesChoice, PixelPaddingBecomesAir) {
  for (const char* args : {"--padding 63536 --unsigned", "--padding -2000", "--padding -2000 --padding-range-limit -1500"}) {
    SCOPED_TRACE(args);
    bd::ImageMetadata m;
    const auto ct = bd::read_image(series("pad", args), &m, bd::ImageRole::ct);
    EXPECT_FLOAT_EQ(ct(0, 0, 0), -1000.0f);
    EXPECT_FLOAT_EQ(ct(7, 3, 2), -1000.0f);
    EXPECT_FLOAT_EQ(ct(1, 6, 5), -1000.0f);
    EXPECT_FLOAT_EQ(ct(2, 2, 0), 0.0f);
    EXPECT_FLOAT_EQ(ct(3, 3, 2), 1000.0f);
    // 8 x 8 - 4 x 4 border pixels per slice.
    EXPECT_NE(notes(m).find(std::to_string(48 * 6) + " voxels"), std::string::npos) << notes(m);
    fs::remove_all(path("pad"));
  }
}

// 0.625 mm slices whose positions are written to 0.01 or 0.1 mm: steps of 0.62/0.63 or 0.6/0.7
// mm, read at the series' mean step; one slice taken out is still a missing slice.
TEST_F(DicomSeriesChoice, RoundedPositionsAreAcceptedAndAMissingSliceIsNot) {
  for (const char* decimals : {"2", "1"}) {
    SCOPED_TRACE(decimals);
    const std::string d = series(std::string("thin") + decimals, std::string("--slices 40 --slice-mm 0.625 --ipp-decimals ") + decimals);
    const auto ct = bd::read_image(d, nullptr, bd::ImageRole::ct);
    EXPECT_EQ(ct.grid.size[2], 40u);
    EXPECT_NEAR(ct.grid.spacing_mm[2], 0.625, 2e-3);
  }
  // An oblique series written to 0.1 mm: its origins move within the plane by the rounding.
  const auto oblique = bd::read_image(series("oblique", "--slices 40 --slice-mm 0.625 --ipp-decimals 1 --oblique-deg 20"),
                                      nullptr, bd::ImageRole::ct);
  EXPECT_NEAR(oblique.grid.spacing_mm[2], 0.625, 2e-3);
  const std::string d = series("gap", "--slices 40 --slice-mm 0.625 --ipp-decimals 2");
  fs::remove(d + "/ct_020.dcm");
  const std::string msg = bd::test::input_error_message([&] { bd::read_image(d, nullptr, bd::ImageRole::ct); });
  EXPECT_NE(msg.find("ct_021.dcm"), std::string::npos) << msg;
  EXPECT_NE(msg.find("missing"), std::string::npos) << msg;
}

// Label -1 is betadose's air outside a label image; the image's own -1 voxels were read as air.
TEST_F(DicomSeriesChoice, LabelMinusOneInsideALabelImageMustBeInTheTable) {
  bd::Grid g;
  g.size = {{4, 4, 4}};
  g.spacing_mm = {{4, 4, 4}};
  bd::Volume<float> labels(g, 1.0f), act(g, 1.0f);
  labels(1, 1, 1) = -1.0f;
  bd::write_image(path("labels.nii"), labels);
  bd::write_image(path("act.nii"), act);
  {
    std::ofstream t(path("table.csv"));
    t << "label,material,density_g_cm3\n1,water,\n";
  }
  const std::string args = "kernel --method ldm --labels " + path("labels.nii") + " --material-table " +
                           path("table.csv") + " --activity " + path("act.nii") + " --total-activity-gbq 1 --out " +
                           path("dose.h5");
  auto r = bd::test::run_cli(args);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("labels -1 are not listed"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(path("dose.h5")));
  {
    std::ofstream t(path("table.csv"));
    t << "label,material,density_g_cm3\n-1,lung,0.3\n1,water,\n";
  }
  r = bd::test::run_cli(args);
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

}  // namespace
