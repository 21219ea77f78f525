// betadose command-line entry point: subcommands are registered from src/cli/*_command.cpp.
//
// Exit codes (DESIGN.md §4, README): 0 ok, 1 a check failed, 2 bad input or usage (also an
// output that cannot be written, or memory the machine does not have), 130/143 SIGINT/SIGTERM.
// Nothing else: every error betadose knows is an InputError or a CheckFailed naming the file
// or option; anything else reaching main is a bug, reported as such with exit 1 (the run did
// not produce its result) rather than with std::terminate's abort.
#include <CLI/CLI.hpp>
#include <signal.h>

#include <filesystem>
#include <iostream>
#include <new>

#include "betadose/cli_commands.hh"
#include "betadose/errors.hh"
#include "betadose/interrupt.hh"
#include "betadose/memory_check.hh"
#include "failed_allocation.hh"

namespace {

int run(int argc, char** argv) {
  CLI::App app{"betadose: Monte Carlo beta-transport dosimetry for 90Y radioembolization"};
  app.set_version_flag("--version", std::string("betadose ") + BETADOSE_VERSION);
  app.require_subcommand(1);
  bd::cli::add_all_commands(app);
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
    const std::size_t asked = bd::cli::failed_allocation_bytes();
    std::cerr << "betadose: error: out of memory";
    if (asked > 0) std::cerr << ": an allocation of " << bd::human_bytes(double(asked)) << " failed";
    std::cerr << " (MemAvailable " << bd::human_bytes(bd::available_memory_bytes())
              << "); use a coarser --voxel-mm, a smaller region or smaller search/table sizes\n";
    return 2;
  } catch (const bd::CheckFailed& e) {
    std::cerr << "betadose: check failed: " << e.what() << "\n";
    return 1;
  } catch (const std::filesystem::filesystem_error& e) {
    // A file system refusal (permissions, a vanished path) on a user's path.
    std::cerr << "betadose: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "betadose: internal error (a bug in betadose; please report it with the command line): "
              << e.what() << "\n";
    return 1;
  }
  // Results printed on stdout are outputs too: a full disk or closed pipe is not success.
  std::cout.flush();
  if (!std::cout) {
    std::cerr << "betadose: error: writing to standard output failed\n";
    return 2;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Before any thread exists: SIGINT/SIGTERM are handled by one watcher thread that removes
  // staged outputs (output_file.hh) and exits 130/143. A closed stdout pipe is an error to
  // report (exit 2 above), not a SIGPIPE death.
  ::signal(SIGPIPE, SIG_IGN);
  bd::install_interrupt_handling();
  return run(argc, argv);
}
