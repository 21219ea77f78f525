// CLI11 validators of the numeric options (include/betadose/option_checks.hh).
#include "betadose/option_checks.hh"

#include "betadose/errors.hh"

namespace bd::cli {
namespace {

// Runs `parse` on the text; the problem (without the option name: CLI11 adds it) or "".
template <class Parse>
std::string problem_of(Parse&& parse) {
  try {
    parse();
    return {};
  } catch (const InputError& e) {
    return e.what();
  }
}

std::string range_text(std::int64_t lo, std::int64_t hi) { return std::to_string(lo) + ".." + std::to_string(hi); }

}  // namespace

CLI::Validator count_check(std::uint64_t min, std::uint64_t max) {
  return CLI::Validator(
      [min, max](std::string& text) {
        std::uint64_t v = 0;
        const std::string p = problem_of([&] { v = parse_count(text, "", min, max); });
        if (p.empty()) text = std::to_string(v);
        return p;
      },
      "COUNT " + std::to_string(min) + ".." + std::to_string(max), kNumberCheckName);
}

CLI::Validator whole_check(std::int64_t min, std::int64_t max) {
  return CLI::Validator(
      [min, max](std::string& text) {
        std::int64_t v = 0;
        const std::string p = problem_of([&] { v = parse_whole(text, "", min, max); });
        if (p.empty()) text = std::to_string(v);
        return p;
      },
      "WHOLE " + range_text(min, max), kNumberCheckName);
}

CLI::Validator real_check(const ValueRange& range) {
  return CLI::Validator(
      [range](std::string& text) { return problem_of([&] { parse_real(text, "", range); }); },
      range.describe() == "a finite number" ? std::string() : range.describe(), kNumberCheckName);
}

CLI::Validator threads_check() {
  return CLI::Validator(
      [](std::string& text) {
        int v = 0;
        const std::string p = problem_of([&] { v = parse_threads(text, ""); });
        if (p.empty()) text = std::to_string(v);
        return p.empty() ? p : p + "; 0 = all cores";
      },
      "0 (all)..." + std::to_string(kMaxThreads), kNumberCheckName);
}

bool has_number_check(CLI::Option& option) {
  try {
    option.get_validator(kNumberCheckName);
    return true;
  } catch (const CLI::OptionNotFound&) {
    return false;
  }
}

void check_numeric_options(CLI::App& app) {
  for (CLI::Option* opt : app.get_options()) {
    if (opt->get_expected_min() == 0 || has_number_check(*opt)) continue;  // flags take no value
    // Options every command spells the same get the same limits, whatever their C++ type
    // (--histories is a string in McSettings, a uint64 in dpk).
    if (opt->check_lname("threads")) {
      opt->transform(threads_check());
      continue;
    }
    if (opt->check_lname("histories")) {
      opt->transform(count_check(1, kMaxHistories));
      continue;
    }
    if (opt->check_lname("seed")) {
      opt->transform(count_check());
      continue;
    }
    if (opt->check_lname("batches")) {
      opt->transform(whole_check(2, kMaxBatches));
      continue;
    }
    const std::string type = opt->get_type_name();
    auto starts = [&](const char* prefix) { return type.rfind(prefix, 0) == 0; };
    if (starts("UINT")) opt->transform(count_check());
    else if (starts("INT")) opt->transform(whole_check(std::numeric_limits<std::int64_t>::min(),
                                                       std::numeric_limits<std::int64_t>::max()));
    else if (starts("FLOAT")) opt->check(real_check());
  }
  for (CLI::App* sub : app.get_subcommands(std::function<bool(CLI::App*)>())) check_numeric_options(*sub);
}

}  // namespace bd::cli
