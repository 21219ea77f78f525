// ROIs from the inputs physicists have (issue 10): 3D Slicer segmentations (two layers,
// overlapping segments, names with spaces, LPS and RAS), label values of a label image, and
// DICOM RT structure sets (a sphere and a ring with a hole, rasterised in physical space).
// The files are written by tests/python/make_*.py.
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "betadose/dose_file.hh"
#include "betadose/image_io.hh"
#include "betadose/segmentation_io.hh"
#include "cli_runner.hh"
#include "tests/support/paths.hh"

namespace fs = std::filesystem;

namespace {

class RoiInputs : public ::testing::Test {
 protected:
  fs::path dir;
  void SetUp() override {
    dir = fs::temp_directory_path() /
          ("bd_roi_" + std::to_string(::getpid()) + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }
  std::string path(const std::string& name) const { return (dir / name).string(); }
  void python(const std::string& script, const std::string& args) const {
    const std::string cmd = "/usr/bin/python3 " + bd::test::source_path("tests/python/" + script) + " " + args;
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
};

// The segmentation grid of make_seg_nrrd.py (LPS) and its boxes.
bd::Grid seg_grid() {
  bd::Grid g;
  g.size = {{20, 16, 12}};
  g.spacing_mm = {{2, 2.5, 3}};
  g.origin_mm = {{-20, -15, 10}};
  return g;
}

struct Box {
  const char* roi;
  std::array<int, 6> b;  // i0 i1 j0 j1 k0 k1, inclusive
};
const Box kBoxes[] = {{"Left_lobe", {2, 7, 2, 7, 2, 5}},
                      {"Tumor_1", {8, 11, 5, 8, 3, 7}},
                      {"Perfused_territory", {5, 12, 4, 10, 2, 9}}};

std::vector<std::uint8_t> box_mask(const bd::Grid& g, const std::array<int, 6>& b) {
  std::vector<std::uint8_t> m(g.voxel_count(), 0);
  for (int k = b[4]; k <= b[5]; ++k)
    for (int j = b[2]; j <= b[3]; ++j)
      for (int i = b[0]; i <= b[1]; ++i) m[g.linear_index(i, j, k)] = 1;
  return m;
}

TEST_F(RoiInputs, SlicerSegmentationTwoLayersLpsAndRas) {
  python("make_seg_nrrd.py", path("lps.seg.nrrd") + " lps");
  python("make_seg_nrrd.py", path("ras.seg.nrrd") + " ras");
  // The reader: same physical geometry and segments from both spaces.
  const auto lps = bd::read_segmentation(path("lps.seg.nrrd"));
  const auto ras = bd::read_segmentation(path("ras.seg.nrrd"));
  EXPECT_EQ(lps.space, "left-posterior-superior");
  EXPECT_EQ(ras.space, "right-anterior-superior");
  EXPECT_TRUE(lps.grid.same_geometry(seg_grid(), 1e-9)) << lps.grid.describe();
  EXPECT_TRUE(ras.grid.same_geometry(seg_grid(), 1e-9)) << ras.grid.describe();
  ASSERT_EQ(lps.segments.size(), 3u);
  EXPECT_EQ(lps.layers, 2);
  EXPECT_EQ(lps.segments[0].name, "Left lobe");
  EXPECT_EQ(lps.segments[2].layer, 1);

  // Activity 1 Bq per voxel on a 4 mm grid over the same region: ROIs come onto the dose grid
  // by nearest neighbour, overlapping segments each keep their voxels.
  bd::Volume<float> act(seg_grid(), 1.0f);
  const std::string a = path("act.mha");
  bd::write_image(a, act);
  for (const std::string space : {"lps", "ras"}) {
    const std::string out = path(space + ".h5");
    const auto r = bd::test::run_cli("kernel --method ldm --uniform water --activity " + a +
                                     " --activity-units bq --segmentation " + path(space + ".seg.nrrd") +
                                     " --activity-mask \"Perfused territory\" --out " + out);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("space " + std::string(space == "lps" ? "left-posterior-superior" : "right-anterior-superior")),
              std::string::npos) << r.output;
    const auto f = bd::read_dose_file(out);
    ASSERT_EQ(f.roi.size(), 3u);
    for (const auto& box : kBoxes) {
      ASSERT_EQ(f.roi.count(box.roi), 1u) << box.roi;
      EXPECT_EQ(f.roi.at(box.roi), box_mask(f.grid, box.b)) << space << " " << box.roi;
      EXPECT_NE(r.output.find("\n" + std::string(box.roi) + " "), std::string::npos) << r.output;  // ROI table row
    }
    // --activity-mask by the segment's own name: activity only in the perfused territory.
    double total = 0;
    for (float v : f.activity_bq) total += v;
    EXPECT_NEAR(total, 8 * 7 * 8, 1e-3);
    EXPECT_NE(f.text.at("provenance").find("roi/Tumor_1  [segment 1 'Tumor 1' of"), std::string::npos);
  }
  // Names usable wherever a mask name is: analyze (--roi-lq in either spelling), plan roles.
  auto r = bd::test::run_cli("analyze " + path("lps.h5") + " --roi-lq \"Left lobe=2.5,2.5\" --roi-lq Tumor_1=10,1.5");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  r = bd::test::run_cli("analyze " + path("lps.h5") + " --roi-lq \"Right lobe=2.5,2.5\"");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("Left_lobe, Perfused_territory, Tumor_1"), std::string::npos) << r.output;
  r = bd::test::run_cli("plan --method partition --target-dose-gy 40 --lung-shunt 0.05 --segmentation " +
                        path("ras.seg.nrrd") + " --tumour-roi \"Tumor 1\" --liver-roi Perfused_territory --activity " + a +
                        " --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("V_T = 1.2 ml, V_N = 5.52 ml, T/N = 1 "), std::string::npos) << r.output;  // 80, 448-80 voxels of 15 ul
  // compare takes --segmentation too.
  r = bd::test::run_cli("compare " + path("lps.h5") + " " + path("ras.h5") + " --segmentation " +
                        path("lps.seg.nrrd") + " --json");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("\"Left_lobe\""), std::string::npos) << r.output;
}

TEST_F(RoiInputs, SegmentationErrorsAndLabelValues) {
  // A plain label image: --mask NAME=FILE:LABEL takes one label.
  bd::Volume<float> labels(seg_grid(), 0.0f);
  for (std::size_t v = 0; v < labels.data.size(); ++v) labels.data[v] = float(v % 4);
  const std::string lab = path("labels.nii.gz"), a = path("act.mha");
  bd::write_image(lab, labels);
  bd::write_image(a, bd::Volume<float>(seg_grid(), 1.0f));
  const std::string base = "kernel --method ldm --uniform water --activity " + a + " --activity-units bq --out " + path("o.h5");
  auto r = bd::test::run_cli(base + " --mask three=" + lab + ":3 --mask all=" + lab);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto f = bd::read_dose_file(path("o.h5"));
  for (std::size_t v = 0; v < labels.data.size(); ++v) {
    ASSERT_EQ(f.roi.at("three")[v], v % 4 == 3 ? 1 : 0);
    ASSERT_EQ(f.roi.at("all")[v], v % 4 != 0 ? 1 : 0);
  }
  fs::remove(path("o.h5"));
  r = bd::test::run_cli(base + " --mask five=" + lab + ":5");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("no voxel has label 5 (labels present: 1, 2, 3)"), std::string::npos) << r.output;
  // A multi-component image that is not a segmentation, and a duplicate ROI name.
  python("make_seg_nrrd.py", path("s.seg.nrrd") + " lps");
  r = bd::test::run_cli(base + " --segmentation " + path("s.seg.nrrd") + " --mask Tumor_1=" + lab + ":1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("ROI name 'Tumor_1' is given twice"), std::string::npos) << r.output;
  bd::write_image(path("labels.nrrd"), labels);
  r = bd::test::run_cli(base + " --segmentation " + path("labels.nrrd"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("not a 3D Slicer segmentation"), std::string::npos) << r.output;
  // A segmentation given as a plain mask says what to use.
  r = bd::test::run_cli(base + " --mask seg=" + path("s.seg.nrrd"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("--segmentation"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(path("o.h5")));
}

}  // namespace
