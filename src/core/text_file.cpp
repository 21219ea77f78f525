#include "betadose/text_file.hh"

#include "betadose/output_file.hh"

namespace bd {

void write_text_file_atomic(const std::string& path, const std::string& text) {
  write_file_atomic(path, text, "output");
}

}  // namespace bd
