// `betadose plan` as a user runs it: hand-calculated prescriptions through the CLI (JSON),
// the readable table, image-derived inputs and exit code 2 on bad input.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "betadose/hu_calibration.hh"
#include "betadose/image_io.hh"
#include "cli_runner.hh"

namespace fs = std::filesystem;

namespace {

// Value of "key" in the one-line JSON object printed by --json (number, true/false, null->NaN).
double json_value(const std::string& json, const std::string& key) {
  const std::string needle = "\"" + key + "\": ";
  const auto pos = json.find(needle);
  if (pos == std::string::npos) {
    ADD_FAILURE() << "key " << key << " missing in " << json;
    return NAN;
  }
  const char* p = json.c_str() + pos + needle.size();
  if (std::string(p, 4) == "true") return 1;
  if (std::string(p, 5) == "false") return 0;
  if (std::string(p, 4) == "null") return NAN;
  return std::strtod(p, nullptr);
}

std::string json_text(const std::string& json, const std::string& key) {
  const std::string needle = "\"" + key + "\": \"";
  const auto pos = json.find(needle);
  if (pos == std::string::npos) return "";
  const auto end = json.find('"', pos + needle.size());
  return json.substr(pos + needle.size(), end - pos - needle.size());
}

}  // namespace

TEST(PlanCli, HandCalculatedPrescriptionsAsJson) {
  // MIRD: 120 Gy to 1.5 kg, LSF 0.1 -> A = 120 · 1.5 / (50 · 0.9) = 4 GBq; lung 49.67 · 0.4 = 19.868 Gy.
  auto r = bd::test::run_cli(
      "plan --method mird --liver-mass-kg 1.5 --target-dose-gy 120 --lung-shunt 0.1 --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(json_text(r.output, "method"), "mird");
  EXPECT_NEAR(json_value(r.output, "activity_gbq"), 4.0, 1e-9);
  EXPECT_NEAR(json_value(r.output, "lung_dose_gy"), 19.868, 1e-6);
  EXPECT_EQ(json_value(r.output, "lung_dose_limit_exceeded"), 0.0);
  // Physics value from the shipped Y-90 data (ICRP-107): within 0.5 % of 49.77 J/GBq.
  EXPECT_NEAR(json_value(r.output, "physics_J_per_GBq"), 49.77, 0.25);

  // Partition: m_T 0.2 kg, m_N 1.3 kg, T/N 4, 40 Gy to normal liver, LSF 0.05:
  // A = 40 · 2.1 / (49.67 · 0.95) = 1.780170 GBq, D_T = 160 Gy.
  r = bd::test::run_cli(
      "plan --method partition --tumour-mass-kg 0.2 --normal-liver-mass-kg 1.3 --tn-ratio 4 "
      "--target-dose-gy 40 --lung-shunt 0.05 --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NEAR(json_value(r.output, "activity_gbq"), 1.780170, 1e-6);
  EXPECT_NEAR(json_value(r.output, "tumour_dose_gy"), 160.0, 1e-6);
  EXPECT_NEAR(json_value(r.output, "normal_liver_dose_gy"), 40.0, 1e-6);
  // Tumour target 200 Gy: A = 50 · 2.1 / 47.1865 = 2.225213 GBq.
  r = bd::test::run_cli(
      "plan --method partition --tumour-mass-kg 0.2 --normal-liver-mass-kg 1.3 --tn-ratio 4 "
      "--target tumour --target-dose-gy 200 --lung-shunt 0.05 --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NEAR(json_value(r.output, "activity_gbq"), 2.225213, 1e-6);

  // BSA: 1.75 m, 75 kg, 300/1200 ml -> BSA 1.903112 m², A = 1.903112 GBq.
  r = bd::test::run_cli(
      "plan --method bsa --height-m 1.75 --weight-kg 75 --tumour-volume-ml 300 "
      "--normal-liver-volume-ml 1200 --lung-shunt 0 --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NEAR(json_value(r.output, "activity_gbq"), 1.903112, 1e-6);

  // Empiric: 300 / (300 + 700) = 30 % -> 2.5 GBq. With LSF 0.25 and a 0.5 kg lung:
  // lung dose = 49.67 · 2.5 · 0.25 / 0.5 = 62.09 Gy > 30 Gy -> flagged.
  r = bd::test::run_cli(
      "plan --method empiric --tumour-volume-ml 300 --normal-liver-volume-ml 700 "
      "--lung-shunt 0.25 --lung-mass-kg 0.5 --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NEAR(json_value(r.output, "activity_gbq"), 2.5, 1e-12);
  EXPECT_NEAR(json_value(r.output, "lung_dose_gy"), 62.0875, 1e-6);
  EXPECT_EQ(json_value(r.output, "lung_dose_limit_exceeded"), 1.0);
  // --strict turns the exceeded limit into exit code 1.
  r = bd::test::run_cli(
      "plan --method empiric --tumour-volume-ml 300 --normal-liver-volume-ml 700 "
      "--lung-shunt 0.25 --lung-mass-kg 0.5 --strict");
  EXPECT_EQ(r.exit_code, 1) << r.output;
}

TEST(PlanCli, ReadableTableWithEanmNotes) {
  const auto r = bd::test::run_cli(
      "plan --method partition --tumour-volume-ml 200 --normal-liver-volume-ml 1300 --tn-ratio 4 "
      "--target-dose-gy 40 --lung-shunt 0.05 --device-type glass --indication HCC");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Prescribed activity"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("1.06 g/ml"), std::string::npos) << r.output;  // mass assumption said
  EXPECT_NE(r.output.find("90Y_glass HCC Segmentectomy"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("90Y_resin"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("J/GBq"), std::string::npos);
}

TEST(PlanCli, InputsFromMasksAndSpect) {
  // 10x10x10 grid of 1 ml voxels: liver i < 8, tumour i < 2, j < 5, k < 5 (50 ml);
  // SPECT 4 counts per tumour voxel, 1 per normal-liver voxel -> T/N = 4; V_N = 750 ml.
  // Partition, 40 Gy to normal liver, LSF 0, masses at 1.06 g/ml (no CT):
  // A = 40 (4 · 0.053 + 0.795) / 49.67 = 40.28 / 49.67 = 0.810952 GBq.
  const fs::path dir = fs::temp_directory_path() / ("betadose_plan_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  bd::Grid g;
  g.size = {10, 10, 10};
  g.spacing_mm = {10, 10, 10};
  bd::Volume<std::uint8_t> liver(g), tumour(g), outside(g);
  bd::Volume<float> spect(g, 0.f);
  for (std::size_t k = 0; k < 10; ++k)
    for (std::size_t j = 0; j < 10; ++j)
      for (std::size_t i = 0; i < 10; ++i) {
        if (i < 8) {
          liver(i, j, k) = 1;
          spect(i, j, k) = 1.f;
        }
        if (i < 2 && j < 5 && k < 5) {
          tumour(i, j, k) = 1;
          spect(i, j, k) = 4.f;
        }
        if (i >= 7 && j < 5 && k < 5) outside(i, j, k) = 1;  // 3/4 outside the liver
      }
  bd::write_image((dir / "liver.nii.gz").string(), liver);
  bd::write_image((dir / "tumour.nii.gz").string(), tumour);
  bd::write_image((dir / "outside.nii.gz").string(), outside);
  bd::write_image((dir / "spect.nii.gz").string(), spect);
  const std::string masks = " --mask liver=" + (dir / "liver.nii.gz").string() +
                            " --mask tumour=" + (dir / "tumour.nii.gz").string();
  auto r = bd::test::run_cli("plan --method partition --target-dose-gy 40 --lung-shunt 0 --json" +
                             masks + " --spect " + (dir / "spect.nii.gz").string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NEAR(json_value(r.output, "activity_gbq"), 40.28 / 49.67, 1e-6);
  EXPECT_NEAR(json_value(r.output, "tumour_dose_gy"), 160.0, 1e-6);
  // Tumour mask mostly outside the liver: exit 2 naming the problem.
  r = bd::test::run_cli("plan --method partition --target-dose-gy 40 --lung-shunt 0 --tn-ratio 4"
                        " --mask liver=" + (dir / "liver.nii.gz").string() +
                        " --mask tumour=" + (dir / "outside.nii.gz").string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("outside the liver"), std::string::npos) << r.output;
  r = bd::test::run_cli("plan --method partition --target-dose-gy 40 --lung-shunt 0 --tn-ratio 4"
                        " --mask spleen=" + (dir / "liver.nii.gz").string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("spleen"), std::string::npos) << r.output;

  // With a CT (0 HU in the body, -700 HU in a lung slab i = 9): masses from the default HU
  // calibration, rho(0 HU) and rho(-700 HU) taken from the same calibration tables.
  bd::Volume<float> ct(g, 0.f);
  bd::Volume<std::uint8_t> lung(g);
  for (std::size_t k = 0; k < 10; ++k)
    for (std::size_t j = 0; j < 10; ++j) {
      ct(9, j, k) = -700.f;
      lung(9, j, k) = 1;
    }
  bd::write_image((dir / "ct.nii.gz").string(), ct);
  bd::write_image((dir / "lung.nii.gz").string(), lung);
  const auto cal = bd::load_hu_calibration();
  const double rho_body = cal.density_g_cm3(0.0), rho_lung = cal.density_g_cm3(-700.0);
  r = bd::test::run_cli("plan --method partition --target-dose-gy 40 --lung-shunt 0.1 --json" +
                        masks + " --spect " + (dir / "spect.nii.gz").string() + " --ct " +
                        (dir / "ct.nii.gz").string() + " --mask lung=" +
                        (dir / "lung.nii.gz").string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NEAR(json_value(r.output, "tumour_mass_kg"), 0.050 * rho_body, 1e-6);
  EXPECT_NEAR(json_value(r.output, "normal_liver_mass_kg"), 0.750 * rho_body, 1e-6);
  EXPECT_NEAR(json_value(r.output, "lung_mass_kg"), 0.100 * rho_lung, 1e-6);
  // A = 40 (4 m_T + m_N) / (49.67 · 0.9) with 4 m_T + m_N = (0.2 + 0.75) rho_body kg.
  EXPECT_NEAR(json_value(r.output, "activity_gbq"), 40.0 * 0.95 * rho_body / (49.67 * 0.9), 1e-6);
  fs::remove_all(dir);
}

TEST(PlanCli, BadInputExitsWithTwoNamingTheOption) {
  struct Case {
    const char* args;
    const char* needle;
  };
  const Case cases[] = {
      {"plan --method mird --liver-mass-kg 1.5 --target-dose-gy 120 --lung-shunt 1", "--lung-shunt"},
      {"plan --method mird --liver-mass-kg 1.5 --target-dose-gy 120 --lung-shunt -0.2", "--lung-shunt"},
      {"plan --method mird --liver-mass-kg 1.5 --target-dose-gy 120", "--lung-shunt is required"},
      {"plan --method magic --lung-shunt 0.1", "--method"},
      {"plan --method empiric --tumour-volume-ml -10 --normal-liver-volume-ml 900 --lung-shunt 0",
       "--tumour-volume-ml"},
      {"plan --method mird --liver-mass-kg 0 --target-dose-gy 120 --lung-shunt 0.1", "--liver-mass-kg"},
      {"plan --method mird --target-dose-gy 120 --lung-shunt 0.1", "--liver-mass-kg"},
      {"plan --method partition --tumour-mass-kg 0.2 --normal-liver-mass-kg 1.3 --target-dose-gy 40 "
       "--lung-shunt 0.1", "--tn-ratio"},
      {"plan --method partition --tumour-mass-kg 0.2 --normal-liver-mass-kg 1.3 --tn-ratio 4 "
       "--target-dose-gy 40 --target spleen --lung-shunt 0.1", "--target"},
      {"plan --method bsa --height-m 175 --weight-kg 75 --tumour-volume-ml 100 "
       "--normal-liver-volume-ml 900 --lung-shunt 0", "--height-m"},
      {"plan --method mird --liver-mass-kg 1.5 --target-dose-gy 120 --lung-shunt 0.1 "
       "--device-type ceramic", "--device-type"},
  };
  for (const auto& c : cases) {
    const auto r = bd::test::run_cli(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.args << "\n" << r.output;
    EXPECT_NE(r.output.find(c.needle), std::string::npos) << c.args << "\n" << r.output;
  }
}
