#include <cmath>
#include <iomanip>
#include <sstream>

#include "betadose/json_writer.hh"
#include "betadose/number_format.hh"
#include "report_parts.hh"

namespace bd::report {

std::string esc(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string num(double x, int decimals) { return fixed_or_dash(x, decimals); }

std::string exact(double x) { return json_number(x); }

std::vector<double> default_isodose_levels(double max_gy) {
  static const double kSteps[] = {1, 2, 5, 10, 20, 40, 70, 100, 150, 200, 300, 500, 1000, 2000, 5000};
  std::vector<double> levels;
  for (double s : kSteps)
    if (s < max_gy && s >= 0.05 * max_gy) levels.push_back(s);
  while (levels.size() > 7) levels.erase(levels.begin());
  if (levels.empty() && max_gy > 0) levels.push_back(0.5 * max_gy);
  return levels;
}

std::string isodose_colour(std::size_t index, std::size_t count) {
  // Blue (low) -> cyan -> green -> yellow -> red (high): distinguishable on grey CT.
  static const char* kPalette[] = {"#3b6cff", "#00c8ff", "#00e07a", "#c8f000", "#ffd000", "#ff8000", "#ff1a1a"};
  const std::size_t n = sizeof kPalette / sizeof kPalette[0];
  if (count <= 1) return kPalette[n - 1];
  const std::size_t k = (index * (n - 1) + (count - 1) / 2) / (count - 1);
  return kPalette[k < n ? k : n - 1];
}

}  // namespace bd::report
