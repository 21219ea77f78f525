// Composite Gauss–Legendre quadrature for the host-side table builders.
#pragma once

#include <algorithm>
#include <cmath>

namespace bd {

// Directions for spherical averages: a Fibonacci sphere of n points (z_p = 1 − (2p+1)/n,
// φ_p = p·π(3 − √5)) turned by a uniformly random rotation, the unit quaternion of four normal
// draws (Shoemake, Graphics Gems III, 1992). `normal()` returns a standard normal variate;
// visit(dx, dy, dz) is called once per direction.
template <class Normal, class V>
void rotated_fibonacci_directions(int n, Normal&& normal, V&& visit) {
  double q[4], qn = 0;
  for (double& c : q) {
    c = normal();
    qn += c * c;
  }
  qn = std::sqrt(qn);
  for (double& c : q) c /= qn;
  const double a = q[0], b = q[1], c = q[2], d = q[3];
  const double R[3][3] = {{a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)},
                          {2 * (b * c + a * d), a * a - b * b + c * c - d * d, 2 * (c * d - a * b)},
                          {2 * (b * d - a * c), 2 * (c * d + a * b), a * a - b * b - c * c + d * d}};
  const double golden = 3.14159265358979323846 * (3.0 - std::sqrt(5.0));
  for (int p = 0; p < n; ++p) {
    const double z = 1.0 - (2.0 * p + 1.0) / n;
    const double rho = std::sqrt(std::max(0.0, 1.0 - z * z));
    const double phi = golden * p;
    const double o[3] = {rho * std::cos(phi), rho * std::sin(phi), z};
    visit(R[0][0] * o[0] + R[0][1] * o[1] + R[0][2] * o[2], R[1][0] * o[0] + R[1][1] * o[1] + R[1][2] * o[2],
          R[2][0] * o[0] + R[2][1] * o[1] + R[2][2] * o[2]);
  }
}

// ∫_a^b f(x) dx with `panels` equal panels of 8-point Gauss–Legendre (exact for polynomials
// of degree 15 on each panel; nodes/weights from Abramowitz & Stegun Table 25.4).
// Calls visit(x, weight) for every node, so that several integrals share the evaluations.
template <class V>
void gauss_legendre_nodes(V&& visit, double a, double b, int panels = 32) {
  static constexpr double x[4] = {0.1834346424956498, 0.5255324099163290, 0.7966664774136267,
                                  0.9602898564975363};
  static constexpr double w[4] = {0.3626837833783620, 0.3137066458778873, 0.2223810344533745,
                                  0.1012285362903763};
  const double h = (b - a) / panels;
  for (int p = 0; p < panels; ++p) {
    const double c = a + (p + 0.5) * h, r = 0.5 * h;
    for (int i = 0; i < 4; ++i) {
      visit(c - r * x[i], w[i] * r);
      visit(c + r * x[i], w[i] * r);
    }
  }
}

template <class F>
double gauss_legendre(F&& f, double a, double b, int panels = 32) {
  double sum = 0;
  gauss_legendre_nodes([&](double x, double w) { sum += w * f(x); }, a, b, panels);
  return sum;
}

}  // namespace bd
