#include "betadose/eanm_flags.hh"

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace bd {
namespace {

// Reads a number at text[pos] (digits and one '.'), advancing pos; NaN when none.
double read_number(const std::string& text, std::size_t& pos) {
  const std::size_t start = pos;
  while (pos < text.size() && (std::isdigit(static_cast<unsigned char>(text[pos])) || text[pos] == '.')) ++pos;
  if (pos == start) return std::nan("");
  return std::strtod(text.substr(start, pos - start).c_str(), nullptr);
}

void skip_spaces(const std::string& t, std::size_t& pos) {
  while (pos < t.size() && t[pos] == ' ') ++pos;
}

}  // namespace

EanmThreshold parse_eanm_threshold(const std::string& cell) {
  EanmThreshold t;
  t.statement = cell.substr(0, cell.find(';'));
  const std::string& s = t.statement;
  std::size_t pos = 0;
  skip_spaces(s, pos);
  using K = EanmThreshold::Kind;
  K comparator = K::none;
  // UTF-8 ≥ (E2 89 A5) and ≤ (E2 89 A4), or ASCII > < (>= <=).
  if (s.compare(pos, 3, "\xE2\x89\xA5") == 0) { comparator = K::at_least; pos += 3; }
  else if (s.compare(pos, 3, "\xE2\x89\xA4") == 0) { comparator = K::at_most; pos += 3; }
  else if (s.compare(pos, 2, ">=") == 0) { comparator = K::at_least; pos += 2; }
  else if (s.compare(pos, 2, "<=") == 0) { comparator = K::at_most; pos += 2; }
  else if (pos < s.size() && s[pos] == '>') { comparator = K::more_than; ++pos; }
  else if (pos < s.size() && s[pos] == '<') { comparator = K::less_than; ++pos; }
  skip_spaces(s, pos);
  const double a = read_number(s, pos);
  if (std::isnan(a)) return t;  // "Not applicable", "Not recommended", ""
  double b = std::nan("");
  if (pos < s.size() && s[pos] == '-') {
    std::size_t p2 = pos + 1;
    b = read_number(s, p2);
  }
  t.conditional = s.find(" if ") != std::string::npos;
  if (comparator == K::none) {
    if (std::isnan(b)) return t;  // a bare number is a target value, not a threshold
    t.kind = K::range;
    t.lo_gy = a;
    t.hi_gy = b;
    return t;
  }
  t.kind = comparator;
  const bool lower = comparator == K::at_least || comparator == K::more_than;
  t.lo_gy = t.hi_gy = (!std::isnan(b) && !lower) ? b : a;
  return t;
}

EanmFlag evaluate_eanm(const EanmThreshold& t, double d) {
  using K = EanmThreshold::Kind;
  if (!std::isfinite(d) || t.conditional) return EanmFlag::not_evaluated;
  bool ok = false;
  switch (t.kind) {
    case K::none: return EanmFlag::not_evaluated;
    case K::at_least: ok = d >= t.lo_gy; break;
    case K::more_than: ok = d > t.lo_gy; break;
    case K::at_most: ok = d <= t.hi_gy; break;
    case K::less_than: ok = d < t.hi_gy; break;
    case K::range: ok = d >= t.lo_gy && d <= t.hi_gy; break;
  }
  return ok ? EanmFlag::met : EanmFlag::not_met;
}

const char* to_string(EanmFlag f) {
  switch (f) {
    case EanmFlag::met: return "met";
    case EanmFlag::not_met: return "not met";
    default: return "-";
  }
}

}  // namespace bd
