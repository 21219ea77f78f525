// betadose command-line entry point: subcommands are registered from src/cli/*_command.cpp.
#include <CLI/CLI.hpp>

#include <iostream>
#include <new>

#include "betadose/cli_commands.hh"
#include "betadose/errors.hh"
#include "betadose/interrupt.hh"

int main(int argc, char** argv) {
  // Before any thread exists: SIGINT/SIGTERM are handled by one watcher thread that removes
  // staged outputs (output_file.hh) and exits 130/143.
  bd::install_interrupt_handling();
  CLI::App app{"betadose: Monte Carlo beta-transport dosimetry for 90Y radioembolization"};
  app.set_version_flag("--version", std::string("betadose ") + BETADOSE_VERSION);
  app.require_subcommand(1);
  app.set_config("--config", "", "Read options from a TOML file (same names as the options)");
  bd::cli::add_info_command(app);
  bd::cli::add_dpk_command(app);
  bd::cli::add_vsv_command(app);
  bd::cli::add_plan_command(app);
  bd::cli::add_kernel_command(app);
  bd::cli::add_compare_command(app);
  bd::cli::add_validate_command(app);
  bd::cli::add_analyze_command(app);
  bd::cli::add_mc_command(app);
  bd::cli::add_spheres_command(app);
  bd::cli::add_export_command(app);
  bd::cli::add_report_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "betadose: " << e.what() << " (see betadose --help)\n";
    return 2;
  } catch (const bd::InputError& e) {
    std::cerr << "betadose: error: " << e.what() << "\n";
    return 2;
  } catch (const bd::Interrupted& e) {
    std::cerr << "betadose: " << e.what() << "\n";
    return e.exit_code();
  } catch (const std::bad_alloc&) {
    std::cerr << "betadose: error: out of memory (a grid or table larger than this machine "
                 "can hold; use a coarser --voxel-mm or a smaller region)\n";
    return 2;
  } catch (const bd::CheckFailed& e) {
    std::cerr << "betadose: check failed: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "betadose: internal error: " << e.what() << "\n";
    return 3;
  }
  return 0;
}
