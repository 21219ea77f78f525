// What a directory tree holds (names, types, sizes, contents), so a test can assert that a
// refused run created, changed and removed nothing (issue 11). FIFOs are listed, never opened.
#pragma once

#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <sstream>
#include <string>

namespace bd::test {

struct FileState {
  char type = '?';  // f file, d directory, p FIFO, l dangling symlink, ? other
  std::uintmax_t size = 0;
  std::size_t hash = 0;
  bool operator==(const FileState& o) const { return type == o.type && size == o.size && hash == o.hash; }
};

using Snapshot = std::map<std::string, FileState>;

inline Snapshot snapshot(const std::filesystem::path& root) {
  namespace fs = std::filesystem;
  Snapshot s;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::path p = it->path();
    FileState st;
    const auto status = fs::status(p, ec);
    if (fs::is_regular_file(status)) {
      st.type = 'f';
      st.size = fs::file_size(p, ec);
      std::ifstream in(p, std::ios::binary);
      st.hash = std::hash<std::string>()(std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()));
    } else if (fs::is_directory(status)) {
      st.type = 'd';
    } else if (fs::is_fifo(status)) {
      st.type = 'p';
    } else if (fs::is_symlink(fs::symlink_status(p, ec))) {
      st.type = 'l';
    }
    s[p.string()] = st;
  }
  return s;
}

// "" when equal, else one line per created, removed or changed path.
inline std::string snapshot_diff(const Snapshot& before, const Snapshot& after) {
  std::ostringstream os;
  for (const auto& [p, st] : after) {
    const auto it = before.find(p);
    if (it == before.end()) os << "created " << p << "\n";
    else if (!(it->second == st)) os << "changed " << p << "\n";
  }
  for (const auto& [p, st] : before)
    if (!after.count(p)) os << "removed " << p << "\n";
  return os.str();
}

}  // namespace bd::test
