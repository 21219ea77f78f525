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
  double dof = 0;          // degrees of freedom of sigma (replicas − 1; 0 if exact)
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
  std::string commit;          // source revision the results belong to (report header)
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

// Revision of the source tree this build came from: `git rev-parse HEAD` (+ a note when the
// tracked files have uncommitted changes), or "unknown".
std::string source_revision();

// validation/references of the source tree this build came from ($BETADOSE_VALIDATION_DIR
// overrides).
std::string default_validation_reference_dir();

// Two-sided false-alarm probability per comparison of the validation pass rule.
inline constexpr double kValidationAlpha = 0.01;

// Pass rule with statistics: the interval value ± k σ must overlap [lo, hi] (relative
// difference bounds), i.e. the excess beyond the band is at most k σ, with
// k = t_{1−α/2}(ν) (Student's t, ν = dof, α = kValidationAlpha); exact values (σ = 0) must lie
// inside the band.
bool within_band(double relative_difference, double sigma_relative, double lo, double hi, double dof);

}  // namespace bd
