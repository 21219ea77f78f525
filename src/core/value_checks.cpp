#include "betadose/value_checks.hh"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "betadose/errors.hh"
#include "betadose/text_parse.hh"

namespace bd {
namespace {

// Plain decimal or scientific notation, nothing else: digits, at most one '.', an optional
// exponent; an optional leading sign. Rejects hex ("0x10"), "inf", "nan", spaces, "1e".
bool is_plain_number(const std::string& s, bool allow_sign) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    if (!allow_sign && s[i] == '-') return false;
    ++i;
  }
  std::size_t digits = 0;
  bool dot = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    std::size_t exp_digits = 0;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == s.size();
}

bool all_digits(const std::string& s, std::size_t from) {
  if (from >= s.size()) return false;
  for (std::size_t i = from; i < s.size(); ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

std::string quoted(const std::string& text) { return "'" + text + "'"; }

// "<option>: " (nothing for an empty option: the CLI11 validators add the name themselves).
std::string pre(const std::string& option) { return option.empty() ? std::string() : option + ": "; }

// The whole number `text` stands for, as a long double (exact for |x| < 2^64); false when it
// is not plain notation or not a whole number.
bool whole_value(const std::string& text, bool allow_sign, long double* out) {
  if (!is_plain_number(text, allow_sign)) return false;
  const std::size_t from = (text[0] == '+' || text[0] == '-') ? 1 : 0;
  if (all_digits(text, from)) {
    // Pure digits: exact integer arithmetic, no octal for a leading 0, saturating past 2^64.
    long double v = 0;
    for (std::size_t i = from; i < text.size(); ++i) v = v * 10 + (text[i] - '0');
    *out = text[0] == '-' ? -v : v;
    return true;
  }
  errno = 0;
  const long double v = std::strtold(text.c_str(), nullptr);
  if (!std::isfinite(v) || std::floor(v) != v) return false;
  *out = v;
  return true;
}

}  // namespace

bool ValueRange::contains(double v) const {
  if (!std::isfinite(v)) return false;
  if (min_inclusive ? v < min : v <= min) return false;
  if (max_inclusive ? v > max : v >= max) return false;
  return true;
}

std::string ValueRange::describe() const {
  const bool lo = std::isfinite(min), hi = std::isfinite(max);
  if (!lo && !hi) return "a finite number";
  if (lo && !hi) return std::string(min_inclusive ? ">= " : "> ") + format_g(min, 10);
  if (!lo && hi) return std::string(max_inclusive ? "<= " : "< ") + format_g(max, 10);
  return std::string("in ") + (min_inclusive ? "[" : "(") + format_g(min, 10) + ", " + format_g(max, 10) +
         (max_inclusive ? "]" : ")");
}

std::uint64_t parse_count(const std::string& text, const std::string& option, std::uint64_t min,
                          std::uint64_t max) {
  long double v = 0;
  const std::string expected = "expected a whole number from " + std::to_string(min) + " to " + std::to_string(max) +
                               ", e.g. 2000 or 2e7";
  BD_VALIDATE(whole_value(text, false, &v), pre(option) << quoted(text) << " is not a whole number (" << expected
                                                   << ")");
  BD_VALIDATE(v >= static_cast<long double>(min) && v <= static_cast<long double>(max),
              pre(option) << text << " is out of range (" << expected << ")");
  return static_cast<std::uint64_t>(v);
}

std::int64_t parse_whole(const std::string& text, const std::string& option, std::int64_t min, std::int64_t max) {
  long double v = 0;
  const std::string expected = "expected a whole number from " + std::to_string(min) + " to " + std::to_string(max);
  BD_VALIDATE(whole_value(text, true, &v), pre(option) << quoted(text) << " is not a whole number (" << expected
                                                  << ")");
  BD_VALIDATE(v >= static_cast<long double>(min) && v <= static_cast<long double>(max),
              pre(option) << text << " is out of range (" << expected << ")");
  return static_cast<std::int64_t>(v);
}

double parse_real(const std::string& text, const std::string& option, const ValueRange& range) {
  BD_VALIDATE(is_plain_number(text, true), pre(option) << quoted(text) << " is not a number (expected "
                                                  << range.describe() << ")");
  errno = 0;
  const double v = std::strtod(text.c_str(), nullptr);
  BD_VALIDATE(std::isfinite(v), pre(option) << text << " is too large to be a finite number (expected "
                                       << range.describe() << ")");
  check_real(v, option, range);
  return v;
}

void check_real(double value, const std::string& option, const ValueRange& range) {
  BD_VALIDATE(range.contains(value), pre(option) << format_g(value, 10) << " is out of range (expected "
                                            << range.describe() << ")");
}

int parse_threads(const std::string& text, const std::string& option) {
  return static_cast<int>(parse_whole(text, option, 0, kMaxThreads));
}

void check_threads(int threads, const std::string& option) {
  BD_VALIDATE(threads >= 0 && threads <= kMaxThreads,
              pre(option) << threads << " is out of range (0 = all cores, at most " << kMaxThreads << ")");
}

namespace {

template <class T>
void require_finite_impl(const T* v, std::size_t n, const Grid* grid, const std::string& what) {
  std::size_t bad = 0, first = 0;
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isfinite(v[i])) {
      if (bad++ == 0) first = i;
    }
  if (bad == 0) return;
  std::ostringstream os;
  os << what << ": " << bad << " of " << n << " values are not finite (NaN or Inf); the first, " << v[first]
     << ", at ";
  if (grid && grid->voxel_count() == n) {
    const auto nx = grid->size[0], ny = grid->size[1];
    os << "voxel (" << first % nx << ", " << (first / nx) % ny << ", " << first / (nx * ny) << ")";
  } else {
    os << "index " << first;
  }
  os << "; nothing was written";
  throw CheckFailed(os.str());
}

}  // namespace

void require_finite_output(const float* values, std::size_t count, const Grid* grid, const std::string& what) {
  require_finite_impl(values, count, grid, what);
}
void require_finite_output(const double* values, std::size_t count, const Grid* grid, const std::string& what) {
  require_finite_impl(values, count, grid, what);
}

}  // namespace bd
