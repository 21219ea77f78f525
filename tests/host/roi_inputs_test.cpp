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
    std::vector<std::string> argv{"/usr/bin/python3", bd::test::source_path("tests/python/" + script)};
    for (const auto& a : bd::test::split_args(args)) argv.push_back(a);
    const auto r = bd::test::run_program_argv(argv);
    ASSERT_EQ(r.exit_code, 0) << args << "\n" << r.output;
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
  // mc: --lung-mask and --uncertainty-mask by segment name (either spelling).
  r = bd::test::run_cli("mc --uniform water --activity " + a + " --activity-units bq --segmentation " +
                        path("lps.seg.nrrd") + " --lung-shunt 0.1 --lung-mask \"Left lobe\" --uncertainty-mask Tumor_1 "
                        "--target-uncertainty 0.9 --histories 20000 --threads 2 --out " + path("mc.h5"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("over mask 'Tumor_1'"), std::string::npos) << r.output;
  {
    const auto f = bd::read_dose_file(path("mc.h5"));
    double lung = 0;
    for (std::size_t v = 0; v < f.activity_bq.size(); ++v) lung += f.roi.at("Left_lobe")[v] ? f.activity_bq[v] : 0.0;
    EXPECT_NEAR(lung / f.total_activity_bq, 0.1, 1e-5);
  }
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
  // Writers' variants: a gap in the segment numbers dropped the segments after it, missing
  // Layer keys put every segment in layer 0, a 0/255 binary layer without LabelValue was empty.
  python("make_seg_nrrd.py", path("gap.seg.nrrd") + " lps gap");
  r = bd::test::run_cli(base + " --segmentation " + path("gap.seg.nrrd"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("numbered with a gap"), std::string::npos) << r.output;
  python("make_seg_nrrd.py", path("nolayer.seg.nrrd") + " lps no-layer-keys");
  r = bd::test::run_cli(base + " --segmentation " + path("nolayer.seg.nrrd"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("Segment0_Layer is missing in a file of 2 layers"), std::string::npos) << r.output;
  python("make_seg_nrrd.py", path("b255.seg.nrrd") + " lps binary-255");
  r = bd::test::run_cli(base + " --segmentation " + path("b255.seg.nrrd"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Left_lobe: 144 voxels"), std::string::npos) << r.output;  // 6 x 6 x 4
  fs::remove(path("o.h5"));
  // A segmentation given as a plain mask says what to use.
  r = bd::test::run_cli(base + " --mask seg=" + path("s.seg.nrrd"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("--segmentation"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(path("o.h5")));
}

}  // namespace

namespace {

struct RoiShape {
  double volume_mm3 = 0;
  bd::Vec3 centroid{{0, 0, 0}};
};
RoiShape shape_of(const bd::DoseFile& f, const std::string& roi) {
  RoiShape s;
  const auto& m = f.roi.at(roi);
  const auto& g = f.grid;
  std::size_t n = 0;
  for (std::size_t k = 0; k < g.size[2]; ++k)
    for (std::size_t j = 0; j < g.size[1]; ++j)
      for (std::size_t i = 0; i < g.size[0]; ++i)
        if (m[g.linear_index(i, j, k)]) {
          const bd::Vec3 p = g.index_to_physical({{double(i), double(j), double(k)}});
          for (int a = 0; a < 3; ++a) s.centroid[a] += p[a];
          ++n;
        }
  for (int a = 0; a < 3; ++a) s.centroid[a] /= double(n);
  s.volume_mm3 = double(n) * g.voxel_volume_mm3();
  return s;
}

// RT structure set of tests/python/make_rtstruct.py: a sphere (r 15 mm at (3.3, -4.1, 21.7))
// and a ring with a hole (radii 20/10 mm, 12 mm of slabs centred at z = -10.75), on a 1.5 mm
// grid and on the same grid with its y and z axes reversed. The slab model's volumes: the
// sphere sum_m pi (r^2 - (z_m - cz)^2) 2 mm = 14136 mm3 (4/3 pi r^3 = 14137), the ring
// pi (20^2 - 10^2) 12 = 11310 mm3.
TEST_F(RoiInputs, RtStructSphereAndRingWithHole) {
  python("make_rtstruct.py", path("rs.dcm"));
  bd::Grid g;
  g.size = {{44, 44, 40}};
  g.spacing_mm = {{1.5, 1.5, 1.5}};
  g.origin_mm = {{-31.1, -28.3, -19.9}};
  bd::Grid flipped = g;
  flipped.direction = {{1, 0, 0, 0, -1, 0, 0, 0, -1}};
  flipped.origin_mm[1] = g.origin_mm[1] + 1.5 * 43;
  flipped.origin_mm[2] = g.origin_mm[2] + 1.5 * 39;
  double sphere_model = 0;
  for (int m = -20; m < 40; ++m) {
    const double z = 0.25 + 2 * m, dz = z - 21.7;
    if (std::abs(dz) < 15) sphere_model += M_PI * (225 - dz * dz) * 2;
  }
  const double ring_model = M_PI * (400 - 100) * 12;
  for (const bd::Grid& grid : {g, flipped}) {
    const std::string act = path("act.nii.gz"), out = path("rs.h5");
    bd::write_image(act, bd::Volume<float>(grid, 1.0f));
    fs::remove(out);
    const auto r = bd::test::run_cli("kernel --method ldm --uniform water --activity " + act +
                                     " --activity-units bq --rtstruct " + path("rs.dcm") + " --out " + out);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output.find("W: "), std::string::npos) << "DCMTK warnings leak: " << r.output;
    EXPECT_NE(r.output.find("ROI 3 'Marker' of " + path("rs.dcm") + " has no closed planar contour"), std::string::npos)
        << r.output;
    const auto f = bd::read_dose_file(out);
    ASSERT_EQ(f.roi.size(), 2u);
    const RoiShape sphere = shape_of(f, "Sphere_GTV"), ring = shape_of(f, "Ring_wall");
    EXPECT_NEAR(sphere.volume_mm3 / sphere_model, 1.0, 0.01);
    EXPECT_NEAR(sphere.volume_mm3 / (4.0 / 3.0 * M_PI * 15 * 15 * 15), 1.0, 0.01);
    EXPECT_NEAR(ring.volume_mm3 / ring_model, 1.0, 0.01);
    const bd::Vec3 sc{{3.3, -4.1, 21.7}}, rc{{-5.2, 6.9, -10.75}};
    for (int a = 0; a < 3; ++a) {
      EXPECT_NEAR(sphere.centroid[a], sc[a], 0.75) << a;  // half a voxel
      EXPECT_NEAR(ring.centroid[a], rc[a], 0.75) << a;
    }
    // The hole is empty: the voxel at the ring's axis, mid-height.
    const bd::Vec3 axis = grid.physical_to_index({{-5.2, 6.9, -10.75}});
    EXPECT_EQ(f.roi.at("Ring_wall")[grid.linear_index(std::size_t(std::lround(axis[0])), std::size_t(std::lround(axis[1])),
                                                      std::size_t(std::lround(axis[2])))],
              0);
  }
  // Not a structure set, and an ROI name used twice.
  auto r = bd::test::run_cli("kernel --method ldm --uniform water --activity " + path("act.nii.gz") +
                             " --activity-units bq --rtstruct " + path("act.nii.gz") + " --out " + path("x.h5"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find(path("act.nii.gz") + ": cannot be read as DICOM"), std::string::npos) << r.output;
  r = bd::test::run_cli("kernel --method ldm --uniform water --activity " + path("act.nii.gz") +
                        " --activity-units bq --rtstruct " + path("rs.dcm") + " --rtstruct " + path("rs.dcm") +
                        " --out " + path("x.h5"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("'Sphere_GTV' is given twice"), std::string::npos) << r.output;
}

// Two contours of one ROI and plane that overlap without nesting (two lesions drawn as
// separate circles): the even-odd rule, which other RTSTRUCT readers apply too, leaves the
// overlap out. That stays, but is no longer silent: the warning names the contours, the plane
// and the area. The ROI's volume is the even-odd one, 6 planes x 2 mm x (2 pi 36 - 2 x 24.78)
// mm2 (circles of 6 mm, 8 mm apart: overlap 2 r^2 acos(d/2r) - (d/2) sqrt(4r^2 - d^2)).
TEST_F(RoiInputs, RtStructContoursOverlappingWithoutNestingAreReported) {
  python("make_rtstruct.py", path("ov.dcm") + " --overlap");
  bd::Grid g;
  g.size = {{44, 44, 40}};
  g.spacing_mm = {{1.5, 1.5, 1.5}};
  g.origin_mm = {{-31.1, -28.3, -19.9}};
  const std::string act = path("act.nii.gz"), out = path("ov.h5");
  bd::write_image(act, bd::Volume<float>(g, 1.0f));
  const auto r = bd::test::run_cli("kernel --method ldm --uniform water --activity " + act +
                                   " --activity-units bq --rtstruct " + path("ov.dcm") + " --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("'Two lesions' of " + path("ov.dcm") + ": 6 pair(s) of contours on one plane overlap"),
            std::string::npos) << r.output;
  EXPECT_NE(r.output.find("contours 1 and 2 at -15.75 mm (24.8 mm2)"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("3 more"), std::string::npos) << r.output;
  // Nested contours (the ring's hole) and separate ROIs are not reported.
  EXPECT_EQ(r.output.find("'Ring wall' of " + path("ov.dcm") + ": "), std::string::npos) << r.output;
  const double overlap = 2 * 36 * std::acos(8.0 / 12.0) - 4 * std::sqrt(144.0 - 64.0);
  const auto f = bd::read_dose_file(out);
  EXPECT_NEAR(shape_of(f, "Two_lesions").volume_mm3 / (12 * (2 * M_PI * 36 - 2 * overlap)), 1.0, 0.03);
}

// ROIs of one structure set drawn on slices of different series: the ring on 4 mm planes
// beside the sphere's 2 mm. One slab for the whole set (its median, 2 mm) gave the ring half
// its volume with exit 0; each ROI now takes its own plane spacing.
TEST_F(RoiInputs, RtStructRoisOnDifferentSliceSpacingsKeepTheirVolumes) {
  python("make_rtstruct.py", path("rs4.dcm") + " --ring-spacing-mm 4");
  bd::Grid g;
  g.size = {{44, 44, 40}};
  g.spacing_mm = {{1.5, 1.5, 1.5}};
  g.origin_mm = {{-31.1, -28.3, -19.9}};
  const std::string act = path("act.nii.gz"), out = path("rs.h5");
  bd::write_image(act, bd::Volume<float>(g, 1.0f));
  const auto r = bd::test::run_cli("kernel --method ldm --uniform water --activity " + act +
                                   " --activity-units bq --rtstruct " + path("rs4.dcm") + " --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("(slab 4 mm)"), std::string::npos) << r.output;
  const auto f = bd::read_dose_file(out);
  EXPECT_NEAR(shape_of(f, "Ring_wall").volume_mm3 / (M_PI * (400 - 100) * 12), 1.0, 0.01);
  EXPECT_NEAR(shape_of(f, "Sphere_GTV").volume_mm3 / (4.0 / 3.0 * M_PI * 15 * 15 * 15), 1.0, 0.01);
  // A stray point 100 km away made the rasteriser lay rows over its extent (no result after
  // minutes); a NaN was reported as "zero area". Both name the ROI, contour and value now.
  for (const char* x : {"1e8", "nan"}) {
    python("make_rtstruct.py", path("bad.dcm") + " --bad-x " + x);
    const auto b = bd::test::run_cli("kernel --method ldm --uniform water --activity " + act +
                                     " --activity-units bq --rtstruct " + path("bad.dcm") + " --out " + out);
    EXPECT_EQ(b.exit_code, 2) << b.output;
    EXPECT_NE(b.output.find("ROI 'Sphere GTV' contour 1: Contour Data (3006,0050) value 1"), std::string::npos) << b.output;
  }
}

// Structures drawn in another Frame of Reference than the DICOM images they are used with
// were rasterised as if they were in it (exit 0).
TEST_F(RoiInputs, RtStructInAnotherFrameOfReferenceIsRefusedUnlessAccepted) {
  const std::string pet = path("pet");
  {
    const auto w = bd::test::run_program_argv({"/usr/bin/python3", bd::test::source_path("tests/python/make_pet_series.py"),
                                               pet, "BQML", "START"});
    ASSERT_EQ(w.exit_code, 0) << w.output;
  }
  python("make_rtstruct.py", path("other.dcm"));
  python("make_rtstruct.py", path("same.dcm") + " --frame-from " + pet + "/pt000.dcm");
  const std::string base = "kernel --method ldm --uniform water --activity " + pet + " --out " + path("o.h5") + " --rtstruct ";
  auto r = bd::test::run_cli(base + path("other.dcm"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("Referenced Frame of Reference UID (3006,0024)"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("--accept-frame-mismatch"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(path("o.h5")));
  r = bd::test::run_cli(base + path("same.dcm"));
  EXPECT_EQ(r.exit_code, 0) << r.output;  // (its ROIs lie outside this small PET: warnings)
  r = bd::test::run_cli(base + path("other.dcm") + " --accept-frame-mismatch");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("accepted: --accept-frame-mismatch"), std::string::npos) << r.output;
}

}  // namespace
