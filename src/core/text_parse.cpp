#include "betadose/text_parse.hh"

#include <cmath>
#include <iomanip>
#include <sstream>

#include "betadose/errors.hh"

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

std::string format_g(double v, int precision) {
  std::ostringstream os;
  os << std::setprecision(precision) << v;
  return os.str();
}

}  // namespace bd
