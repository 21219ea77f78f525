// The betadose app: every command, TOML configs and the numeric checks (cli_commands.hh).
#include <CLI/CLI.hpp>

#include "betadose/cli_commands.hh"
#include "betadose/config_file.hh"
#include "betadose/option_checks.hh"

namespace bd::cli {

void add_all_commands(CLI::App& app) {
  add_info_command(app);
  add_dpk_command(app);
  add_vsv_command(app);
  add_plan_command(app);
  add_kernel_command(app);
  add_compare_command(app);
  add_validate_command(app);
  add_analyze_command(app);
  add_mc_command(app);
  add_spheres_command(app);
  add_export_command(app);
  add_report_command(app);
  add_merge_command(app);
  // After every command: --config for all of them, and the number check on every numeric
  // option that does not carry a narrower one.
  install_config_files(app);
  check_numeric_options(app);
}

}  // namespace bd::cli
