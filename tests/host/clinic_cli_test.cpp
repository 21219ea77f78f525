// The clinic outputs of `mc` and `kernel` (issue 16): the TG-268 record in the dose file holds
// the parameters the run used, and --export-rtdose writes the RT Dose and its RT Plan (their
// content is checked by tests/clinic/rtdose_test.py with pydicom and dciodvfy).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "betadose/dose_file.hh"
#include "betadose/image_io.hh"
#include "betadose/physics_models.hh"
#include "betadose/transport_physics.hh"
#include "cli_runner.hh"

namespace fs = std::filesystem;

namespace {

class ClinicCli : public ::testing::Test {
 protected:
  fs::path dir;
  std::string ct_dir, act;

  void SetUp() override {
    dir = fs::temp_directory_path() / ("bd_clinic_" + std::to_string(::getpid()) + "_" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
    bd::Grid g;
    g.size = {{12, 12, 12}};
    g.spacing_mm = {{3, 3, 3}};
    g.origin_mm = {{-16.5, -16.5, -16.5}};
    bd::Volume<float> hu(g, -1000.0f);  // air around a soft-tissue block
    for (std::size_t k = 1; k < 11; ++k)
      for (std::size_t j = 1; j < 11; ++j)
        for (std::size_t i = 1; i < 11; ++i) hu(i, j, k) = 40.0f;
    ct_dir = (dir / "ct").string();
    bd::write_dicom_series(ct_dir, hu, "CT");
    bd::Volume<float> counts(g, 0.0f);
    for (std::size_t k = 4; k < 8; ++k)
      for (std::size_t j = 4; j < 8; ++j)
        for (std::size_t i = 4; i < 8; ++i) counts(i, j, k) = 100.0f;
    act = (dir / "spect.mha").string();
    bd::write_image(act, counts);
  }
  void TearDown() override { fs::remove_all(dir); }
  std::string path(const std::string& n) const { return (dir / n).string(); }
};

}  // namespace

TEST_F(ClinicCli, McRecordsItsRunAndExportsRtDose) {
  const auto r = bd::test::run_cli("mc --ct " + ct_dir + " --activity " + act +
                                   " --activity-units counts --total-activity-gbq 1 --histories 4000 "
                                   "--batches 4 --seed 9 --voxel-mm ct --out " + path("dose.h5") +
                                   " --export-rtdose " + path("dose.dcm"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(fs::exists(path("dose.dcm")));
  EXPECT_TRUE(fs::exists(path("dose.rtplan.dcm")));
  const auto f = bd::read_dose_file(path("dose.h5"));
  const auto& p = f.provenance;
  ASSERT_FALSE(p.empty());
  // The cut-off the run matched to the grid: 3 mm voxels at the lowest density present, air,
  // raised to the 0.2 g/cm3 floor (src/transport/voxel_transport.cpp): recomputed here.
  const double ec = bd::matched_cut_energy_MeV(0.3 * 0.2);
  const auto* eabs = p.find("transport_parameters")->find("electron_absorption_energy_MeV");
  ASSERT_NE(eabs, nullptr);
  EXPECT_NEAR(eabs->number, ec, 1e-6 * ec) << "record " << eabs->text;
  EXPECT_NEAR(p.find("transport_parameters")->find("moller_production_threshold_Wcc_MeV")->number, ec, 1e-6 * ec);
  EXPECT_EQ(p.find("random_numbers")->find("seed")->number, 9.0);
  EXPECT_EQ(p.find("statistics")->find("batches")->number, 4.0);
  EXPECT_GE(p.find("statistics")->find("histories")->number, 4000.0);
  EXPECT_EQ(p.find("variance_reduction")->find("range_rejection")->text, "on");
  EXPECT_EQ(p.find("physics")->values.size(), bd::physics_models().size());
  ASSERT_NE(p.find("inputs"), nullptr);
  EXPECT_NE(p.find("inputs")->find("hu_density_calibration"), nullptr);
  EXPECT_NE(p.find("source")->find("units_conversion")->text.find("normalised"), std::string::npos);
  EXPECT_GT(p.find("validation")->values.size(), 5u);
  const auto info = bd::test::run_cli("info " + path("dose.h5"));
  EXPECT_EQ(info.exit_code, 0);
  EXPECT_NE(info.output.find("[variance_reduction] Variance reduction techniques"), std::string::npos);
  EXPECT_NE(info.output.find("git_commit: "), std::string::npos);
}

TEST_F(ClinicCli, KernelRecordsItsMethodAndExportsRtDose) {
  const auto r = bd::test::run_cli("kernel --method ldm --ct " + ct_dir + " --activity " + act +
                                   " --activity-units counts --total-activity-gbq 1 --out " + path("ldm.h5") +
                                   " --export-rtdose " + path("ldm.dcm"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(fs::exists(path("ldm.dcm")));
  const auto f = bd::read_dose_file(path("ldm.h5"));
  ASSERT_NE(f.provenance.find("method"), nullptr);
  EXPECT_EQ(f.provenance.find("method")->find("method")->text, "ldm");
  EXPECT_EQ(f.provenance.find("transport_parameters"), nullptr);  // no transport ran
}

TEST_F(ClinicCli, ExportProblemsAreFoundBeforeTheRun) {
  const auto r = bd::test::run_cli("mc --ct " + ct_dir + " --activity " + act +
                                   " --activity-units counts --total-activity-gbq 1 --histories 4000 --out " +
                                   path("dose.h5") + " --export-rtdose " + path("missing/dose.dcm"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--export-rtdose"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(path("dose.h5")));
  EXPECT_EQ(r.output.find("decays/s"), std::string::npos) << "the transport ran: " << r.output;
}

// A dose computed on one DICOM CT exported onto another scan's series (same box, another
// Frame of Reference) was stamped with that scan's frame, exit 0: the dose file now keeps the
// frame of its DICOM inputs and the export compares them.
TEST_F(ClinicCli, RtDoseExportOntoAnotherScansSeriesIsRefused) {
  const auto r = bd::test::run_cli("kernel --method ldm --ct " + ct_dir + " --activity " + act +
                                   " --activity-units counts --total-activity-gbq 1 --out " + path("ldm.h5"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_FALSE(bd::read_dose_file(path("ldm.h5")).text.at("frame_of_reference_uid").empty());
  const std::string other = path("other_ct");
  bd::write_dicom_series(other, bd::read_image(ct_dir), "CT");  // a new series: a new frame
  auto e = bd::test::run_cli("export " + path("ldm.h5") + " --rtdose " + path("x.dcm") + " --ct " + other);
  EXPECT_EQ(e.exit_code, 2) << e.output;
  EXPECT_NE(e.output.find("Frame of Reference UID (0020,0052)"), std::string::npos) << e.output;
  EXPECT_FALSE(fs::exists(path("x.dcm")));
  e = bd::test::run_cli("export " + path("ldm.h5") + " --rtdose " + path("x.dcm") + " --ct " + ct_dir);
  EXPECT_EQ(e.exit_code, 0) << e.output;
}
