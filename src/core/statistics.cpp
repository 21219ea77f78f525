// Student's t quantiles for the pass rules (include/betadose/statistics.hh).
#include "betadose/statistics.hh"

#include <cmath>

#include "betadose/errors.hh"

namespace bd {
namespace {

// Continued fraction of I_x(a, b) (Numerical Recipes 3rd ed. eq. 6.4.5, modified Lentz).
double beta_cf(double a, double b, double x) {
  constexpr double tiny = 1e-300, eps = 1e-15;
  const double qab = a + b, qap = a + 1, qam = a - 1;
  double c = 1, d = 1 - qab * x / qap;
  if (std::abs(d) < tiny) d = tiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= 10000; ++m) {
    const int m2 = 2 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (std::abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (std::abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (std::abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (std::abs(c) < tiny) c = tiny;
    d = 1 / d;
    const double del = d * c;
    h *= del;
    if (std::abs(del - 1) < eps) break;
  }
  return h;
}

}  // namespace

double regularized_incomplete_beta(double a, double b, double x) {
  BD_VALIDATE(a > 0 && b > 0 && x >= 0 && x <= 1,
              "incomplete beta: need a, b > 0 and 0 <= x <= 1 (got " << a << ", " << b << ", " << x << ")");
  if (x == 0 || x == 1) return x;
  const double lbt = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return std::exp(lbt) * beta_cf(a, b, x) / a;
  return 1 - std::exp(lbt) * beta_cf(b, a, 1 - x) / b;
}

double student_t_cdf(double t, double nu) {
  BD_VALIDATE(nu > 0, "Student t: degrees of freedom " << nu << " must be positive");
  const double x = nu / (nu + t * t);
  const double tail = 0.5 * regularized_incomplete_beta(0.5 * nu, 0.5, x);
  return t > 0 ? 1 - tail : tail;
}

double student_t_quantile(double p, double nu) {
  BD_VALIDATE(p > 0 && p < 1, "Student t quantile: p = " << p << " must be in (0, 1)");
  if (p < 0.5) return -student_t_quantile(1 - p, nu);
  double lo = 0, hi = 1;
  while (student_t_cdf(hi, nu) < p) hi *= 2;
  for (int it = 0; it < 200 && hi - lo > 1e-10 * hi; ++it) {
    const double mid = 0.5 * (lo + hi);
    (student_t_cdf(mid, nu) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

double coverage_factor(double nu, double alpha) { return student_t_quantile(1 - 0.5 * alpha, nu); }

double welch_dof(double sa, double nua, double sb, double nub) {
  const double a = sa * sa, b = sb * sb;
  if (a + b <= 0) return nua + nub;
  return (a + b) * (a + b) / (a * a / nua + b * b / nub);
}

}  // namespace bd
