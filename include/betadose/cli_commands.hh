// Each subcommand lives in its own src/cli/<name>_command.cpp and registers itself here.
// A command's callback throws InputError (exit 2) or CheckFailed (exit 1) on failure.
#pragma once

namespace CLI {
class App;
}

namespace bd::cli {

// The whole program's app (src/cli/app.cpp): every command below, then --config for all of
// them (config_file.hh) and the number check on every numeric option (option_checks.hh).
// main() parses with it; tests and fuzz harnesses build the same app.
void add_all_commands(CLI::App& app);

void add_info_command(CLI::App& app);
void add_dpk_command(CLI::App& app);
void add_vsv_command(CLI::App& app);
void add_plan_command(CLI::App& app);
void add_validate_command(CLI::App& app);
void add_analyze_command(CLI::App& app);
void add_mc_command(CLI::App& app);
void add_kernel_command(CLI::App& app);
void add_compare_command(CLI::App& app);
void add_merge_command(CLI::App& app);
void add_spheres_command(CLI::App& app);
void add_export_command(CLI::App& app);
void add_report_command(CLI::App& app);

}  // namespace bd::cli
