// betadose command-line entry point: subcommands are registered from src/cli/*_command.cpp.
#include <CLI/CLI.hpp>

#include <unistd.h>

#include <chrono>
#include <iostream>
#include <new>
#include <thread>

#include "betadose/cli_commands.hh"
#include "betadose/errors.hh"
#include "betadose/interrupt.hh"
#include "betadose/parallel.hh"

namespace {

// Under MPI an error may hit one rank while the others wait in a collective: the job ends as
// a whole (MPI_Abort). A deterministic error (bad input) hits every rank alike; rank 0 then
// reports it alone: the other ranks wait a moment, so its abort usually ends them first.
int fail(int code, const std::string& message) {
  const bd::Ranks& r = bd::ranks();
  if (r.parallel() && !r.root()) std::this_thread::sleep_for(std::chrono::seconds(2));
  std::cerr << (r.parallel() && !r.root() ? "betadose (rank " + std::to_string(r.rank()) + "): " : "betadose: ")
            << message << "\n";
  if (r.parallel()) bd::abort_parallel(code);
  bd::finalize_parallel();
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  // Before any thread exists: SIGINT/SIGTERM are handled by one watcher thread that removes
  // staged outputs (output_file.hh) and exits 130/143.
  bd::install_interrupt_handling();
  // After the watcher: MPI's threads inherit the blocked signals (parallel.hh).
  bd::init_parallel(&argc, &argv);
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
  bd::cli::add_merge_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    const int code = bd::ranks().root() ? app.exit(e) : 0;
    bd::finalize_parallel();
    return code;
  } catch (const CLI::CallForAllHelp& e) {
    const int code = bd::ranks().root() ? app.exit(e) : 0;
    bd::finalize_parallel();
    return code;
  } catch (const CLI::CallForVersion& e) {
    const int code = bd::ranks().root() ? app.exit(e) : 0;
    bd::finalize_parallel();
    return code;
  } catch (const CLI::ParseError& e) {
    return fail(2, std::string(e.what()) + " (see betadose --help)");
  } catch (const bd::InputError& e) {
    return fail(2, std::string("error: ") + e.what());
  } catch (const bd::Interrupted& e) {
    // Every rank left the same batch together (the decision was shared): a clean end.
    if (bd::ranks().root()) std::cerr << "betadose: " << e.what() << "\n";
    bd::finalize_parallel();
    return e.exit_code();
  } catch (const std::bad_alloc&) {
    return fail(2, "error: out of memory (a grid or table larger than this machine can hold; use a coarser "
                   "--voxel-mm or a smaller region)");
  } catch (const bd::CheckFailed& e) {
    return fail(1, std::string("check failed: ") + e.what());
  } catch (const std::exception& e) {
    return fail(3, std::string("internal error: ") + e.what());
  }
  bd::finalize_parallel();
  return 0;
}
