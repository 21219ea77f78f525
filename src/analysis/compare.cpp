// Voxelwise dose differences, 3-D gamma index and trilinear resampling (see compare.hh).
#include "betadose/compare.hh"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>

#include "betadose/errors.hh"
#include "betadose/memory_check.hh"
#include "betadose/text_parse.hh"

namespace bd {

namespace {

std::string strip_spaces(const std::string& s) {
  std::string out;
  for (char c : s)
    if (c != ' ' && c != '\t') out += c;
  return out;
}

double parse_number(const std::string& s, const std::string& what) {
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(s, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  BD_VALIDATE(used == s.size() && !s.empty() && std::isfinite(v),
              what << ": '" << s << "' is not a number");
  return v;
}

void check_same(const Grid& grid, std::size_t na, std::size_t nb, const char* what) {
  BD_VALIDATE(na == grid.voxel_count() && nb == grid.voxel_count(),
              what << ": dose arrays of " << na << " and " << nb << " values for a grid of "
                   << grid.voxel_count() << " voxels (resample onto one grid first)");
}

// Trilinear interpolation at a continuous index; false when outside [0, n-1] on an axis
// (a tolerance of 1e-9 keeps the last voxel centre inside).
inline bool trilinear(const std::vector<float>& v, const std::array<std::size_t, 3>& n,
                      double x, double y, double z, double& out) {
  const double eps = 1e-9;
  if (x < -eps || y < -eps || z < -eps || x > n[0] - 1 + eps || y > n[1] - 1 + eps ||
      z > n[2] - 1 + eps)
    return false;
  auto split = [](double c, std::size_t nn, std::size_t& i0, double& f) {
    c = std::min(std::max(c, 0.0), static_cast<double>(nn - 1));
    i0 = static_cast<std::size_t>(c);
    if (i0 >= nn - 1) {
      i0 = nn > 1 ? nn - 2 : 0;
    }
    f = nn > 1 ? c - static_cast<double>(i0) : 0.0;
  };
  std::size_t i, j, k;
  double fx, fy, fz;
  split(x, n[0], i, fx);
  split(y, n[1], j, fy);
  split(z, n[2], k, fz);
  const std::size_t sx = n[0] > 1 ? 1 : 0;
  const std::size_t sy = n[1] > 1 ? n[0] : 0;
  const std::size_t sz = n[2] > 1 ? n[0] * n[1] : 0;
  const std::size_t b = i + n[0] * (j + n[1] * k);
  const double c00 = v[b] * (1 - fx) + v[b + sx] * fx;
  const double c10 = v[b + sy] * (1 - fx) + v[b + sy + sx] * fx;
  const double c01 = v[b + sz] * (1 - fx) + v[b + sz + sx] * fx;
  const double c11 = v[b + sz + sy] * (1 - fx) + v[b + sz + sy + sx] * fx;
  const double c0 = c00 * (1 - fy) + c10 * fy;
  const double c1 = c01 * (1 - fy) + c11 * fy;
  out = c0 * (1 - fz) + c1 * fz;
  return true;
}

struct Offset {
  double di, dj, dk;  // in voxel index units
  double d2;          // squared distance [mm²]
};

}  // namespace

void parse_gamma_criterion(const std::string& text, GammaOptions& options) {
  const std::string s = strip_spaces(text);
  const auto slash = s.find('/');
  BD_VALIDATE(slash != std::string::npos,
              "--gamma: '" << text << "' (expected DD%/DTAmm, e.g. 3%/3mm)");
  std::string dd = s.substr(0, slash);
  std::string dta = s.substr(slash + 1);
  if (!dd.empty() && dd.back() == '%') dd.pop_back();
  if (dta.size() >= 2 && dta.compare(dta.size() - 2, 2, "mm") == 0) dta.resize(dta.size() - 2);
  const double dd_pct = parse_number(dd, "--gamma dose difference");
  const double dta_mm = parse_number(dta, "--gamma distance to agreement");
  BD_VALIDATE(dd_pct > 0 && dd_pct <= 100,
              "--gamma: dose difference " << dd_pct << " % (expected 0 < DD <= 100)");
  BD_VALIDATE(dta_mm >= 0 && dta_mm <= 100,
              "--gamma: distance to agreement " << dta_mm << " mm (expected 0 <= DTA <= 100)");
  options.dose_difference = dd_pct / 100.0;
  options.dta_mm = dta_mm;
}

double parse_percent(const std::string& text, const std::string& option) {
  std::string s = strip_spaces(text);
  if (!s.empty() && s.back() == '%') s.pop_back();
  const double v = parse_number(s, option);
  BD_VALIDATE(v >= 0 && v <= 100, option << ": " << v << " % (expected 0 to 100)");
  return v / 100.0;
}

GammaResult gamma_index(const Grid& grid, const std::vector<float>& reference,
                        const std::vector<float>& evaluated, const GammaOptions& options) {
  check_same(grid, reference.size(), evaluated.size(), "gamma index");
  BD_VALIDATE(options.dose_difference > 0, "gamma index: dose difference must be > 0");
  BD_VALIDATE(options.dta_mm >= 0, "gamma index: distance to agreement must be >= 0");
  BD_VALIDATE(options.samples_per_voxel >= 1, "gamma index: samples_per_voxel must be >= 1");
  GammaResult res;
  res.gamma.assign(grid.voxel_count(), -1.0f);
  double max_ref = 0;
  for (float d : reference) max_ref = std::max(max_ref, static_cast<double>(d));
  res.max_dose_reference = max_ref;
  if (max_ref <= 0) {
    res.pass_rate = 1.0;
    return res;
  }
  const double threshold_gy = options.threshold * max_ref;

  // Fine lattice of offsets within the search radius, by increasing distance.
  std::vector<Offset> offsets;
  const double radius =
      options.dta_mm > 0 ? (options.search_radius_mm > 0 ? options.search_radius_mm : 2 * options.dta_mm)
                         : 0.0;
  const double h_min = std::min({grid.spacing_mm[0], grid.spacing_mm[1], grid.spacing_mm[2]});
  const double step = h_min / options.samples_per_voxel;
  const double m_real = std::floor(radius / step + 1e-9);
  // The lattice holds ~(4/3)pi m^3 offsets (a vector of (2m+1)^3 while it is built).
  require_memory(std::pow(2 * m_real + 1, 3) * double(sizeof(Offset)),
                 "gamma search radius " + format_g(radius) + " mm at a " + format_g(step) + " mm sampling step",
                 "a smaller --search-radius-mm (default 2 x DTA)");
  const int m = static_cast<int>(m_real);
  for (int a = -m; a <= m; ++a)
    for (int b = -m; b <= m; ++b)
      for (int c = -m; c <= m; ++c) {
        const double x = a * step, y = b * step, z = c * step;
        const double d2 = x * x + y * y + z * z;
        if (d2 > radius * radius + 1e-12) continue;
        offsets.push_back({x / grid.spacing_mm[0], y / grid.spacing_mm[1], z / grid.spacing_mm[2], d2});
      }
  std::sort(offsets.begin(), offsets.end(),
            [](const Offset& p, const Offset& q) { return p.d2 < q.d2; });
  const double inv_dta2 = options.dta_mm > 0 ? 1.0 / (options.dta_mm * options.dta_mm) : 0.0;

  const std::array<std::size_t, 3> n = grid.size;
  const long long nvox = static_cast<long long>(grid.voxel_count());
  std::size_t evaluated_count = 0, passed = 0;
  double sum_gamma = 0;
#pragma omp parallel for schedule(dynamic, 256) reduction(+ : evaluated_count, passed, sum_gamma)
  for (long long vi = 0; vi < nvox; ++vi) {
    const std::size_t v = static_cast<std::size_t>(vi);
    const double dr = reference[v];
    if (dr < threshold_gy || dr <= 0) continue;
    const double delta_d = options.dose_difference * (options.local ? dr : max_ref);
    const double inv_dd2 = 1.0 / (delta_d * delta_d);
    const std::size_t i = v % n[0];
    const std::size_t j = (v / n[0]) % n[1];
    const std::size_t k = v / (n[0] * n[1]);
    const double diff0 = static_cast<double>(evaluated[v]) - dr;
    double best = diff0 * diff0 * inv_dd2;
    Offset best_o{0, 0, 0, 0};
    for (const auto& o : offsets) {
      const double dist2 = o.d2 * inv_dta2;
      if (dist2 >= best) break;
      double de;
      if (!trilinear(evaluated, n, i + o.di, j + o.dj, k + o.dk, de)) continue;
      const double g2 = dist2 + (de - dr) * (de - dr) * inv_dd2;
      if (g2 < best) {
        best = g2;
        best_o = o;
      }
    }
    // Refine around the best lattice point by coordinate descent with halving steps, so the
    // lattice spacing does not bias γ (a lattice alone leaves up to step/2 × gradient / ΔD).
    if (options.dta_mm > 0 && best > 0) {
      double p[3] = {best_o.di * grid.spacing_mm[0], best_o.dj * grid.spacing_mm[1],
                     best_o.dk * grid.spacing_mm[2]};  // [mm]
      for (double s = step / 2; s > step / 64; s /= 2) {
        bool moved = true;
        for (int iter = 0; moved && iter < 8; ++iter) {
          moved = false;
          for (int ax = 0; ax < 3; ++ax)
            for (double sg : {-1.0, 1.0}) {
              double q[3] = {p[0], p[1], p[2]};
              q[ax] += sg * s;
              const double dist2 = (q[0] * q[0] + q[1] * q[1] + q[2] * q[2]) * inv_dta2;
              if (dist2 >= best) continue;
              double de;
              if (!trilinear(evaluated, n, i + q[0] / grid.spacing_mm[0],
                             j + q[1] / grid.spacing_mm[1], k + q[2] / grid.spacing_mm[2], de))
                continue;
              const double g2 = dist2 + (de - dr) * (de - dr) * inv_dd2;
              if (g2 < best) {
                best = g2;
                p[ax] = q[ax];
                moved = true;
              }
            }
        }
      }
    }
    const double g = std::sqrt(best);
    res.gamma[v] = static_cast<float>(g);
    ++evaluated_count;
    if (g <= 1.0) ++passed;
    sum_gamma += g;
  }
  res.evaluated = evaluated_count;
  res.passed = passed;
  res.pass_rate = evaluated_count ? static_cast<double>(passed) / evaluated_count : 1.0;
  res.mean_gamma = evaluated_count ? sum_gamma / evaluated_count : 0.0;
  return res;
}

DoseDifference dose_difference(const Grid& grid, const std::vector<float>& a,
                               const std::vector<float>& b, double threshold) {
  check_same(grid, a.size(), b.size(), "dose difference");
  DoseDifference r;
  const std::size_t n = grid.voxel_count();
  r.absolute_gy.resize(n);
  r.relative.assign(n, 0.0f);
  double max_a = 0;
  for (float d : a) max_a = std::max(max_a, static_cast<double>(d));
  const double thr = threshold * max_a;
  double sum_rel = 0, sum_abs = 0;
  for (std::size_t v = 0; v < n; ++v) {
    const double diff = static_cast<double>(b[v]) - a[v];
    r.absolute_gy[v] = static_cast<float>(diff);
    r.max_absolute_difference_gy = std::max(r.max_absolute_difference_gy, std::abs(diff));
    if (a[v] > 0 && a[v] >= thr) {
      const double rel = diff / a[v];
      r.relative[v] = static_cast<float>(rel);
      sum_rel += rel;
      sum_abs += std::abs(diff);
      ++r.voxels;
    }
  }
  if (r.voxels) {
    r.mean_relative_difference = sum_rel / r.voxels;
    r.mean_absolute_difference_gy = sum_abs / r.voxels;
  }
  return r;
}

}  // namespace bd
