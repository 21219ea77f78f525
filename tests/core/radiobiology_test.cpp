// Dale's permanent-implant BED (Br J Radiol 58 (1985) 515) against hand calculations and limits.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "betadose/errors.hh"
#include "betadose/radiobiology.hh"

TEST(Radiobiology, DaleBedMatchesHandCalculation) {
  // Tumour, D = 100 Gy, α/β = 10 Gy, T_rep = 1.5 h, T½ = 64.1 h:
  //   λ/(μ+λ) = T_rep/(T_rep+T½) = 1.5/65.6 = 0.0228658537
  //   BED = 100 (1 + 100 · 0.0228658537 / 10) = 122.8658537 Gy; EQD2 = BED / 1.2 = 102.3882114 Gy.
  const auto tumour = bd::PermanentImplantLq::tumour();
  EXPECT_NEAR(bd::bed_gy(100.0, tumour), 122.8658537, 1e-6);
  EXPECT_NEAR(bd::eqd2_gy(100.0, tumour), 102.3882114, 1e-6);
  // Normal liver, D = 50 Gy, α/β = 2.5 Gy, T_rep = 2.5 h: G = 2.5/66.6 = 0.0375375375,
  //   BED = 50 (1 + 50 · 0.0375375375 / 2.5) = 87.5375375 Gy; EQD2 = BED / 1.8 = 48.6319653 Gy.
  const auto liver = bd::PermanentImplantLq::normal_liver();
  EXPECT_NEAR(bd::bed_gy(50.0, liver), 87.5375375, 1e-6);
  EXPECT_NEAR(bd::eqd2_gy(50.0, liver), 48.6319653, 1e-6);
  // Zero dose gives zero BED.
  EXPECT_EQ(bd::bed_gy(0.0, liver), 0.0);
}

TEST(Radiobiology, LimitingCases) {
  // Instant repair (T_rep -> 0): no quadratic term survives, BED -> D.
  bd::PermanentImplantLq fast_repair{3.0, 1e-9, 64.1};
  EXPECT_NEAR(bd::bed_gy(120.0, fast_repair), 120.0, 1e-6);
  // Acute delivery (T½ -> 0): single-fraction LQ, BED -> D (1 + D/(α/β)) = 20 (1 + 20/3).
  bd::PermanentImplantLq acute{3.0, 1.5, 1e-9};
  EXPECT_NEAR(bd::bed_gy(20.0, acute), 20.0 * (1.0 + 20.0 / 3.0), 1e-6);
  // α/β -> ∞: BED -> D, EQD2 -> D.
  bd::PermanentImplantLq linear{1e12, 1.5, 64.1};
  EXPECT_NEAR(bd::eqd2_gy(80.0, linear), 80.0, 1e-6);
  // EQD2 of a 2 Gy-fraction BED returns the physical dose: 30 x 2 Gy, α/β = 10:
  // BED = 60 (1 + 2/10) = 72 Gy -> EQD2 = 60 Gy.
  EXPECT_NEAR(bd::eqd2_from_bed_gy(72.0, 10.0), 60.0, 1e-12);
}

TEST(Radiobiology, MapsAreVoxelwiseAndParametersValidated) {
  const std::vector<float> dose{0.f, 50.f, 100.f};
  const auto bed = bd::bed_map_gy(dose, bd::PermanentImplantLq::tumour());
  const auto eqd2 = bd::eqd2_map_gy(dose, bd::PermanentImplantLq::tumour());
  ASSERT_EQ(bed.size(), 3u);
  EXPECT_NEAR(bed[2], 122.8658537, 1e-4);
  EXPECT_NEAR(bed[1], 50.0 * (1.0 + 50.0 * 1.5 / 65.6 / 10.0), 1e-4);
  EXPECT_NEAR(eqd2[2], 102.3882114, 1e-4);
  try {
    bd::bed_map_gy(dose, bd::PermanentImplantLq{-2.5, 1.5, 64.1});
    FAIL() << "expected InputError";
  } catch (const bd::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--alpha-beta"), std::string::npos) << e.what();
  }
  EXPECT_THROW(bd::validate(bd::PermanentImplantLq{10, 0, 64.1}), bd::InputError);
}
