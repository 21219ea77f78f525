// The analysis options shared by `betadose analyze` and `betadose report` (one declaration, so
// the report's table and `analyze --json` agree for the same options).
#pragma once

#include <CLI/CLI.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "betadose/dose_analysis.hh"
#include "betadose/errors.hh"
#include "betadose/option_checks.hh"
#include "betadose/text_parse.hh"

namespace bd::cli {

struct AnalysisArgs {
  DoseAnalysisOptions options;
  std::string weighting = "volume";
  double half_life_h = std::nan("");
  std::vector<std::string> roi_lq;  // NAME=ALPHA_BETA_GY,REPAIR_HALF_TIME_H
};

inline void add_analysis_options(CLI::App* cmd, AnalysisArgs& a) {
  cmd->add_option("--weighting", a.weighting,
                  "volume (clinical DVH, default) | mass (needs /density_g_cm3; MIRD mean dose)");
  cmd->add_option("--d-percent", a.options.d_percent, "D_x to report, x in % (default 2 50 70 90 98)")
      ->check(real_check(ValueRange::closed(0, 100)));
  cmd->add_option("--v-gy", a.options.v_gy, "V_x to report, x in Gy (default 70 100)")
      ->check(real_check(ValueRange::non_negative()));
  cmd->add_option("--alpha-beta", a.options.lq.alpha_beta_gy,
                  "alpha/beta [Gy] (default 10, tumour; normal liver 2.5: Strigari 2010)")
      ->check(real_check(ValueRange::positive()));
  cmd->add_option("--repair-half-time-h", a.options.lq.repair_half_time_h,
                  "Sublethal-damage repair half-time [h] (default 1.5, tumour; liver 2.5)")
      ->check(real_check(ValueRange::positive()));
  cmd->add_option("--half-life-h", a.half_life_h,
                  "Physical half-life [h] (default: the dose file's nuclide, 90Y 64.1 h)")
      ->check(real_check(ValueRange::positive()));
  cmd->add_option("--roi-lq", a.roi_lq,
                  "Per-ROI BED parameters NAME=ALPHA_BETA_GY,REPAIR_HALF_TIME_H (e.g. liver=2.5,2.5)")
      ->allow_extra_args(false);
}

// Parses the text options into a.options (InputError naming the option on bad values).
inline DoseAnalysisOptions analysis_options(const AnalysisArgs& a) {
  DoseAnalysisOptions o = a.options;
  o.weighting = parse_dose_weighting(a.weighting, "--weighting");
  if (!std::isnan(a.half_life_h)) {
    o.lq.physical_half_life_h = a.half_life_h;
    o.half_life_given = true;
  }
  for (const auto& spec : a.roi_lq) {
    const auto eq = spec.find('=');
    const auto comma = spec.find(',', eq == std::string::npos ? 0 : eq);
    BD_VALIDATE(eq != std::string::npos && eq > 0 && comma != std::string::npos,
                "--roi-lq '" << spec << "' (expected NAME=ALPHA_BETA_GY,REPAIR_HALF_TIME_H, e.g. "
                             << "liver=2.5,2.5)");
    const std::string context = "--roi-lq " + spec;
    o.roi_lq[spec.substr(0, eq)] = {
        parse_number(spec.substr(eq + 1, comma - eq - 1), context, "alpha/beta [Gy]"),
        parse_number(spec.substr(comma + 1), context, "the repair half-time [h]")};
  }
  return o;
}

}  // namespace bd::cli
