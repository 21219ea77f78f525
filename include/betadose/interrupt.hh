// SIGINT/SIGTERM handling for the whole program (issue 11: a signal never leaves a partial or
// temporary file behind; exit status 130 for SIGINT, 143 for SIGTERM).
//
// install_interrupt_handling() (called once at the top of main, before any thread starts)
// blocks both signals in every thread and waits for them in a watcher thread, where ordinary
// (not async-signal-safe) clean-up is allowed. On a signal the watcher removes every staged
// output (output_file.hh), stops child processes (subprocess.hh), prints one line and exits.
//
// A run that can stop cleanly (a checkpointing transport, issue 15) opens a
// CooperativeInterrupt scope: the first signal then only raises a flag that the run polls at
// batch boundaries (pending_interrupt_signal()); it finishes its batch, writes what it must and
// throws Interrupted, which main turns into 128 + signal. A second signal exits at once.
#pragma once

#include <stdexcept>
#include <string>
#include <sys/types.h>

namespace bd {

void install_interrupt_handling();

// 0, or the signal number received while a CooperativeInterrupt scope was open.
int pending_interrupt_signal();

class CooperativeInterrupt {
 public:
  CooperativeInterrupt();
  ~CooperativeInterrupt();
  CooperativeInterrupt(const CooperativeInterrupt&) = delete;
  CooperativeInterrupt& operator=(const CooperativeInterrupt&) = delete;
};

// Thrown by a cooperative run after a signal; main exits with 128 + signal.
class Interrupted : public std::runtime_error {
 public:
  Interrupted(int signal_number, const std::string& what)
      : std::runtime_error(what), signal_(signal_number) {}
  int signal_number() const { return signal_; }
  int exit_code() const { return 128 + signal_; }

 private:
  int signal_;
};

namespace detail {
// Registry used by the output layer and the subprocess helper (thread safe).
void register_staging_dir(const std::string& dir);
void unregister_staging_dir(const std::string& dir);
void register_child(pid_t pid);
void unregister_child(pid_t pid);
// Held while a set of outputs is renamed into place: the watcher waits for it.
class CommitGuard {
 public:
  CommitGuard();
  ~CommitGuard();
  CommitGuard(const CommitGuard&) = delete;
  CommitGuard& operator=(const CommitGuard&) = delete;
};
}  // namespace detail

}  // namespace bd
