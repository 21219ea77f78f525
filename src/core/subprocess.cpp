#include "betadose/subprocess.hh"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "betadose/errors.hh"
#include "betadose/interrupt.hh"

extern char** environ;

namespace bd {

ProgramResult run_program(const std::vector<std::string>& argv, bool capture) {
  BD_VALIDATE(!argv.empty() && !argv[0].empty(), "run_program: no program given");
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  int pipe_fd[2] = {-1, -1};
  if (capture) BD_VALIDATE(::pipe2(pipe_fd, O_CLOEXEC) == 0, argv[0] << ": cannot create a pipe");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (capture) {
    posix_spawn_file_actions_adddup2(&actions, pipe_fd[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, pipe_fd[1], STDERR_FILENO);
  }
  // The parent blocks SIGINT/SIGTERM (interrupt.hh); the child gets the defaults back.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, deflt;
  sigemptyset(&none);
  sigemptyset(&deflt);
  sigaddset(&deflt, SIGINT);
  sigaddset(&deflt, SIGTERM);
  sigaddset(&deflt, SIGPIPE);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &deflt);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, args[0], &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (capture) ::close(pipe_fd[1]);
  if (rc != 0) {
    if (capture) ::close(pipe_fd[0]);
    throw InputError(argv[0] + ": cannot start (" + std::strerror(rc) + ")");
  }
  detail::register_child(pid);
  ProgramResult result;
  if (capture) {
    char buf[4096];
    for (;;) {
      const ssize_t n = ::read(pipe_fd[0], buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      result.output.append(buf, static_cast<std::size_t>(n));
    }
    ::close(pipe_fd[0]);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  detail::unregister_child(pid);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status)) result.exit_code = 128 + WTERMSIG(status);
  // posix_spawnp reports a missing program as exit 127 of the child on glibc.
  if (result.exit_code == 127 && result.output.empty())
    throw InputError(argv[0] + ": program not found");
  return result;
}

}  // namespace bd
