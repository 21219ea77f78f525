// `betadose analyze` on a dose file with analytic content: uniform dose distributions in two ROIs
// whose D_x, V_x, mean, DVH and mean BED are known in closed form.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "betadose/dose_file.hh"
#include "betadose/image_io.hh"
#include "cli_runner.hh"

namespace fs = std::filesystem;

namespace {

// Number following "key": after the first occurrence of `after` (e.g. the ROI's name entry).
double json_number_after(const std::string& json, const std::string& after, const std::string& key) {
  const auto start = json.find(after);
  if (start == std::string::npos) {
    ADD_FAILURE() << after << " missing in " << json;
    return NAN;
  }
  const std::string needle = "\"" + key + "\": ";
  const auto pos = json.find(needle, start);
  if (pos == std::string::npos) {
    ADD_FAILURE() << key << " missing after " << after << " in " << json;
    return NAN;
  }
  return std::strtod(json.c_str() + pos + needle.size(), nullptr);
}

// 10x10x10 grid of 1 ml voxels; voxel n holds (n + 0.5) · 0.1 Gy. ROI liver = n < 500
// (uniform on [0, 50] Gy sampled at slice centres), tumour = n >= 500 (uniform on [50, 100] Gy).
struct Fixture {
  fs::path dir;
  std::string dose_path;
  Fixture() {
    dir = fs::temp_directory_path() / ("betadose_analyze_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    bd::DoseFile f;
    f.grid.size = {10, 10, 10};
    f.grid.spacing_mm = {10, 10, 10};
    std::vector<std::uint8_t> liver(1000, 0), tumour(1000, 0);
    for (std::size_t n = 0; n < 1000; ++n) {
      f.dose_gy.push_back(float((double(n) + 0.5) * 0.1));
      f.dose_rel_uncertainty.push_back(0.02f);
      (n < 500 ? liver : tumour)[n] = 1;
    }
    f.roi["liver"] = liver;
    f.roi["tumour"] = tumour;
    f.nuclide = "Y-90";
    dose_path = (dir / "dose.h5").string();
    bd::write_dose_file(dose_path, f);
  }
  ~Fixture() { fs::remove_all(dir); }
};

}  // namespace

TEST(AnalyzeCli, MetricsBedAndDvhOfUniformDistributions) {
  Fixture fx;
  const std::string dvh = (fx.dir / "dvh.csv").string(), bed = (fx.dir / "bed.h5").string();
  const auto r = bd::test::run_cli("analyze " + fx.dose_path +
                                   " --json --v-gy 50 75 --roi-lq liver=2.5,2.5 --dvh-bin-gy 10"
                                   " --dvh-csv " + dvh + " --bed-out " + bed);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // Uniform on [a, b]: D_x = b - (x/100)(b - a), mean (a + b)/2, V(d) = (b - d)/(b - a).
  // Tolerance 1e-4 Gy: doses are stored as float (~4e-6 Gy at 100 Gy).
  const std::string t = "\"name\": \"tumour\"", l = "\"name\": \"liver\"";
  EXPECT_NEAR(json_number_after(r.output, t, "D90"), 55.0, 1e-4);
  EXPECT_NEAR(json_number_after(r.output, t, "D70"), 65.0, 1e-4);
  EXPECT_NEAR(json_number_after(r.output, t, "mean_dose_gy"), 75.0, 1e-4);
  EXPECT_NEAR(json_number_after(r.output, t, "V50Gy"), 1.0, 1e-12);
  EXPECT_NEAR(json_number_after(r.output, t, "V75Gy"), 0.5, 1e-12);
  EXPECT_NEAR(json_number_after(r.output, l, "D90"), 5.0, 1e-4);
  EXPECT_NEAR(json_number_after(r.output, l, "V50Gy"), 0.0, 1e-12);
  EXPECT_NEAR(json_number_after(r.output, l, "mean_rel_uncertainty"), 0.02, 1e-7);
  EXPECT_NEAR(json_number_after(r.output, l, "volume_ml"), 500.0, 1e-9);
  // Mean voxel BED = mean D + (G/(α/β)) mean D², G = T_rep/(T_rep + T½), T½ = 64.1 h (Y-90 data);
  // mean D² of N slice centres of [a, b] = (a² + ab + b²)/3 - h²/12, h = (b - a)/N = 0.1 Gy.
  //   tumour (α/β 10, T_rep 1.5 h): 75 + (1.5/65.6)/10 · 5833.33250 = 88.338415 Gy; EQD2 = BED/1.2
  //   liver (--roi-lq 2.5 Gy, 2.5 h): 25 + (2.5/66.6)/2.5 · 833.33250 = 37.512500 Gy; EQD2 = BED/1.8
  const double bed_t = 75.0 + (1.5 / 65.6) / 10.0 * (17500.0 / 3.0 - 0.01 / 12.0);
  const double bed_l = 25.0 + (2.5 / 66.6) / 2.5 * (2500.0 / 3.0 - 0.01 / 12.0);
  EXPECT_NEAR(json_number_after(r.output, t, "mean_bed_gy"), bed_t, 1e-3);
  EXPECT_NEAR(json_number_after(r.output, t, "mean_eqd2_gy"), bed_t / 1.2, 1e-3);
  EXPECT_NEAR(json_number_after(r.output, l, "mean_bed_gy"), bed_l, 1e-3);
  EXPECT_NEAR(json_number_after(r.output, l, "mean_eqd2_gy"), bed_l / 1.8, 1e-3);

  // DVH every 10 Gy: liver V(d) = 1 - d/50 up to 50 Gy, tumour 1 up to 50 Gy then (100 - d)/50.
  std::ifstream is(dvh);
  std::string header, line;
  std::getline(is, header);
  EXPECT_EQ(header, "dose_Gy,liver_volume_fraction,tumour_volume_fraction");
  std::vector<std::string> lines;
  while (std::getline(is, line)) lines.push_back(line);
  ASSERT_EQ(lines.size(), 11u);  // 0, 10, ..., 100 Gy
  EXPECT_EQ(lines[2], "20,0.6,1");
  EXPECT_EQ(lines[7], "70,0,0.6");
  EXPECT_EQ(lines[10], "100,0,0");

  // BED map: voxel n, D = (n + 0.5) 0.1 Gy, BED = D (1 + D G/10); relative uncertainty
  // 0.02 (1 + 2x)/(1 + x), x = D G/10 (first-order propagation).
  const bd::DoseFile b = bd::read_dose_file(bed);
  EXPECT_EQ(b.method, "bed");
  const double g = 1.5 / 65.6;
  for (std::size_t n : {0u, 499u, 999u}) {
    const double d = (double(n) + 0.5) * 0.1, x = d * g / 10.0;
    EXPECT_NEAR(b.dose_gy[n], d * (1 + x), 1e-4 * d);
    EXPECT_NEAR(b.dose_rel_uncertainty[n], 0.02 * (1 + 2 * x) / (1 + x), 1e-6);
  }
  EXPECT_EQ(b.roi.size(), 2u);
}

TEST(AnalyzeCli, ExtraMaskAndReadableTable) {
  Fixture fx;
  // Mask of the first slice (k = 0, n < 100): uniform on [0, 10] Gy -> D90 = 1 Gy, mean 5 Gy.
  bd::Grid g;
  g.size = {10, 10, 10};
  g.spacing_mm = {10, 10, 10};
  bd::Volume<std::uint8_t> slice(g);
  for (std::size_t n = 0; n < 100; ++n) slice.data[n] = 1;
  const std::string mask = (fx.dir / "slice.nii.gz").string();
  bd::write_image(mask, slice);
  // --mask takes one value per occurrence, so the positional dose file may follow it.
  auto r = bd::test::run_cli("analyze --json --mask slice=" + mask + " " + fx.dose_path);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NEAR(json_number_after(r.output, "\"name\": \"slice\"", "D90"), 1.0, 1e-5);
  EXPECT_NEAR(json_number_after(r.output, "\"name\": \"slice\"", "mean_dose_gy"), 5.0, 1e-5);
  r = bd::test::run_cli("analyze " + fx.dose_path);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("tumour"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Dale 1985"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("weighting: volume"), std::string::npos) << r.output;
}

TEST(AnalyzeCli, BadInputExitsWithTwo) {
  Fixture fx;
  const struct {
    std::string args;
    const char* needle;
  } cases[] = {
      {"analyze " + (fx.dir / "missing.h5").string(), "missing.h5"},
      {"analyze " + fx.dose_path + " --weighting mass", "density"},
      {"analyze " + fx.dose_path + " --weighting energy", "--weighting"},
      {"analyze " + fx.dose_path + " --alpha-beta -3", "--alpha-beta"},
      {"analyze " + fx.dose_path + " --roi-lq spleen=3,1.5", "spleen"},
      {"analyze " + fx.dose_path + " --roi-lq liver=x,1.5", "must be a number, got 'x'"},
      {"analyze " + fx.dose_path + " --dvh-bin-gy 0 --dvh-csv " + (fx.dir / "d.csv").string(),
       "--dvh-bin-gy"},
  };
  for (const auto& c : cases) {
    const auto r = bd::test::run_cli(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.args << "\n" << r.output;
    EXPECT_NE(r.output.find(c.needle), std::string::npos) << c.args << "\n" << r.output;
  }
}
