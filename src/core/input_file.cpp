#include "betadose/input_file.hh"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "betadose/errors.hh"

namespace bd {
namespace {

std::string prefix(const std::string& what, const std::string& path) {
  return what.empty() ? path : what + " " + path;
}

// What a non-regular file is, in words.
const char* kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

struct stat stat_or_throw(const std::string& path, const std::string& what) {
  BD_VALIDATE(!path.empty(), (what.empty() ? std::string("input") : what) << ": empty file name");
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    const int err = errno;
    BD_VALIDATE(err != ENOENT && err != ENOTDIR, prefix(what, path) << ": no such file or directory");
    throw InputError(prefix(what, path) + ": cannot be examined (" + std::strerror(err) + ")");
  }
  return st;
}

}  // namespace

std::uint64_t require_input_file(const std::string& path, const std::string& what) {
  const struct stat st = stat_or_throw(path, what);
  BD_VALIDATE(S_ISREG(st.st_mode), prefix(what, path) << ": is " << kind_of(st.st_mode)
                                                      << "; a regular file is required");
  return static_cast<std::uint64_t>(st.st_size);
}

InputPathKind require_input_file_or_directory(const std::string& path, const std::string& what) {
  const struct stat st = stat_or_throw(path, what);
  if (S_ISREG(st.st_mode)) return InputPathKind::regular_file;
  BD_VALIDATE(S_ISDIR(st.st_mode), prefix(what, path) << ": is " << kind_of(st.st_mode)
                                                      << "; a regular file or a DICOM series directory "
                                                         "is required");
  // A series reader opens every entry: one FIFO among them would block it forever.
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(path.c_str()), ::closedir);
  BD_VALIDATE(dir != nullptr, prefix(what, path) << ": cannot list the directory (" << std::strerror(errno) << ")");
  while (const dirent* e = ::readdir(dir.get())) {
    const std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    const std::string entry = path + "/" + name;
    struct stat es {};
    if (::stat(entry.c_str(), &es) != 0) continue;  // a dangling link: the series reader skips it
    BD_VALIDATE(S_ISREG(es.st_mode) || S_ISDIR(es.st_mode),
                prefix(what, path) << ": the directory holds " << entry << ", which is " << kind_of(es.st_mode)
                                   << "; a DICOM series directory must hold regular files only");
  }
  return InputPathKind::directory;
}

std::string read_text_input(const std::string& path, const std::string& what, std::size_t max_bytes) {
  const std::uint64_t size = require_input_file(path, what);
  BD_VALIDATE(size <= max_bytes, prefix(what, path) << ": is " << size << " bytes, more than the " << max_bytes
                                                    << " bytes a text input may have");
  // O_NONBLOCK: should the path be swapped for a FIFO after the check, open() still returns.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  BD_VALIDATE(fd >= 0, prefix(what, path) << ": cannot open (" << std::strerror(errno) << ")");
  std::unique_ptr<int, void (*)(int*)> closer(new int(fd), [](int* f) {
    ::close(*f);
    delete f;
  });
  struct stat st {};
  BD_VALIDATE(::fstat(fd, &st) == 0 && S_ISREG(st.st_mode),
              prefix(what, path) << ": is not a regular file");
  std::string text;
  text.reserve(static_cast<std::size_t>(st.st_size));
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    BD_VALIDATE(n >= 0, prefix(what, path) << ": read failed (" << std::strerror(errno) << ")");
    if (n == 0) break;
    BD_VALIDATE(text.size() + std::size_t(n) <= max_bytes,
                prefix(what, path) << ": more than the " << max_bytes << " bytes a text input may have");
    text.append(buf, std::size_t(n));
  }
  const auto nul = text.find('\0');
  BD_VALIDATE(nul == std::string::npos, prefix(what, path) << ": holds a NUL byte at offset " << nul
                                                           << " (a binary file where text is expected)");
  return text;
}

}  // namespace bd
