#include "betadose/text_file.hh"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "betadose/errors.hh"

namespace bd {

void write_text_file_atomic(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary);
    BD_VALIDATE(out.good(), path << ": cannot open for writing (directory missing or not writable?)");
    out << text;
    out.flush();
    if (!out.good()) {
      out.close();
      std::remove(tmp.c_str());
      throw InputError(path + ": write failed (disk full?)");
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::remove(tmp.c_str());
    throw InputError(path + ": cannot move the finished file into place: " + ec.message());
  }
}

}  // namespace bd
