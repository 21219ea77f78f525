// Running helper programs (plotting scripts) without a shell: the argument vector is passed
// as is (posix_spawnp), so no character in a file name can run a command (issue 11). The child
// gets the default signal mask and dispositions and is stopped if betadose is interrupted.
#pragma once

#include <string>
#include <vector>

namespace bd {

struct ProgramResult {
  int exit_code = -1;      // the child's exit status; 128 + signal when it was killed
  std::string output;      // stdout and stderr together (when captured)
};

// Runs argv[0] (looked up in PATH) with argv[1..] and waits. InputError when it cannot be
// started. `capture` collects stdout+stderr into result.output (else they are inherited).
ProgramResult run_program(const std::vector<std::string>& argv, bool capture = true);

}  // namespace bd
