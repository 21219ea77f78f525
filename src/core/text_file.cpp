#include "betadose/text_file.hh"

#include "betadose/output_file.hh"

namespace bd {

void write_text_file_atomic(const std::string& path, const std::string& text, const std::string& what,
                            const std::function<void()>& committed) {
  write_file_atomic(path, text, what, committed);
}

}  // namespace bd
