// Helper for tests that run the betadose executable: exit code and stdout+stderr. No shell is
// involved (issue 11): arguments are split here (quotes '...' and "..." group, \ escapes) and
// the program is started with posix_spawn, so file names with quotes or spaces are tested as
// a user's shell would pass them.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace bd::test {

struct CliResult {
  int exit_code;       // exit status, 128 + signal when killed (as a shell reports it), -1 on failure
  std::string output;  // stdout and stderr together
};

// "a 'b c' \"d\"" -> {a, b c, d}
inline std::vector<std::string> split_args(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool have = false;
  char quote = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quote) {
      if (c == quote) quote = 0;
      else if (c == '\\' && quote == '"' && i + 1 < line.size()) cur += line[++i];
      else cur += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      have = true;
    } else if (c == '\\' && i + 1 < line.size()) {
      cur += line[++i];
      have = true;
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (have) out.push_back(cur);
      cur.clear();
      have = false;
    } else {
      cur += c;
      have = true;
    }
  }
  if (quote) throw std::invalid_argument("split_args: unbalanced quote in: " + line);
  if (have) out.push_back(cur);
  return out;
}

// A running program whose output goes to a file the test can read while it runs.
class CliProcess {
 public:
  // argv[0] is the program; `env` entries NAME=VALUE are added to the environment; stderr
  // goes to the same log as stdout unless `with_stderr` is false (then to /dev/null).
  CliProcess(const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
             bool with_stderr = true) {
    char tmpl[] = "/tmp/betadose-cli-XXXXXX";
    const int fd = ::mkstemp(tmpl);
    if (fd < 0) throw std::runtime_error("mkstemp failed");
    ::close(fd);
    log_ = tmpl;
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    std::vector<std::string> env_strings;
    for (char** e = environ; *e; ++e) env_strings.emplace_back(*e);
    env_strings.insert(env_strings.end(), env.begin(), env.end());
    std::vector<char*> envp;
    for (auto& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, log_.c_str(), O_WRONLY | O_TRUNC, 0600);
    if (with_stderr) posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
    else posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    const int rc = ::posix_spawn(&pid_, args[0], &fa, nullptr, args.data(), envp.data());
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) pid_ = -1;
  }
  ~CliProcess() {
    if (pid_ > 0 && !done_) {
      ::kill(pid_, SIGKILL);
      wait();
    }
    std::remove(log_.c_str());
  }
  CliProcess(const CliProcess&) = delete;
  CliProcess& operator=(const CliProcess&) = delete;

  bool started() const { return pid_ > 0; }
  std::string output() const {
    std::ifstream in(log_);
    std::ostringstream os;
    os << in.rdbuf();
    return os.str();
  }
  void signal(int sig) const {
    if (pid_ > 0 && !done_) ::kill(pid_, sig);
  }
  // Polls `ready` every millisecond for at most `timeout`; false when it never held or the
  // program ended first.
  bool wait_until(const std::function<bool()>& ready, std::chrono::milliseconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
      if (ready()) return true;
      int status = 0;
      if (!done_ && ::waitpid(pid_, &status, WNOHANG) == pid_) {
        done_ = true;
        status_ = status;
        return ready();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return false;
  }
  CliResult wait() {
    if (pid_ <= 0) return {-1, "cannot start the program"};
    if (!done_) {
      while (::waitpid(pid_, &status_, 0) < 0 && errno == EINTR) {
      }
      done_ = true;
    }
    const int code = WIFEXITED(status_) ? WEXITSTATUS(status_) : WIFSIGNALED(status_) ? 128 + WTERMSIG(status_) : -1;
    return {code, output()};
  }

 private:
  pid_t pid_ = -1;
  bool done_ = false;
  int status_ = 0;
  std::string log_;
};

inline std::vector<std::string> betadose_argv(const std::vector<std::string>& args) {
  std::vector<std::string> argv{BETADOSE_EXECUTABLE};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

// Runs betadose with `args` (already split) and waits.
inline CliResult run_cli_argv(const std::vector<std::string>& args, const std::vector<std::string>& env = {},
                              bool with_stderr = true) {
  CliProcess p(betadose_argv(args), env, with_stderr);
  return p.wait();
}

// Stdout only (e.g. a --json object without the warnings on stderr).
inline CliResult run_cli_stdout(const std::string& args) { return run_cli_argv(split_args(args), {}, false); }

// Runs betadose with `args` split as a shell would split a plain command line.
inline CliResult run_cli(const std::string& args) { return run_cli_argv(split_args(args)); }

// Runs any program (a test helper script) with an argument vector; exit code and output.
inline CliResult run_program_argv(const std::vector<std::string>& argv) {
  CliProcess p(argv);
  return p.wait();
}

// Runs a shell command line (the scale-out tests' mpirun lines), stdout and stderr together.
inline CliResult run_shell(const std::string& command_line) {
  CliProcess p({"/bin/sh", "-c", command_line});
  return p.wait();
}

}  // namespace bd::test
