// Helper for tests that run the betadose executable: captures stdout+stderr and exit code.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace bd::test {

struct CliResult {
  int exit_code;
  std::string output;
};

// Runs a shell command line (stdout and stderr captured together).
inline CliResult run_shell(const std::string& command_line) {
  const std::string cmd = command_line + " 2>&1";
  CliResult r{-1, ""};
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buf{};
  while (std::fgets(buf.data(), buf.size(), pipe)) r.output += buf.data();
  const int status = ::pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

inline CliResult run_cli(const std::string& args) { return run_shell(std::string(BETADOSE_EXECUTABLE) + " " + args); }

}  // namespace bd::test
