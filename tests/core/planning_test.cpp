// Activity planning: the four methods against hand calculations (written out below), the lung
// dose limits, the EANM table and bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "betadose/errors.hh"
#include "betadose/planning.hh"
#include "support/paths.hh"

namespace {

bd::PlanningInput base(bd::PlanningMethod m, double lsf) {
  bd::PlanningInput in;
  in.method = m;
  in.lung_shunt = lsf;
  return in;
}

template <class Fn>
void expect_input_error(Fn&& fn, const std::string& needle) {
  try {
    fn();
    ADD_FAILURE() << "expected InputError containing '" << needle << "'";
  } catch (const bd::InputError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

}  // namespace

TEST(Planning, EmpiricStepsAtTwentyFiveAndFiftyPercent) {
  // f = V_T / (V_T + V_N): 300/1000 = 30 % -> 2.5 GBq; 250/1000 = 25 % -> 2 GBq (<= 25 %);
  // 500/1000 = 50 % -> 3 GBq (>= 50 %).
  auto in = base(bd::PlanningMethod::empiric, 0.0);
  in.tumour_volume_ml = 300;
  in.normal_liver_volume_ml = 700;
  auto r = bd::plan_activity(in);
  EXPECT_DOUBLE_EQ(r.tumour_involvement, 0.3);
  EXPECT_DOUBLE_EQ(r.activity_gbq, 2.5);
  in.tumour_volume_ml = 250;
  in.normal_liver_volume_ml = 750;
  EXPECT_DOUBLE_EQ(bd::plan_activity(in).activity_gbq, 2.0);
  in.tumour_volume_ml = 500;
  in.normal_liver_volume_ml = 500;
  r = bd::plan_activity(in);
  EXPECT_DOUBLE_EQ(r.activity_gbq, 3.0);
  // Implied whole-liver dose with masses from volumes at 1.06 g/ml (ICRU 44 liver):
  // m_L = 1000 ml · 1.06 g/ml = 1.06 kg, D_L = 49.67 · 3 · (1 - 0) / 1.06 = 140.5755 Gy.
  EXPECT_NEAR(r.liver_mass_kg, 1.06, 1e-12);
  EXPECT_NEAR(r.liver_dose_gy, 49.67 * 3.0 / 1.06, 1e-9);
  EXPECT_DOUBLE_EQ(r.lung_dose_gy, 0.0);
}

TEST(Planning, BsaHandCalculation) {
  // h = 1.75 m, w = 75 kg: BSA = 0.20247 · 1.75^0.725 · 75^0.425
  //   1.75^0.725 = exp(0.725 · 0.5596158) = 1.500385; 75^0.425 = exp(0.425 · 4.3174881) = 6.264711
  //   BSA = 0.20247 · 1.500385 · 6.264711 = 1.903112 m²
  // V_T = 300 ml, V_N = 1200 ml: f = 0.2 -> A = (1.903112 - 0.2) + 0.2 = 1.903112 GBq.
  // LSF = 0.05: lung dose = 49.67 · 1.903112 · 0.05 / 1 kg = 4.726379 Gy.
  auto in = base(bd::PlanningMethod::bsa, 0.05);
  in.height_m = 1.75;
  in.weight_kg = 75;
  in.tumour_volume_ml = 300;
  in.normal_liver_volume_ml = 1200;
  const auto r = bd::plan_activity(in);
  EXPECT_NEAR(r.bsa_m2, 1.903112, 1e-6);
  EXPECT_NEAR(r.activity_gbq, 1.903112, 1e-6);
  EXPECT_NEAR(r.lung_dose_gy, 4.726379, 1e-6);
  EXPECT_FALSE(r.lung_dose_limit_exceeded);
}

TEST(Planning, MirdHandCalculationAndLungDose) {
  // 120 Gy to a 1.5 kg liver, LSF 0.1: A = 120 · 1.5 / (50 · 0.9) = 180 / 45 = 4.0 GBq.
  // Lung: A · LSF = 0.4 GBq (<= 0.61 GBq), D_lung = 49.67 · 0.4 / 1 kg = 19.868 Gy (< 30 Gy).
  auto in = base(bd::PlanningMethod::mird, 0.1);
  in.target_dose_gy = 120;
  in.liver_mass_kg = 1.5;
  in.physics_J_per_GBq = 49.77;
  auto r = bd::plan_activity(in);
  EXPECT_NEAR(r.activity_gbq, 4.0, 1e-12);
  EXPECT_NEAR(r.liver_activity_gbq, 3.6, 1e-12);
  EXPECT_NEAR(r.lung_activity_gbq, 0.4, 1e-12);
  EXPECT_NEAR(r.lung_dose_gy, 19.868, 1e-9);
  EXPECT_NEAR(r.liver_dose_gy, 120.0, 1e-9);  // the prescription is recovered
  EXPECT_EQ(r.constant_J_per_GBq, 50.0);
  EXPECT_FALSE(r.lung_dose_limit_exceeded);
  EXPECT_FALSE(r.lung_shunt_activity_limit_exceeded);
  // With a previous treatment of 35 Gy to the lungs: 19.868 + 35 = 54.868 Gy > 50 Gy cumulative.
  in.previous_lung_dose_gy = 35;
  r = bd::plan_activity(in);
  EXPECT_NEAR(r.cumulative_lung_dose_gy, 54.868, 1e-9);
  EXPECT_FALSE(r.lung_dose_per_treatment_exceeded);
  EXPECT_TRUE(r.lung_dose_cumulative_exceeded);
  EXPECT_TRUE(r.lung_dose_limit_exceeded);
  // LSF 0.2: A = 180 / (50 · 0.8) = 4.5 GBq, lung 0.9 GBq > 0.61 GBq, D_lung = 44.703 Gy > 30 Gy.
  in.previous_lung_dose_gy = 0;
  in.lung_shunt = 0.2;
  r = bd::plan_activity(in);
  EXPECT_NEAR(r.activity_gbq, 4.5, 1e-12);
  EXPECT_NEAR(r.lung_dose_gy, 44.703, 1e-9);
  EXPECT_TRUE(r.lung_dose_per_treatment_exceeded);
  EXPECT_TRUE(r.lung_dose_limit_exceeded);
  EXPECT_TRUE(r.lung_shunt_activity_limit_exceeded);
  // A 0.5 kg lung doubles the lung dose: 89.406 Gy.
  in.lung_mass_kg = 0.5;
  EXPECT_NEAR(bd::plan_activity(in).lung_dose_gy, 89.406, 1e-9);
}

TEST(Planning, PartitionHandCalculationAllTargets) {
  // m_T = 0.2 kg, m_N = 1.3 kg, T/N = 4, LSF = 0.05; T/N m_T + m_N = 0.8 + 1.3 = 2.1 kg.
  // Normal-liver target 40 Gy: A = 40 · 2.1 / (49.67 · 0.95) = 84 / 47.1865 = 1.780170 GBq;
  //   D_T = 4 · 40 = 160 Gy; D_L = 49.67 · A · 0.95 / 1.5 = 84 / 1.5 = 56 Gy
  //   (= (0.2 · 160 + 1.3 · 40) / 1.5); lung = 49.67 · A · 0.05 = 4.2 / 0.95 = 4.421053 Gy.
  auto in = base(bd::PlanningMethod::partition, 0.05);
  in.tumour_mass_kg = 0.2;
  in.normal_liver_mass_kg = 1.3;
  in.tn_ratio = 4;
  in.target_dose_gy = 40;
  auto r = bd::plan_activity(in);
  EXPECT_NEAR(r.activity_gbq, 1.780170, 1e-6);
  EXPECT_NEAR(r.normal_liver_dose_gy, 40.0, 1e-9);
  EXPECT_NEAR(r.tumour_dose_gy, 160.0, 1e-9);
  EXPECT_NEAR(r.liver_dose_gy, 56.0, 1e-9);
  EXPECT_NEAR(r.lung_dose_gy, 4.421053, 1e-6);
  EXPECT_EQ(r.target, bd::PlanningTarget::normal_liver);
  // Tumour target 200 Gy: D_N = 50 Gy, A = 50 · 2.1 / 47.1865 = 2.225213 GBq.
  in.target = bd::PlanningTarget::tumour;
  in.target_given = true;
  in.target_dose_gy = 200;
  r = bd::plan_activity(in);
  EXPECT_NEAR(r.activity_gbq, 2.225213, 1e-6);
  EXPECT_NEAR(r.tumour_dose_gy, 200.0, 1e-9);
  EXPECT_NEAR(r.normal_liver_dose_gy, 50.0, 1e-9);
  // Whole-liver target 56 Gy gives back the first plan: A = 56 · 1.5 / 47.1865 = 1.780170 GBq.
  in.target = bd::PlanningTarget::liver;
  in.target_dose_gy = 56;
  EXPECT_NEAR(bd::plan_activity(in).activity_gbq, 1.780170, 1e-6);
  // Masses from volumes at 1.06 g/ml: 200 ml -> 0.212 kg, 1300 ml -> 1.378 kg;
  // normal-liver target 40 Gy: A = 40 (4 · 0.212 + 1.378) / 47.1865 = 89.04 / 47.1865 = 1.886980 GBq.
  in = base(bd::PlanningMethod::partition, 0.05);
  in.tumour_volume_ml = 200;
  in.normal_liver_volume_ml = 1300;
  in.tn_ratio = 4;
  in.target_dose_gy = 40;
  r = bd::plan_activity(in);
  EXPECT_NEAR(r.activity_gbq, 89.04 / 47.1865, 1e-9);
  EXPECT_NE(r.mass_source.find("1.06 g/ml"), std::string::npos) << r.mass_source;
}

TEST(Planning, EnergyPerGbqFromNuclideData) {
  // 90Y: Ē = 0.9331 MeV per decay (ICRP-107), T½ = 64.1 h:
  // 0.9331 · 1.602176634e-13 J · 1e9 · 64.1 · 3600 s / ln 2 = 49.7707 J/GBq (the ≈ 49.77 of the
  // reference README; the clinical constants 49.67 and 50 differ by -0.2 % and +0.5 %).
  EXPECT_NEAR(bd::energy_per_gbq_J(0.9331, 64.1 * 3600.0), 49.7707, 1e-4);
}

TEST(Planning, BadInputNamesTheOption) {
  auto mird = base(bd::PlanningMethod::mird, 0.1);
  mird.target_dose_gy = 120;
  mird.liver_mass_kg = 1.5;
  auto in = mird;
  in.lung_shunt = 1.0;
  expect_input_error([&] { bd::plan_activity(in); }, "--lung-shunt");
  in.lung_shunt = -0.1;
  expect_input_error([&] { bd::plan_activity(in); }, "--lung-shunt");
  in.lung_shunt = bd::kUnset;
  expect_input_error([&] { bd::plan_activity(in); }, "--lung-shunt is required");
  in = mird;
  in.liver_mass_kg = -1.5;
  expect_input_error([&] { bd::plan_activity(in); }, "--liver-mass-kg");
  in.liver_mass_kg = 1500;  // grams by mistake
  expect_input_error([&] { bd::plan_activity(in); }, "implausibly large");
  in = mird;
  in.liver_mass_kg = bd::kUnset;
  expect_input_error([&] { bd::plan_activity(in); }, "--liver-mass-kg");
  in = mird;
  in.target = bd::PlanningTarget::tumour;
  in.target_given = true;
  expect_input_error([&] { bd::plan_activity(in); }, "--target");
  in = mird;
  in.tumour_mass_kg = 0.2;
  in.normal_liver_mass_kg = 1.0;  // 0.2 + 1.0 != 1.5
  expect_input_error([&] { bd::plan_activity(in); }, "differs");
  auto part = base(bd::PlanningMethod::partition, 0.1);
  part.target_dose_gy = 40;
  part.tumour_mass_kg = 0.2;
  part.normal_liver_mass_kg = 1.3;
  expect_input_error([&] { bd::plan_activity(part); }, "--tn-ratio");
  auto bsa = base(bd::PlanningMethod::bsa, 0.0);
  bsa.height_m = 175;  // centimetres by mistake
  bsa.weight_kg = 75;
  bsa.tumour_volume_ml = 100;
  bsa.normal_liver_volume_ml = 1000;
  expect_input_error([&] { bd::plan_activity(bsa); }, "--height-m");
  auto emp = base(bd::PlanningMethod::empiric, 0.0);
  emp.tumour_volume_ml = -5;
  emp.normal_liver_volume_ml = 1000;
  expect_input_error([&] { bd::plan_activity(emp); }, "--tumour-volume-ml");
  expect_input_error([&] { bd::parse_planning_method("dosimetry"); }, "--method");
  expect_input_error([&] { bd::parse_planning_target("spleen"); }, "--target");
}

TEST(Planning, EanmRecommendationsFilter) {
  const auto all = bd::read_eanm_recommendations(
      bd::test::source_path("materials/planning/eanm2022_dose_recommendations.csv"));
  // Tables 2-4 of Weber et al. 2022: 3 devices x 3 indications x 4 scenarios.
  EXPECT_EQ(all.size(), 36u);
  const auto glass_hcc = bd::filter_eanm_recommendations(all, "glass", "HCC");
  ASSERT_EQ(glass_hcc.size(), 4u);
  EXPECT_EQ(glass_hcc[0].scenario, "Segmentectomy");
  EXPECT_EQ(glass_hcc[0].perfused_volume_dose_gy, "> 400 [83]");
  EXPECT_EQ(glass_hcc[3].tumour_dose_gy, "≥ 205 [62]");
  EXPECT_EQ(bd::filter_eanm_recommendations(all, "resin", "").size(), 12u);
  EXPECT_EQ(bd::filter_eanm_recommendations(all, "", "").size(), 24u);  // 90Y only
  expect_input_error([&] { bd::filter_eanm_recommendations(all, "ceramic", ""); }, "--device-type");
  expect_input_error([&] { bd::read_eanm_recommendations("/nonexistent/eanm.csv"); },
                     "/nonexistent/eanm.csv");
}

namespace {

// 10x10x10 grid of 1 ml voxels. Liver: i < 8 (800 voxels). Tumour: i < 2, j < 5, k < 5
// (50 voxels, inside the liver). SPECT: 4 counts per tumour voxel, 1 per other liver voxel,
// 100 outside (must be ignored). Density 1.05 g/ml in the liver, 0.3 in a lung slab i = 9.
bd::PlanningImages make_images() {
  bd::PlanningImages im;
  im.grid.size = {10, 10, 10};
  im.grid.spacing_mm = {10, 10, 10};
  const std::size_t n = 1000;
  im.liver.assign(n, 0);
  im.tumour.assign(n, 0);
  im.lung.assign(n, 0);
  im.spect_counts.assign(n, 100.f);
  im.density_g_cm3.assign(n, 1.0f);
  for (std::size_t k = 0; k < 10; ++k)
    for (std::size_t j = 0; j < 10; ++j)
      for (std::size_t i = 0; i < 10; ++i) {
        const std::size_t v = im.grid.linear_index(i, j, k);
        if (i < 8) {
          im.liver[v] = 1;
          im.spect_counts[v] = 1.f;
          im.density_g_cm3[v] = 1.05f;
        }
        if (i < 2 && j < 5 && k < 5) {
          im.tumour[v] = 1;
          im.spect_counts[v] = 4.f;
        }
        if (i == 9) {
          im.lung[v] = 1;
          im.density_g_cm3[v] = 0.3f;
        }
      }
  return im;
}

}  // namespace

TEST(Planning, InputsDerivedFromMasksSpectAndDensity) {
  // V_T = 50 ml, V_N = 800 - 50 = 750 ml; masses at 1.05 g/ml: 0.0525 kg, 0.7875 kg, 0.84 kg;
  // lung 100 ml at 0.3 g/ml = 0.03 kg; T/N = (4 counts/ml) / (1 count/ml) = 4.
  const auto d = bd::derive_planning_inputs(make_images());
  EXPECT_DOUBLE_EQ(d.tumour_volume_ml, 50.0);
  EXPECT_DOUBLE_EQ(d.normal_liver_volume_ml, 750.0);
  EXPECT_NEAR(d.tumour_mass_kg, 0.0525, 1e-6);
  EXPECT_NEAR(d.normal_liver_mass_kg, 0.7875, 1e-6);
  EXPECT_NEAR(d.liver_mass_kg, 0.84, 1e-6);
  EXPECT_NEAR(d.lung_mass_kg, 0.03, 1e-6);
  EXPECT_NEAR(d.tn_ratio, 4.0, 1e-12);

  // A tumour reaching outside the liver (the i = 8 column: 25 of 75 voxels) is inconsistent.
  auto im = make_images();
  for (std::size_t k = 0; k < 5; ++k)
    for (std::size_t j = 0; j < 5; ++j) im.tumour[im.grid.linear_index(8, j, k)] = 1;
  expect_input_error([&] { bd::derive_planning_inputs(im); }, "outside the liver mask");
  // A lung mask without CT densities has no mass.
  im = make_images();
  im.density_g_cm3.clear();
  expect_input_error([&] { bd::derive_planning_inputs(im); }, "--ct");
  im.lung.clear();
  const auto no_ct = bd::derive_planning_inputs(im);
  EXPECT_TRUE(std::isnan(no_ct.tumour_mass_kg));
  EXPECT_DOUBLE_EQ(no_ct.tumour_volume_ml, 50.0);
  // SPECT of another size.
  im.spect_counts.resize(10);
  expect_input_error([&] { bd::derive_planning_inputs(im); }, "--spect");
}
