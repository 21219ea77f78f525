// betadose command-line entry point: subcommands are registered from src/cli/*_command.cpp.
//
// Exit codes (DESIGN.md §4, README): 0 ok, 1 a check failed, 2 bad input or usage (also an
// output that cannot be written, or memory the machine does not have), 130/143 SIGINT/SIGTERM.
// Nothing else: every error betadose knows is an InputError or a CheckFailed naming the file
// or option; anything else reaching main is a bug, reported as such with exit 1 (the run did
// not produce its result) rather than with std::terminate's abort.
#include <CLI/CLI.hpp>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <new>
#include <sstream>
#include <thread>

#include "betadose/cli_commands.hh"
#include "betadose/errors.hh"
#include "betadose/interrupt.hh"
#include "betadose/memory_check.hh"
#include "betadose/parallel.hh"
#include "failed_allocation.hh"

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

int help_exit(CLI::App& app, const CLI::Error& e) {
  const int code = bd::ranks().root() ? app.exit(e) : 0;
  bd::finalize_parallel();
  return code;
}

int run(int argc, char** argv) {
  CLI::App app{"betadose: Monte Carlo beta-transport dosimetry for 90Y radioembolization"};
  app.set_version_flag("--version", std::string("betadose ") + BETADOSE_VERSION);
  app.require_subcommand(1);
  bd::cli::add_all_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return help_exit(app, e);
  } catch (const CLI::CallForAllHelp& e) {
    return help_exit(app, e);
  } catch (const CLI::CallForVersion& e) {
    return help_exit(app, e);
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
    const std::size_t asked = bd::cli::failed_allocation_bytes();
    std::ostringstream msg;
    msg << "error: out of memory";
    if (asked > 0) msg << ": an allocation of " << bd::human_bytes(double(asked)) << " failed";
    msg << " (MemAvailable " << bd::human_bytes(bd::available_memory_bytes())
        << "); use a coarser --voxel-mm, a smaller region or smaller search/table sizes";
    return fail(2, msg.str());
  } catch (const bd::CheckFailed& e) {
    return fail(1, std::string("check failed: ") + e.what());
  } catch (const std::filesystem::filesystem_error& e) {
    // A file system refusal (permissions, a vanished path) on a user's path.
    return fail(2, std::string("error: ") + e.what());
  } catch (const std::exception& e) {
    return fail(1, std::string("internal error (a bug in betadose; please report it with the command line): ") +
                       e.what());
  }
  // Results printed on stdout are outputs too: a full disk or closed pipe is not success.
  std::cout.flush();
  if (!std::cout) return fail(2, "error: writing to standard output failed");
  bd::finalize_parallel();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Before any thread exists: SIGINT/SIGTERM are handled by one watcher thread that removes
  // staged outputs (output_file.hh) and exits 130/143. A closed stdout pipe is an error to
  // report (exit 2 above), not a SIGPIPE death.
  ::signal(SIGPIPE, SIG_IGN);
  bd::install_interrupt_handling();
  // After the watcher: MPI's threads inherit the blocked signals (parallel.hh).
  bd::init_parallel(&argc, &argv);
  return run(argc, argv);
}
