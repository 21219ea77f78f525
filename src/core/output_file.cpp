#include "betadose/output_file.hh"

#include <fcntl.h>
#include <sys/file.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <thread>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <set>
#include <utility>

#include "betadose/errors.hh"
#include "betadose/interrupt.hh"

namespace fs = std::filesystem;

namespace bd {
namespace {

std::atomic<unsigned> g_counter{0};

std::string parent_of(const std::string& path) {
  fs::path parent = fs::path(path).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

std::string errno_text() { return std::strerror(errno); }

// fsync a file or directory by path; false with errno set on failure.
bool sync_path(const std::string& path, bool directory) {
  const int fd = ::open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) return false;
  const int rc = ::fsync(fd);
  const int saved = errno;
  ::close(fd);
  errno = saved;
  // Some file systems (tmpfs on old kernels) do not sync directories: not an error.
  return rc == 0 || (directory && (errno == EINVAL || errno == ENOTSUP));
}

void require_writable_directory(const std::string& target, const std::string& what) {
  const std::string dir = parent_of(target);
  std::error_code ec;
  BD_VALIDATE(fs::is_directory(dir, ec),
              what << " " << target << ": directory " << dir << " does not exist");
  BD_VALIDATE(::access(dir.c_str(), W_OK | X_OK) == 0,
              what << " " << target << ": directory " << dir << " is not writable");
}

// "<host>": staging directories are named .betadose-tmp-<host>-<pid>-<n>, so that a sweep on
// a file system shared by several machines (job arrays on NFS) only judges its own host's.
std::string host_tag() {
  char name[256] = {0};
  if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "host";
  std::string h(name);
  for (char& c : h)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.') c = '_';  // '-' separates the fields
  return h;
}

// Removes the staging directories that a betadose killed with SIGKILL (or a power cut) left
// in `dir`: its host's, whose process no longer exists, older than a minute. Once per
// directory per process; any failure is ignored (the sweep is housekeeping).
void sweep_dead_staging_dirs(const std::string& dir) {
  static std::mutex m;
  static std::set<std::string> swept;
  {
    std::lock_guard<std::mutex> lock(m);
    if (!swept.insert(dir).second) return;
  }
  const std::string prefix = ".betadose-tmp-" + host_tag() + "-";
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    const std::string rest = name.substr(prefix.size());  // <pid>-<n>
    const auto dash = rest.find('-');
    if (dash == std::string::npos || dash == 0) continue;
    char* end_pid = nullptr;
    const long pid = std::strtol(rest.c_str(), &end_pid, 10);
    if (end_pid != rest.c_str() + dash || pid <= 0 || pid == long(::getpid())) continue;
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;  // alive (or not ours to judge)
    std::error_code e2;
    const auto age = fs::file_time_type::clock::now() - fs::last_write_time(it->path(), e2);
    if (e2 || age < std::chrono::minutes(1)) continue;
    // Its owner holds a flock on it while alive: a process in another PID namespace (a
    // container sharing the host name) looks dead to kill() but keeps the lock.
    const int fd = ::open(it->path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) continue;
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) fs::remove_all(it->path(), e2);
    ::close(fd);
  }
}

}  // namespace

StagedOutput::StagedOutput(std::string target_path, std::string what)
    : target_(std::move(target_path)), what_(std::move(what)) {
  BD_VALIDATE(!target_.empty(), what_ << ": empty output path");
  require_writable_directory(target_, what_);
  const std::string dir = parent_of(target_);
  std::error_code ec;
  BD_VALIDATE(!fs::is_directory(target_, ec),
              what_ << " " << target_ << ": is a directory (expected a file name)");
  sweep_dead_staging_dirs(dir);
  for (int attempt = 0;; ++attempt) {
    staging_dir_ = (fs::path(dir) / (".betadose-tmp-" + host_tag() + "-" + std::to_string(::getpid()) + "-" +
                                     std::to_string(g_counter++)))
                       .string();
    // Registered before it exists, so a signal in between cannot leave it behind.
    detail::register_staging_dir(staging_dir_);
    if (::mkdir(staging_dir_.c_str(), 0700) == 0) {
      lock_fd_ = ::open(staging_dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (lock_fd_ >= 0) ::flock(lock_fd_, LOCK_EX | LOCK_NB);
      break;
    }
    const int err = errno;
    detail::unregister_staging_dir(staging_dir_);
    BD_VALIDATE(err == EEXIST && attempt < 100, what_ << " " << target_ << ": cannot create a "
                                                      << "temporary directory in " << dir << " ("
                                                      << std::strerror(err) << ")");
  }
  staged_ = (fs::path(staging_dir_) / fs::path(target_).filename()).string();
}

StagedOutput::~StagedOutput() {
  if (!committed_) discard();
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

void StagedOutput::discard() noexcept {
  if (staging_dir_.empty()) return;
  // Under the lock the interrupt watcher cleans up with: a writer failing because the watcher
  // is deleting its files (SIGINT while writing) would otherwise remove the same directory
  // concurrently, and the watcher's remove_all, finding entries gone, gave up on the parent
  // (a set's staging directory was left behind once in CI, InterruptCli.DuringEachWriter).
  detail::CommitGuard guard;
  std::error_code ec;
  fs::remove_all(staging_dir_, ec);
  detail::unregister_staging_dir(staging_dir_);
  staging_dir_.clear();
}

namespace {
// Fault injection for the signal tests (tests/host/interrupt_cli_test.cpp): with
// BETADOSE_TEST_PAUSE_BEFORE_COMMIT_MS set, every output waits that long, fully written but
// staged, before it is committed, so a test can signal the program while a writer's file
// exists only in its staging directory.
void test_pause_before_commit() {
  const char* ms = std::getenv("BETADOSE_TEST_PAUSE_BEFORE_COMMIT_MS");
  if (ms && *ms) std::this_thread::sleep_for(std::chrono::milliseconds(std::atoi(ms)));
}
}  // namespace

void StagedOutput::commit() { commit_all({this}); }

void StagedOutput::commit_locked() {
  BD_VALIDATE(!committed_ && !staging_dir_.empty(), what_ << " " << target_ << ": already committed");
  std::error_code ec;
  BD_VALIDATE(fs::is_regular_file(staged_, ec),
              what_ << " " << target_ << ": the writer produced no file");
  const std::string dir = parent_of(target_);
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(staging_dir_, ec)) files.push_back(entry.path());
  try {
    for (const auto& f : files)
      if (!sync_path(f.string(), false))
        throw InputError(what_ + " " + target_ + ": cannot flush " + f.filename().string() +
                         " to disk (" + errno_text() + "; disk full?)");
    // Companions (MetaImage .raw) first, the named file last: a reader that sees the
    // header sees its data.
    for (const auto& f : files) {
      if (f == fs::path(staged_)) continue;
      if (std::rename(f.c_str(), (fs::path(dir) / f.filename()).c_str()) != 0)
        throw InputError(what_ + " " + target_ + ": cannot move " + f.filename().string() +
                         " into place (" + errno_text() + ")");
    }
    if (std::rename(staged_.c_str(), target_.c_str()) != 0)
      throw InputError(what_ + " " + target_ + ": cannot move the finished file into place (" +
                       errno_text() + ")");
  } catch (...) {
    discard();
    throw;
  }
  committed_ = true;
  sync_path(dir, true);
  discard();
}

void commit_all(const std::vector<StagedOutput*>& outputs, const std::function<void()>& then) {
  test_pause_before_commit();
  detail::CommitGuard guard;
  for (StagedOutput* o : outputs)
    if (o) o->commit_locked();
  if (then) then();
}

const std::string& OutputSet::stage(const std::string& target, const std::string& what) {
  outputs_.push_back(std::make_unique<StagedOutput>(target, what));
  return outputs_.back()->path();
}

void OutputSet::commit() {
  std::vector<StagedOutput*> all;
  for (auto& o : outputs_) all.push_back(o.get());
  commit_all(all);
}

void write_file_atomic(const std::string& path, std::string_view bytes, const std::string& what,
                       const std::function<void()>& committed) {
  StagedOutput out(path, what);
  const int fd = ::open(out.path().c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  BD_VALIDATE(fd >= 0, what << " " << path << ": cannot create the file (" << errno_text() << ")");
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string err = n < 0 ? errno_text() : "no progress";
      ::close(fd);
      throw InputError(what + " " + path + ": write failed (" + err + "; disk full?)");
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const std::string err = errno_text();
    ::close(fd);
    throw InputError(what + " " + path + ": cannot flush to disk (" + err + "; disk full?)");
  }
  BD_VALIDATE(::close(fd) == 0, what << " " << path << ": close failed (" << errno_text() << ")");
  commit_all({&out}, committed);
}

std::vector<std::string> companion_files(const std::string& path) {
  const fs::path p(path);
  std::string ext = p.extension().string();
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  fs::path raw = p, zraw = p;
  raw.replace_extension(".raw");
  if (ext == ".nhdr") return {raw.string(), raw.string() + ".gz"};  // ITK's NRRD writer: <name>.raw[.gz]
  if (ext != ".mhd") return {};
  zraw.replace_extension(".zraw");
  return {raw.string(), zraw.string()};
}

namespace {

struct FileId {
  dev_t dev = 0;
  ino_t ino = 0;
  bool exists = false;
  bool regular = false;
  bool directory = false;
};

FileId identify(const std::string& path) {  // follows symlinks
  struct stat st {};
  FileId id;
  if (::stat(path.c_str(), &st) != 0) return id;
  id.exists = true;
  id.dev = st.st_dev;
  id.ino = st.st_ino;
  id.regular = S_ISREG(st.st_mode);
  id.directory = S_ISDIR(st.st_mode);
  return id;
}

bool same(const FileId& a, const FileId& b) {
  return a.exists && b.exists && a.dev == b.dev && a.ino == b.ino;
}

// Is `dir` (a directory) the directory in which `path` would be created, or above it?
bool inside(const std::string& path, const FileId& dir) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(path, ec), ec).parent_path();
  for (; !p.empty(); p = p.parent_path()) {
    if (same(identify(p.string()), dir)) return true;
    if (p == p.root_path()) break;
  }
  return false;
}

}  // namespace

void check_outputs(const std::vector<OutputTarget>& outputs, const std::vector<std::string>& inputs) {
  std::vector<std::pair<std::string, FileId>> in_ids;
  for (const auto& in : inputs)
    if (!in.empty()) {
      in_ids.emplace_back(in, identify(in));
      for (const auto& c : companion_files(in)) in_ids.emplace_back(c, identify(c));
    }
  std::vector<std::pair<const OutputTarget*, std::string>> written;  // every file produced
  for (const auto& o : outputs) {
    if (o.path.empty()) continue;
    require_writable_directory(o.path, o.option);
    std::vector<std::string> files{o.path};
    for (const auto& c : companion_files(o.path)) files.push_back(c);
    for (const auto& f : files) {
      const FileId id = identify(f);
      BD_VALIDATE(!id.directory, o.option << " " << o.path << ": " << f
                                          << " is a directory (expected a file name)");
      BD_VALIDATE(!id.exists || id.regular,
                  o.option << " " << o.path << ": " << f
                           << " exists and is not a regular file (FIFO, device or socket); "
                              "refusing to replace it");
      for (const auto& [in, in_id] : in_ids) {
        BD_VALIDATE(!same(id, in_id), o.option << " " << o.path << " is the same file as the input "
                                               << in << "; choose another output path");
        BD_VALIDATE(!in_id.directory || !inside(f, in_id),
                    o.option << " " << o.path << " lies inside the input directory " << in
                             << " (a DICOM series folder); write it elsewhere");
      }
      for (const auto& [other, other_file] : written) {
        const bool clash = same(id, identify(other_file)) ||
                           fs::weakly_canonical(fs::absolute(f)) ==
                               fs::weakly_canonical(fs::absolute(other_file));
        BD_VALIDATE(!clash, o.option << " " << o.path << " and " << other->option << " "
                                     << other->path << " name the same file");
      }
      written.emplace_back(&o, f);
    }
  }
}

}  // namespace bd
