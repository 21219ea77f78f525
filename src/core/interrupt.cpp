#include "betadose/interrupt.hh"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

namespace bd {
namespace {

// Held by the watcher while it cleans up and by commit_all while it renames.
std::recursive_mutex& registry_mutex() {
  static std::recursive_mutex m;
  return m;
}
std::set<std::string>& staging_dirs() {
  static std::set<std::string> s;
  return s;
}
std::set<pid_t>& children() {
  static std::set<pid_t> s;
  return s;
}
std::atomic<int> g_cooperative{0};
std::atomic<int> g_pending{0};

void say(const char* text) {
  const std::size_t n = std::strlen(text);
  ssize_t ignored = ::write(STDERR_FILENO, text, n);
  (void)ignored;
}

[[noreturn]] void clean_up_and_exit(int sig) {
  std::lock_guard<std::recursive_mutex> lock(registry_mutex());
  for (pid_t pid : children()) ::kill(pid, SIGTERM);
  // remove_all gives up when the tree changes under it (a writer thread still running: a
  // file it opens fails, and so on); repeat until each directory is gone. StagedOutput's own
  // clean-up takes the same lock, so it cannot run at the same time.
  for (const auto& dir : staging_dirs()) {
    std::error_code ec;
    for (int attempt = 0; attempt < 1000 && std::filesystem::exists(dir, ec); ++attempt) {
      std::filesystem::remove_all(dir, ec);
      if (ec) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  say(sig == SIGINT ? "\nbetadose: interrupted (SIGINT): no output written\n"
                    : "\nbetadose: terminated (SIGTERM): no output written\n");
  ::_exit(128 + sig);
}

void watch(sigset_t set) {
  for (;;) {
    int sig = 0;
    if (::sigwait(&set, &sig) != 0) continue;
    if (g_cooperative.load() > 0 && g_pending.load() == 0) {
      g_pending.store(sig);
      say(sig == SIGINT ? "\nbetadose: SIGINT received: finishing the current batch (again to abort)\n"
                        : "\nbetadose: SIGTERM received: finishing the current batch (again to abort)\n");
      continue;
    }
    clean_up_and_exit(sig);
  }
}

}  // namespace

void install_interrupt_handling() {
  static std::once_flag once;
  std::call_once(once, [] {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    // Inherited by every thread created afterwards (OpenMP workers, the watcher).
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::thread(watch, set).detach();
  });
}

int pending_interrupt_signal() { return g_pending.load(); }

CooperativeInterrupt::CooperativeInterrupt() { ++g_cooperative; }
CooperativeInterrupt::~CooperativeInterrupt() { --g_cooperative; }

namespace detail {

void register_staging_dir(const std::string& dir) {
  std::lock_guard<std::recursive_mutex> lock(registry_mutex());
  staging_dirs().insert(dir);
}
void unregister_staging_dir(const std::string& dir) {
  std::lock_guard<std::recursive_mutex> lock(registry_mutex());
  staging_dirs().erase(dir);
}
void register_child(pid_t pid) {
  std::lock_guard<std::recursive_mutex> lock(registry_mutex());
  children().insert(pid);
}
void unregister_child(pid_t pid) {
  std::lock_guard<std::recursive_mutex> lock(registry_mutex());
  children().erase(pid);
}
CommitGuard::CommitGuard() { registry_mutex().lock(); }
CommitGuard::~CommitGuard() { registry_mutex().unlock(); }

}  // namespace detail
}  // namespace bd
