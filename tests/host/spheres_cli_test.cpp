// `betadose spheres` as scripts run it: the JSON contract of DESIGN.md §4 / issue 13, the HDF5
// file, the PNG, patient mode on a small generated case, and bad inputs (exit 2, the option
// named, no output left behind).
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "betadose/image_io.hh"
#include "betadose/spheres_file.hh"
#include "cli_runner.hh"

namespace fs = std::filesystem;

namespace {

fs::path dir() {
  static const fs::path d = [] {
    auto p = fs::temp_directory_path() / ("betadose_spheres_cli_" + std::to_string(::getpid()));
    fs::create_directories(p);
    return p;
  }();
  return d;
}

// Small and fast: a 3 mm box of 100 µm voxels, a 5000-history kernel cached for the binary.
std::string quick(const std::string& extra) {
  return "spheres --box-mm 3 --voxel-um 100 --realisations 2 --kernel-histories 5000 --threads 1 --kernel-cache " +
         (dir() / "cache").string() + " " + extra;
}

// The JSON object printed on stdout (the last line starting with '{').
std::string json_line(const std::string& out) {
  std::string last;
  std::size_t pos = 0;
  while (pos < out.size()) {
    const std::size_t end = out.find('\n', pos);
    const std::string line = out.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    if (!line.empty() && line[0] == '{') last = line;
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  return last;
}

int count(const std::string& s, const std::string& what) {
  int n = 0;
  for (std::size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

}  // namespace

TEST(SpheresCli, JsonHasTheContractedKeys) {
  const auto out = dir() / "box.h5";
  const auto r = bd::test::run_cli(quick("--product glass,resin --mean-dose-gy 120 --model poisson --seed 1 --out " +
                                         out.string() + " --json"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string j = json_line(r.output);
  ASSERT_EQ(j.rfind("{\"results\": [", 0), 0u) << j;
  for (const char* key : {"\"product\"", "\"model\"", "\"spheres_per_ml\"", "\"activity_per_sphere_bq\"", "\"mean_dose_gy\"",
                          "\"d98_gy\"", "\"d90_gy\"", "\"d70_gy\"", "\"d50_gy\"", "\"d10_gy\"", "\"d2_gy\"", "\"cv\"",
                          "\"fraction_below_gy\": {\"30\": ", "\"40\": ", "\"70\": ", "\"realisations\": 2"}) {
    // Once per product in the means; the sd object repeats the statistics (not product/model/realisations).
    EXPECT_GE(count(j, key), 2) << key << " in " << j;
  }
  EXPECT_EQ(count(j, "\"product\": \"glass\""), 1);
  EXPECT_EQ(count(j, "\"product\": \"resin\""), 1);
  EXPECT_EQ(count(j, "lobules_below_40gy_fraction"), 0);  // tree only
  // Glass: 2500 Bq per sphere; resin 50 Bq; equal mean dose → ~50× the spheres.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(j, m, std::regex("\"product\": \"glass\", \"model\": \"poisson\", \"spheres_per_ml\": ([0-9.e+]+), "
                                                 "\"activity_per_sphere_bq\": 2500, \"mean_dose_gy\": ([0-9.e+]+)")))
      << j;
  EXPECT_NEAR(std::stod(m[1]), 1020, 60);
  EXPECT_NEAR(std::stod(m[2]), 119, 3);
  const auto s = bd::read_spheres_file_summary(out.string());
  ASSERT_EQ(s.products.size(), 2u);
  EXPECT_EQ(s.realisations, 2u);
  EXPECT_GT(s.dvh_bins, 100u);
}

TEST(SpheresCli, TreeReportsLobulesAndDecayedGlassNeedsMoreSpheres) {
  const auto out = dir() / "tree.h5";
  const auto r = bd::test::run_cli(quick("--product glass --mean-dose-gy 120 --model tree --tree-p 0.6 --lobule-volume-mm3 0.05 "
                                         "--days-after-calibration 8 --out " + out.string() + " --json"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string j = json_line(r.output);
  EXPECT_EQ(count(j, "\"lobules_below_40gy_fraction\""), 2) << j;  // mean and sd
  // Day 8: 2500 Bq × 2^(-192/64.1) = 313.8 Bq per sphere.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(j, m, std::regex("\"activity_per_sphere_bq\": ([0-9.]+)"))) << j;
  EXPECT_NEAR(std::stod(m[1]), 313.8, 0.5);
}

TEST(SpheresCli, PngOfTheBands) {
  if (!fs::exists("/usr/bin/python3")) GTEST_SKIP() << "no /usr/bin/python3";
  const auto out = dir() / "png.h5";
  const auto png = dir() / "bands.png";
  const auto r = bd::test::run_cli(quick("--product glass,resin --mean-dose-gy 120 --out " + out.string() + " --png " +
                                         png.string()));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::ifstream in(png, std::ios::binary);
  char sig[8] = {};
  in.read(sig, 8);
  EXPECT_EQ(std::string(sig + 1, 3), "PNG");
}

TEST(SpheresCli, BadInputsExitTwoNamingTheOptionWithoutOutput) {
  const auto out = dir() / "bad.h5";
  const auto png = dir() / "bad.png";
  struct Case {
    std::string args, fragment;
  };
  const std::string o = " --out " + out.string() + " --png " + png.string();
  const Case cases[] = {
      {"--product glass --mean-dose-gy 120 --model grid" + o, "--model"},
      {"--product glass --mean-dose-gy 120 --voxel-um 10" + o, "--voxel-um"},
      {"--product glass --mean-dose-gy 120 --box-mm 3.05" + o, "--box-mm"},
      {"--product unobtainium --mean-dose-gy 120" + o, "--product"},
      {"--product glass" + o, "--mean-dose-gy"},
      {"--product glass --mean-dose-gy -5" + o, "--mean-dose-gy"},
      {"--product custom --mean-dose-gy 120" + o, "--sphere-activity-bq"},
      {"--product glass --mean-dose-gy 120 --sphere-activity-bq 10" + o, "custom"},
      {"--product glass --mean-dose-gy 120 --model tree --tree-p 1.5" + o, "--tree-p"},
      {"--product glass --mean-dose-gy 120 --days-after-calibration -1" + o, "--days-after-calibration"},
      {"--product glass --mean-dose-gy 120 --realisations 0" + o, "--realisations"},
      {"--product glass,glass --mean-dose-gy 120" + o, "twice"},
      {"--product glass --mean-dose-gy 120 --roi liver" + o, "--activity"},
      {"--product glass --mean-dose-gy 120 --export " + (dir() / "x.nii.gz").string() + o, "--export"},
      {"--product glass --mean-dose-gy 120 --out " + (dir() / "no_such_dir" / "x.h5").string(), "--out"},
  };
  for (const auto& c : cases) {
    const auto r = bd::test::run_cli(quick(c.args));
    EXPECT_EQ(r.exit_code, 2) << c.args << "\n" << r.output;
    EXPECT_NE(r.output.find(c.fragment), std::string::npos) << c.args << "\n" << r.output;
    EXPECT_FALSE(fs::exists(out)) << c.args;
    EXPECT_FALSE(fs::exists(png)) << c.args;
  }
  // Nothing staged is left in the directory either.
  for (const auto& e : fs::directory_iterator(dir()))
    EXPECT_EQ(e.path().filename().string().find(".betadose-tmp"), std::string::npos) << e.path();
}

TEST(SpheresCli, PatientModeWorksInsideTheRoi) {
  // Uniform liver (labels + material table) of 2 mm voxels, 3 MBq spread over a 6^3-voxel ROI
  // "liver" (12 mm cube); spheres lodge only in the ROI.
  bd::Grid g;
  g.size = {14, 14, 14};
  g.spacing_mm = {2, 2, 2};
  bd::Volume<float> lab(g, 1.0f), act(g, 0.0f), mask(g, 0.0f);
  for (std::size_t z = 4; z < 10; ++z)
    for (std::size_t y = 4; y < 10; ++y)
      for (std::size_t x = 4; x < 10; ++x) {
        act(x, y, z) = 3e6f / 216.0f;
        mask(x, y, z) = 1.0f;
      }
  const auto d = dir();
  bd::write_image((d / "labels.mha").string(), lab);
  std::ofstream((d / "table.csv")) << "label,material,density_g_cm3\n1,liver,1.06\n";
  bd::write_image((d / "act.mha").string(), act);
  bd::write_image((d / "liver.mha").string(), mask);
  const auto out = d / "roi.h5";
  const std::string args = "spheres --product glass,resin --model poisson --voxel-um 250 --realisations 1 "
                           "--kernel-histories 5000 --threads 1 --kernel-cache " + (d / "cache").string() +
                           " --roi liver --labels " + (d / "labels.mha").string() + " --material-table " +
                           (d / "table.csv").string() + " --activity " + (d / "act.mha").string() +
                           " --activity-units bq --mask liver=" + (d / "liver.mha").string() + " --out " + out.string() +
                           " --json";
  const auto r = bd::test::run_cli(args);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string j = json_line(r.output);
  // 3 MBq in 1.728 mL: 1200 glass spheres (694 per mL, within the stochastic rounding of the
  // 216 case voxels' counts: sd <= sqrt(216)/2 spheres).
  std::smatch m;
  ASSERT_TRUE(std::regex_search(j, m, std::regex("\"product\": \"glass\", \"model\": \"poisson\", \"spheres_per_ml\": ([0-9.e+]+)")))
      << j;
  EXPECT_NEAR(std::stod(m[1]), 3e6 / 2500 / 1.728, 4 * std::sqrt(216.0) / 2 / 1.728);
  // Mean dose over the ROI: 49.8 J/GBq × 3 MBq over 1.83 g = 82 Gy if nothing left the 12 mm
  // cube; 90Y loses a fifth or so through its faces: 55-75 Gy, the same for both products.
  std::vector<double> means;
  const std::regex mean_re("\"mean_dose_gy\": ([0-9.e+]+), \"d98");
  for (auto it = std::sregex_iterator(j.begin(), j.end(), mean_re);
       it != std::sregex_iterator(); ++it)
    means.push_back(std::stod((*it)[1]));
  ASSERT_EQ(means.size(), 4u) << j;  // each product's mean and the one in its "sd" object
  for (double x : {means[0], means[2]}) {
    EXPECT_GT(x, 55);
    EXPECT_LT(x, 75);
  }
  EXPECT_NEAR(means[0], means[2], 0.03 * means[2]);
  // An unknown ROI is named.
  auto bad = args;
  bad.replace(bad.find("--roi liver"), 11, "--roi tumour");
  const auto b = bd::test::run_cli(bad);
  EXPECT_EQ(b.exit_code, 2) << b.output;
  EXPECT_NE(b.output.find("--roi tumour"), std::string::npos) << b.output;
}
