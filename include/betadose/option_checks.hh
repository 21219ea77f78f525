// CLI11 face of the one numeric validator (value_checks.hh). Every numeric option of every
// command is checked, whichever way its value arrives (command line, `--config` TOML):
//
//   cmd->add_option("--histories", n)->transform(bd::cli::count_check(1, bd::kMaxHistories));
//   cmd->add_option("--batches", b)->transform(bd::cli::whole_check(2, 100000));
//   cmd->add_option("--threads", t)->transform(bd::cli::threads_check());
//   cmd->add_option("--voxel-mm", v)->check(bd::cli::real_check(bd::ValueRange::positive()));
//
// Counts use ->transform(): "2e7" is rewritten to "20000000" before CLI11 converts it, and
// "-1", "1.5", "0x10" or "nan" are refused (CLI11 alone would wrap "-1" to 2^64 - 1 and read
// "010" as octal). main() calls check_numeric_options(app) after every command is declared:
// any numeric option still without one of these checks gets the default one for its type
// (UINT: a non-negative whole number; INT: a whole number; FLOAT: a finite number), so a new
// command is covered even before its author picks ranges. Options every command spells alike
// get their limits by name: --threads (0..kMaxThreads), --histories (1..kMaxHistories),
// --seed (0..2^64-1), --batches (2..kMaxBatches).
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>

#include "betadose/value_checks.hh"

namespace bd::cli {

// Name carried by every validator below (check_numeric_options looks for it).
inline constexpr const char* kNumberCheckName = "betadose-number";

CLI::Validator count_check(std::uint64_t min = 0, std::uint64_t max = std::numeric_limits<std::uint64_t>::max());
CLI::Validator whole_check(std::int64_t min, std::int64_t max);
CLI::Validator real_check(const ValueRange& range = ValueRange::any());
CLI::Validator threads_check();

// True when the option already carries a betadose number check.
bool has_number_check(CLI::Option& option);
// Adds the default check to every numeric option of `app` and all its subcommands lacking one.
void check_numeric_options(CLI::App& app);

}  // namespace bd::cli
