// `betadose validate`: the validation suite (validation/README.md lists the cases).
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "betadose/cli_commands.hh"
#include "betadose/errors.hh"
#include "betadose/validation.hh"

namespace bd::cli {

void add_validate_command(CLI::App& app) {
  struct Options {
    bool quick = false;
    std::string only_case, out_dir, device = "cpu";
    int threads = 0;
    std::uint64_t seed = 20261127;
  };
  auto opt = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("validate", "Run the validation suite; exit code 1 if any case fails");
  cmd->add_flag("--quick", opt->quick, "Only the quick subset (as in CI)");
  cmd->add_option("--case", opt->only_case, "Run one case by name");
  cmd->add_option("--out", opt->out_dir, "Output directory for report.md, results.json, plots")->required();
  cmd->add_option("--device", opt->device, "cpu or cuda")->capture_default_str();
  cmd->add_option("--threads", opt->threads, "CPU threads (0 = all)");
  cmd->add_option("--seed", opt->seed, "Random seed")->capture_default_str();
  cmd->callback([opt]() {
    ValidationContext ctx;
    ctx.quick = opt->quick;
    ctx.device = parse_device(opt->device);
    require_device(ctx.device);
    ctx.threads = opt->threads;
    ctx.seed = opt->seed;
    ctx.out_dir = opt->out_dir;
    ctx.reference_dir = default_validation_reference_dir();
    ctx.log = [](const std::string& line) { std::cerr << "[validate] " << line << std::endl; };
    const auto results = run_validation(ctx, opt->only_case);
    int failed = 0;
    for (const auto& r : results) failed += r.passed ? 0 : 1;
    std::cout << results.size() - failed << " passed, " << failed << " failed\n"
              << "report: " << opt->out_dir << "/report.md\n";
    if (failed) throw CheckFailed(std::to_string(failed) + " validation case(s) failed; see " + opt->out_dir + "/report.md");
  });
}

}  // namespace bd::cli
