// Numbers in tables (CLI tables, the HTML report): fixed decimals, "-" when not finite.
#pragma once

#include <cmath>
#include <iomanip>
#include <sstream>
#include <string>

namespace bd {

inline std::string fixed_or_dash(double x, int decimals) {
  if (!std::isfinite(x)) return "-";
  std::ostringstream os;
  os << std::fixed << std::setprecision(decimals) << x;
  return os.str();
}

}  // namespace bd
