// Small statistics helpers for the pass rules of tests and validation cases:
//   |MC − ref| <= tol + k·σ,   k = t_{1−α/2, ν} (Student's t quantile for ν degrees of freedom),
// with σ the standard error from ν + 1 independent batches or replicas (or Welch–Satterthwaite
// ν for a difference of two such estimates).
#pragma once

namespace bd {

// Regularized incomplete beta function I_x(a, b), 0 <= x <= 1 (continued fraction, modified
// Lentz; e.g. Press et al., Numerical Recipes 3rd ed. §6.4).
double regularized_incomplete_beta(double a, double b, double x);

// CDF of Student's t distribution with nu > 0 degrees of freedom.
double student_t_cdf(double t, double nu);

// Quantile t_p (0 < p < 1) of Student's t with nu degrees of freedom (bisection on the CDF,
// relative accuracy 1e-10).
double student_t_quantile(double p, double nu);

// k of the pass rule for a two-sided false-alarm probability alpha per comparison.
double coverage_factor(double nu, double alpha = 1e-3);

// Welch–Satterthwaite degrees of freedom of σ_a² + σ_b² with ν_a, ν_b degrees of freedom.
double welch_dof(double sigma_a, double nu_a, double sigma_b, double nu_b);

}  // namespace bd
