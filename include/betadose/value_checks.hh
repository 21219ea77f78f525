// The one validator for numbers betadose takes from users, and the checks on what it writes
// (issue 11). Free of CLI11, so every layer (options, TOML configs, data files) uses the same
// rules; option_checks.hh attaches them to CLI11 options.
//
//   counts (histories, batches, seeds, sizes): whole numbers written in decimal ("2000") or
//     scientific notation ("2e7"); a sign, a fraction, hex/octal, NaN/Inf and values outside
//     [min, max] are refused, so "-1" never wraps to 2^64 - 1;
//   reals: finite numbers within a ValueRange;
//   --threads: 0 (all cores) to kMaxThreads.
// Errors are InputError (exit 2) reading "<option>: '<text>' is not ... (expected ...)".
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>

#include "betadose/grid.hh"

namespace bd {

// Largest --threads value (0 = all cores). libgomp aborts when asked for ~1e5 threads; no
// machine betadose runs on has more than 1024 hardware threads.
inline constexpr int kMaxThreads = 1024;
// Largest --histories: 1e15 decays take weeks on any current GPU, and the count stays far
// below where the 64-bit history index of the random streams or the tallies could wrap.
inline constexpr std::uint64_t kMaxHistories = 1000000000000000ULL;
// Largest --batches (statistical batches; at least 2 for an uncertainty).
inline constexpr std::int64_t kMaxBatches = 100000;

// Activity plausibility (exit 2 unless --allow-implausible): no 90Y treatment administers
// more than ~20 GBq (glass microsphere vials top out at 20 GBq), so 100 GBq is a typing error;
// 1 GBq/ml in a voxel is ~5e4 Gy of 90Y to complete decay (49.67 J/GBq), fifty times the
// highest radiation-segmentectomy doses, and beyond the count rates any SPECT/PET quantifies.
inline constexpr double kMaxPlausibleTotalActivityBq = 100e9;
inline constexpr double kMaxPlausibleConcentrationBqPerMl = 1e9;
// Below 1 Bq in all the dose underflows toward zero in the float dose grid (1e-300 GBq gave a
// dose of 0 everywhere with exit 0): a unit or typing error.
inline constexpr double kMinPlausibleTotalActivityBq = 1.0;
// No material is denser than osmium (22.6 g/cm3): a density above 30 is one in kg/m3 (1000x)
// or a typing error (materials, --uniform, material tables, HU calibrations).
inline constexpr double kMaxDensity_g_cm3 = 30.0;
// Warnings only (phantoms, research maps and partial fields of view are legitimate): a
// quantitative image whose content at administration is outside [0.5, 1.2] x the header's
// injected activity (a post-treatment PET sees the liver and lungs, less the vial and catheter
// residue, ~1-10 %, and its calibration is good to ~10 %), or a source below 10 MBq (the
// smallest 90Y therapies are ~0.1 GBq).
inline constexpr double kMinImageToInjectedRatio = 0.5;
inline constexpr double kMaxImageToInjectedRatio = 1.2;
inline constexpr double kMinTherapyActivityBq = 10e6;

struct ValueRange {
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_inclusive = true;
  bool max_inclusive = true;

  static ValueRange any() { return {}; }
  static ValueRange positive() { return {0.0, std::numeric_limits<double>::infinity(), false, true}; }
  static ValueRange non_negative() { return {0.0, std::numeric_limits<double>::infinity(), true, true}; }
  // [lo, hi], or half-open with max_inclusive = false (e.g. a lung shunt fraction [0, 1)).
  static ValueRange closed(double lo, double hi) { return {lo, hi, true, true}; }
  static ValueRange half_open(double lo, double hi) { return {lo, hi, true, false}; }
  static ValueRange open_closed(double lo, double hi) { return {lo, hi, false, true}; }

  bool contains(double v) const;
  std::string describe() const;  // "> 0", "in [0, 1)", "any finite number", ...
};

// A whole number in [min, max] (see above). `option` names the option or field.
std::uint64_t parse_count(const std::string& text, const std::string& option, std::uint64_t min = 0,
                          std::uint64_t max = std::numeric_limits<std::uint64_t>::max());
// A signed whole number in [min, max] (decimal or scientific, no fraction).
std::int64_t parse_whole(const std::string& text, const std::string& option, std::int64_t min,
                         std::int64_t max);
// A finite real in `range`.
double parse_real(const std::string& text, const std::string& option, const ValueRange& range = {});
// The same check for a value that is already a number (from a file or a default).
void check_real(double value, const std::string& option, const ValueRange& range);
// --threads: 0 ... kMaxThreads.
int parse_threads(const std::string& text, const std::string& option = "--threads");
void check_threads(int threads, const std::string& option = "--threads");

// ---- what is written -----------------------------------------------------------------------
// No NaN or Inf may reach an output: CheckFailed (exit 1) naming `what`, the number of
// non-finite values and the first one (voxel (i, j, k) when `grid` matches, else its index).
void require_finite_output(const float* values, std::size_t count, const Grid* grid, const std::string& what);
void require_finite_output(const double* values, std::size_t count, const Grid* grid, const std::string& what);

}  // namespace bd
