// Every numeric option of every command carries the shared number check (option_checks.hh),
// whichever engineer declared it; and the checks work through CLI11 as on the command line.
#include <gtest/gtest.h>

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "betadose/cli_commands.hh"
#include "betadose/option_checks.hh"

namespace {

std::vector<std::string> unchecked_numeric_options(CLI::App& app, const std::string& prefix) {
  std::vector<std::string> out;
  for (CLI::Option* opt : app.get_options()) {
    if (opt->get_expected_min() == 0) continue;
    const std::string type = opt->get_type_name();
    const bool numeric = type.rfind("UINT", 0) == 0 || type.rfind("INT", 0) == 0 || type.rfind("FLOAT", 0) == 0;
    if (numeric && !bd::cli::has_number_check(*opt)) out.push_back(prefix + " " + opt->get_name());
  }
  for (CLI::App* sub : app.get_subcommands(std::function<bool(CLI::App*)>()))
    for (const auto& o : unchecked_numeric_options(*sub, prefix + " " + sub->get_name())) out.push_back(o);
  return out;
}

}  // namespace

TEST(OptionChecks, EveryNumericOptionOfEveryCommandIsChecked) {
  CLI::App app;
  bd::cli::add_all_commands(app);
  const auto missing = unchecked_numeric_options(app, "betadose");
  EXPECT_TRUE(missing.empty()) << ::testing::PrintToString(missing);
  // The walk finds an unchecked option (the test can fail): a command declared without the
  // final check_numeric_options.
  CLI::App bare;
  int n = 0;
  double x = 0;
  bare.add_subcommand("demo")->add_option("--n", n);
  bare.get_subcommand("demo")->add_option("--x", x);
  EXPECT_EQ(unchecked_numeric_options(bare, "b").size(), 2u);
  bd::cli::check_numeric_options(bare);
  EXPECT_TRUE(unchecked_numeric_options(bare, "b").empty());
}

TEST(OptionChecks, ValidatorsRefuseWrapAndRewriteScientificCounts) {
  CLI::App app;
  std::uint64_t histories = 0, seed = 0;
  int threads = 0;
  double fraction = 0;
  app.add_option("--histories", histories);
  app.add_option("--seed", seed);
  app.add_option("--threads", threads);
  app.add_option("--lung-shunt", fraction)->check(bd::cli::real_check(bd::ValueRange::half_open(0, 1)));
  bd::cli::check_numeric_options(app);
  auto parse = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "betadose");
    std::vector<const char*> argv;
    for (auto& a : args) argv.push_back(a.c_str());
    app.clear();
    try {
      app.parse(int(argv.size()), argv.data());
      return std::string();
    } catch (const CLI::ParseError& e) {
      return std::string(e.what());
    }
  };
  EXPECT_EQ(parse({"--histories", "2e7", "--seed", "010"}), "");
  EXPECT_EQ(histories, 20000000u);
  EXPECT_EQ(seed, 10u);
  EXPECT_NE(parse({"--seed", "-1"}).find("--seed"), std::string::npos);
  EXPECT_NE(parse({"--histories", "0"}).find("--histories"), std::string::npos);
  EXPECT_NE(parse({"--threads", "100000"}).find("--threads"), std::string::npos);
  EXPECT_NE(parse({"--threads", "-2"}).find("--threads"), std::string::npos);
  EXPECT_NE(parse({"--lung-shunt", "nan"}).find("--lung-shunt"), std::string::npos);
  EXPECT_NE(parse({"--lung-shunt", "1"}).find("[0, 1)"), std::string::npos);
}
