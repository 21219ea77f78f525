// Composite Gauss–Legendre quadrature for the host-side table builders.
#pragma once

namespace bd {

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
