#include "betadose/text_parse.hh"

#include <cctype>
#include <cmath>
#include <cstdint>
#include <iomanip>
#include <sstream>

#include "betadose/errors.hh"
#include "betadose/input_file.hh"

namespace bd {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

double parse_number(const std::string& text, const std::string& where, const std::string& what) {
  std::size_t pos = 0;
  double v = 0;
  try {
    v = std::stod(text, &pos);
  } catch (const std::exception&) {
    pos = 0;
  }
  BD_VALIDATE(pos > 0 && pos == text.size() && std::isfinite(v),
              where << ": " << what << " must be a number, got '" << text << "'");
  return v;
}

std::vector<DataLine> read_data_lines(const std::string& path, const std::string& what) {
  // A regular file of bounded size, read whole (input_file.hh: never a FIFO, no NUL bytes).
  std::istringstream in(read_text_input(path, what));
  std::vector<DataLine> out;
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    const auto hash = line.find('#');
    if (hash != std::string::npos) line.erase(hash);
    std::istringstream ls(line);
    DataLine d;
    if (!(ls >> d.key)) continue;
    for (std::string tok; ls >> tok;) d.fields.push_back(tok);
    d.rest = trim(line.substr(line.find(d.key) + d.key.size()));
    d.where = path + ":" + std::to_string(lineno);
    out.push_back(std::move(d));
  }
  return out;
}

std::string format_g(double v, int precision) {
  std::ostringstream os;
  os << std::setprecision(precision) << v;
  return os.str();
}

bool valid_utf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xE ? 2 : (c >> 3) == 0x1E ? 3 : 4;
    if (n == 4 || (n > 0 && i + n >= s.size())) return false;  // a bad lead byte, or cut short
    std::uint32_t cp = n == 0 ? c : c & (0x3Fu >> n);
    for (std::size_t k = 1; k <= n; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d >> 6) != 0x2) return false;
      cp = (cp << 6) | (d & 0x3Fu);
    }
    static const std::uint32_t min_of[4] = {0, 0x80, 0x800, 0x10000};
    if (cp < min_of[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

std::string latin1_to_utf8(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

std::string upper_trimmed(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return trim(s);
}

}  // namespace bd
