// read_isolated (isolated_read.hh): the rehearsal of a read in a forked child.
#include "isolated_read.hh"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <new>
#include <string>

#include "betadose/dicom_header.hh"
#include "betadose/errors.hh"
#include "betadose/text_parse.hh"

// Present only in sanitizer builds (weak: null otherwise). A fuzzing parent registers a death
// callback that records the crashing input; the child's expected crash is not the parent's.
extern "C" void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

namespace bd::io {
namespace {

// > 0 while a read runs inside a rehearsal (in the child) or after one (in the parent).
thread_local int g_depth = 0;

// Exit codes of the child; anything else (a signal, a sanitizer's exit) is a library failure.
constexpr int kChildOk = 0;
constexpr int kChildInputError = 2;
constexpr int kChildOutOfMemory = 3;
constexpr int kChildOtherError = 4;

void write_all(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

[[noreturn]] void run_child(int fd, const std::function<void()>& read) {
  ++g_depth;
  if (__sanitizer_set_death_callback) __sanitizer_set_death_callback(nullptr);
  // A crash ends the child at once: no handler of the parent's (a fuzzer's crash recorder, a
  // sanitizer's report) runs for it. Its cause is the file, which the parent reports.
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) ::signal(sig, SIG_DFL);
  int code = kChildOk;
  try {
    read();
  } catch (const InputError& e) {
    write_all(fd, e.what());
    code = kChildInputError;
  } catch (const std::bad_alloc&) {
    code = kChildOutOfMemory;
  } catch (const std::exception& e) {
    write_all(fd, e.what());
    code = kChildOtherError;
  } catch (...) {
    code = kChildOtherError;
  }
  // No atexit handlers, no flush of stdio buffers inherited from the parent, no destructors of
  // the parent's objects: the child only reports.
  ::_exit(code);
}

double time_limit_s(const std::string& path) {
  double bytes = 0;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    // A DICOM folder's reader searches its subfolders when the top level holds no series (a CD
    // export): their files count too (links not followed, at most kMaxDicomFolderEntries entries).
    std::size_t entries = 0;
    for (std::filesystem::recursive_directory_iterator
             it(path, std::filesystem::directory_options::skip_permission_denied, ec), end;
         !ec && it != end && ++entries <= kMaxDicomFolderEntries; it.increment(ec))
      if (it->is_regular_file(ec)) bytes += double(it->file_size(ec));
  } else {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) bytes = double(st.st_size);
  }
  double limit = 60.0 + 10.0 * bytes / 100e6;
  // A user's (or a fuzz harness's) shorter limit, as BETADOSE_MEMORY_LIMIT_MB caps memory.
  if (const char* env = std::getenv("BETADOSE_READ_TIME_LIMIT_S"); env && *env) {
    char* end = nullptr;
    const double cap = std::strtod(env, &end);
    if (end == env || *end != '\0' || !std::isfinite(cap) || cap <= 0 || cap > 1e6)
      throw InputError(std::string("BETADOSE_READ_TIME_LIMIT_S = '") + env +
                       "': expected a time in seconds, greater than 0 and at most 1e6");
    limit = std::min(limit, cap);
  }
  return limit;
}

// A read in this process, marked as one that needs no rehearsal of its nested reads.
void read_here(const std::function<void()>& read) {
  ++g_depth;
  try {
    read();
  } catch (...) {
    --g_depth;
    throw;
  }
  --g_depth;
}

std::string signal_text(int sig) {
  const char* name = sigabbrev_np(sig);
  return name ? std::string("SIG") + name : "signal " + std::to_string(sig);
}

}  // namespace

void read_isolated(const std::string& path, const std::string& what, const std::string& library,
                   const std::function<void()>& read, double time_limit_s_in) {
  if (g_depth > 0) {
    read();
    return;
  }
  // Without a pipe or a child (process or descriptor limits) the read runs here, unrehearsed.
  auto read_here_unrehearsed = [&](const char* failed_call) {
    std::fprintf(stderr, "betadose: note: reading %s without a child process (%s: %s)\n", path.c_str(), failed_call,
                 std::strerror(errno));
    read_here(read);
  };
  const double limit_s = time_limit_s_in > 0 ? time_limit_s_in : time_limit_s(path);
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return read_here_unrehearsed("pipe");
  std::fflush(nullptr);  // nothing buffered twice
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int fork_errno = errno;
    ::close(fds[0]);
    ::close(fds[1]);
    errno = fork_errno;
    return read_here_unrehearsed("fork");
  }
  if (pid == 0) {
    ::close(fds[0]);
    run_child(fds[1], read);
  }
  ::close(fds[1]);

  // The child's message (bounded), until it closes the pipe or the time limit passes.
  const auto start = std::chrono::steady_clock::now();
  std::string message;
  bool timed_out = false;
  for (;;) {
    const double left_s =
        limit_s - std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (left_s <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    const int r = ::poll(&p, 1, static_cast<int>(std::min(left_s * 1000.0, 1000.0)) + 1);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;  // poll timeout: check the deadline again
    char buf[4096];
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // the child closed the pipe: it exited
    if (message.size() < 16384) message.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  if (timed_out) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out)
    throw InputError(path + ": reading this " + what + " did not finish within " +
                     format_g(limit_s, 3) +
                     " s (a damaged file can make the " + library + " library loop); nothing was read from it");
  if (WIFSIGNALED(status))
    throw InputError(path + ": the " + library + " library crashed (" + signal_text(WTERMSIG(status)) + ") reading this " +
                     what + ": the file is damaged or crafted; nothing was read from it");
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (code == kChildInputError) throw InputError(message);
  if (code == kChildOutOfMemory)
    throw InputError(path + ": not enough memory to read this " + what);
  if (code != kChildOk)
    throw InputError(path + ": reading this " + what + " failed inside the " + library + " library (exit " +
                     std::to_string(code) + (message.empty() ? "" : ": " + message) +
                     "): the file is damaged or crafted; nothing was read from it");
  read_here(read);
}

}  // namespace bd::io
