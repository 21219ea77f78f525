// EANM 2022 dose recommendations (planning.hh: EanmRecommendation, Weber et al. 2022 Tables
// 2-3) turned into flags on mean absorbed doses, for the report.
//
// The guideline's cells are text ("≥ 205 [67]; ≥ 250-300****", "< 75 (range: 50/90***) [86]",
// "80-150 [89]", "> 150 if whole liver dose <150 [67] (LOE 1*); 140-150 [84] (LOE 3)").
// The first statement (up to ';') is evaluated: a comparator (≥ > ≤ <) with the first number
// after it, or a bare range "a-b" (a ≤ D ≤ b). A comparator followed by a range ("≥ 100-120")
// uses the range's lower end for ≥/> and its upper end for ≤/<. Conditions ("if ...") and the
// later alternatives are shown as text, not evaluated; cells without such a statement ("Not
// applicable", "Not recommended", empty) give no flag. Footnote marks and [refs] are kept in
// the text the report shows.
#pragma once

#include <string>

namespace bd {

struct EanmThreshold {
  enum class Kind { none, at_least, more_than, at_most, less_than, range };
  Kind kind = Kind::none;
  double lo_gy = 0, hi_gy = 0;  // the bound(s)
  bool conditional = false;     // the statement has an "if" condition (shown, not evaluated)
  std::string statement;        // the evaluated statement, as in the guideline
};

EanmThreshold parse_eanm_threshold(const std::string& cell);

enum class EanmFlag { not_evaluated, met, not_met };
EanmFlag evaluate_eanm(const EanmThreshold& threshold, double mean_dose_gy);
const char* to_string(EanmFlag flag);  // "-", "met", "not met"

}  // namespace bd
