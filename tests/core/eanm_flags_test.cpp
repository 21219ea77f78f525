// EANM 2022 threshold parsing on the guideline's own cell texts
// (materials/planning/eanm2022_dose_recommendations.csv).
#include <gtest/gtest.h>

#include "betadose/data_paths.hh"
#include "betadose/eanm_flags.hh"
#include "betadose/planning.hh"

using bd::EanmFlag;
using K = bd::EanmThreshold::Kind;

TEST(EanmFlags, ParsesTheGuidelineWording) {
  auto t = bd::parse_eanm_threshold("\xE2\x89\xA5 205 [67]; \xE2\x89\xA5 250-300****");
  EXPECT_EQ(t.kind, K::at_least);
  EXPECT_EQ(t.lo_gy, 205);
  EXPECT_EQ(bd::evaluate_eanm(t, 205.0), EanmFlag::met);
  EXPECT_EQ(bd::evaluate_eanm(t, 204.9), EanmFlag::not_met);

  t = bd::parse_eanm_threshold("< 75 (range: 50/90***) [86]");
  EXPECT_EQ(t.kind, K::less_than);
  EXPECT_EQ(t.hi_gy, 75);
  EXPECT_EQ(bd::evaluate_eanm(t, 74.9), EanmFlag::met);
  EXPECT_EQ(bd::evaluate_eanm(t, 75.0), EanmFlag::not_met);

  t = bd::parse_eanm_threshold("80-150**** [13, 69, 87]");
  EXPECT_EQ(t.kind, K::range);
  EXPECT_EQ(bd::evaluate_eanm(t, 80.0), EanmFlag::met);
  EXPECT_EQ(bd::evaluate_eanm(t, 151.0), EanmFlag::not_met);

  t = bd::parse_eanm_threshold("\xE2\x89\xA5 100-120 [65]");
  EXPECT_EQ(t.kind, K::at_least);
  EXPECT_EQ(t.lo_gy, 100);

  t = bd::parse_eanm_threshold("< 30**/40 [93]");
  EXPECT_EQ(t.kind, K::less_than);
  EXPECT_EQ(t.hi_gy, 30);

  // A condition is shown, not evaluated; text without a threshold gives no flag.
  t = bd::parse_eanm_threshold("> 150 if whole liver dose <150 [67] (LOE 1*); 140-150 [84] (LOE 3)");
  EXPECT_TRUE(t.conditional);
  EXPECT_EQ(bd::evaluate_eanm(t, 200), EanmFlag::not_evaluated);
  for (const char* none : {"Not applicable", "Not recommended", "", "60"})
    EXPECT_EQ(bd::evaluate_eanm(bd::parse_eanm_threshold(none), 100), EanmFlag::not_evaluated) << none;
}

TEST(EanmFlags, EveryShippedNinetyYttriumCellParsesOrIsDeclaredText) {
  const auto all = bd::read_eanm_recommendations(bd::materials_dir() +
                                                 "/planning/eanm2022_dose_recommendations.csv");
  int thresholds = 0;
  for (const auto& r : bd::filter_eanm_recommendations(all, "", "")) {
    for (const auto* cell : {&r.perfused_volume_dose_gy, &r.normal_liver_dose_gy, &r.tumour_dose_gy}) {
      const auto t = bd::parse_eanm_threshold(*cell);
      const bool text_only = cell->empty() || cell->rfind("Not ", 0) == 0;
      EXPECT_EQ(t.kind == K::none, text_only) << r.device << " " << r.indication << " " << r.scenario
                                              << ": '" << *cell << "'";
      thresholds += t.kind != K::none;
    }
  }
  EXPECT_GT(thresholds, 40);
}
