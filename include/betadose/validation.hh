// The validation suite (`betadose validate`): cases with a generated phantom, a reference
// (analytic model or published Monte Carlo), a tolerance with its reason, and a verdict.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "betadose/device.hh"

namespace bd {

struct ValidationResult {
  std::string name;        // case/quantity, e.g. "tumour_5cm_tn4: tumour MC/model"
  std::string reference;   // what the value is compared with
  double reference_value = 0;
  double value = 0;        // betadose
  double sigma = 0;        // 1σ statistical uncertainty of `value` (0 if exact)
  double difference = 0;   // (value − reference)/reference unless stated in `reference`
  std::string tolerance;   // e.g. "[-1.0 %, +0.2 %] + 3σ"
  bool passed = false;
  std::string notes;
};

struct ValidationContext {
  bool quick = false;
  Device device = Device::cpu;
  int threads = 0;
  std::uint64_t seed = 20261127;
  std::string out_dir;         // reports, CSV data for plots
  std::string reference_dir;   // validation/references of the source tree
  std::function<void(const std::string&)> log;  // progress lines
};

struct ValidationCase {
  std::string name;
  std::string description;
  bool quick;  // part of the CI subset
  std::function<std::vector<ValidationResult>(const ValidationContext&)> run;
};

// All registered cases (src/validation/case_registry.cpp).
std::vector<ValidationCase> validation_cases();

// Runs the selected cases (all, the quick subset, or one by name), writes DIR/report.md,
// DIR/results.json and the plots; returns the results.
std::vector<ValidationResult> run_validation(const ValidationContext& context,
                                             const std::string& only_case = "");

// validation/references of the source tree this build came from ($BETADOSE_VALIDATION_DIR
// overrides).
std::string default_validation_reference_dir();

// Pass rule with statistics: the interval value ± 3σ must overlap [lo, hi] (relative
// difference bounds), i.e. |excess beyond the band| < 3σ.
bool within_band(double relative_difference, double sigma_relative, double lo, double hi);

}  // namespace bd
