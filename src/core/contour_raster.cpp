// Planar contours -> voxel occupancy (include/betadose/contour_raster.hh).
//
// Per contour plane, the polygons are cut by rows (lines of constant v in the plane's (u, v)
// frame) spaced a quarter of the sub-voxel sampling distance apart; each row keeps the sorted
// u positions where polygon edges cross it. A sample point is inside when the number of
// crossings left of it on its row is odd (even-odd rule: holes and islands come out right).
// The only approximation beyond the slab model is snapping a point's v to its row centre,
// at most 1/8 of the sampling distance. The same rows measure, per contour and per pair of
// contours, the length inside both: a pair whose common area is neither ~0 nor ~the smaller
// contour's area overlaps without nesting (reported, not changed).
#include "betadose/contour_raster.hh"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>
#include <sstream>

#include "betadose/errors.hh"

namespace bd {
namespace {

Vec3 sub(const Vec3& a, const Vec3& b) { return {{a[0] - b[0], a[1] - b[1], a[2] - b[2]}}; }
double dot(const Vec3& a, const Vec3& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }
Vec3 cross(const Vec3& a, const Vec3& b) {
  return {{a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]}};
}
double norm(const Vec3& a) { return std::sqrt(dot(a, a)); }
Vec3 scaled(const Vec3& a, double s) { return {{a[0] * s, a[1] * s, a[2] * s}}; }

// Newell's area vector: twice the polygon area times its unit normal.
Vec3 newell(const std::vector<Vec3>& p) {
  Vec3 n{{0, 0, 0}};
  for (std::size_t i = 0; i < p.size(); ++i) {
    const Vec3& a = p[i];
    const Vec3& b = p[(i + 1) % p.size()];
    n[0] += (a[1] - b[1]) * (a[2] + b[2]);
    n[1] += (a[2] - b[2]) * (a[0] + b[0]);
    n[2] += (a[0] - b[0]) * (a[1] + b[1]);
  }
  return n;
}

Vec3 centroid(const std::vector<Vec3>& p) {
  Vec3 c{{0, 0, 0}};
  for (const auto& x : p)
    for (int a = 0; a < 3; ++a) c[a] += x[a] / double(p.size());
  return c;
}

constexpr double kPlanarTolMm = 0.05;  // contour points within 50 µm of their plane
constexpr double kSamePlaneMm = 0.01;  // contours closer than this share a plane

struct Plane {
  double offset_mm = 0;  // n · p
  std::vector<std::array<double, 4>> edges;  // (u0, v0, u1, v1)
  std::vector<std::size_t> edge_contour;     // the contour (index into the list) of each edge
  std::size_t contour_count = 0;
  double v_min = 0;
  std::vector<std::vector<double>> rows;  // sorted crossing u per row
};

}  // namespace

ContourPlaneInfo contour_planes(const std::vector<const PlanarContour*>& contours,
                                const std::string& what, double fallback_spacing_mm) {
  BD_VALIDATE(!contours.empty(), what << ": no contours");
  ContourPlaneInfo info;
  std::vector<double> offsets;
  bool have_normal = false;
  for (std::size_t c = 0; c < contours.size(); ++c) {
    const auto& p = contours[c]->points_mm;
    BD_VALIDATE(p.size() >= 3, what << ": contour " << c + 1 << " has " << p.size()
                                    << " points (a closed planar contour needs at least 3)");
    const Vec3 area = newell(p);
    const double a2 = norm(area);
    BD_VALIDATE(a2 > 1e-9, what << ": contour " << c + 1 << " has zero area");
    const Vec3 n = scaled(area, 1.0 / a2);
    if (!have_normal) {
      // Orient the common normal along the dominant positive axis for a reproducible frame.
      int axis = 0;
      for (int a = 1; a < 3; ++a)
        if (std::abs(n[a]) > std::abs(n[axis])) axis = a;
      info.normal = n[axis] < 0 ? scaled(n, -1.0) : n;
      have_normal = true;
    }
    BD_VALIDATE(std::abs(dot(n, info.normal)) > 1.0 - 1e-4,
                what << ": contour " << c + 1 << " is not parallel to the first contour (normal ("
                     << n[0] << ", " << n[1] << ", " << n[2] << ") vs (" << info.normal[0] << ", "
                     << info.normal[1] << ", " << info.normal[2]
                     << ")); planar contours on parallel slices are required");
    const double d = dot(info.normal, centroid(p));
    for (const auto& x : p)
      BD_VALIDATE(std::abs(dot(info.normal, x) - d) <= kPlanarTolMm,
                  what << ": contour " << c + 1 << " is not planar (a point lies "
                       << std::abs(dot(info.normal, x) - d) << " mm off its plane)");
    offsets.push_back(d);
  }
  std::sort(offsets.begin(), offsets.end());
  std::vector<double> gaps;
  for (std::size_t i = 1; i < offsets.size(); ++i)
    if (offsets[i] - offsets[i - 1] > kSamePlaneMm) gaps.push_back(offsets[i] - offsets[i - 1]);
  info.plane_count = gaps.size() + 1;
  if (gaps.empty()) {
    BD_VALIDATE(fallback_spacing_mm > 0, what << ": all contours lie in one plane, so the slice "
                                                 "thickness they stand for is unknown");
    info.spacing_mm = fallback_spacing_mm;
    info.single_plane = true;
  } else {
    // The slice spacing: the median of the gaps near the lower quartile. Larger gaps are
    // skipped slices or the space between separate lesions of one ROI (planes 0, 2, 40, 80,
    // 82 mm: a plain median of 38 mm would make each contour a 38 mm slab), smaller ones
    // glitches; both are left out.
    std::sort(gaps.begin(), gaps.end());
    const double q = gaps[(gaps.size() - 1) / 4];
    std::vector<double> typical;
    for (double g : gaps)
      if (g >= q / 1.5 && g <= 1.5 * q) typical.push_back(g);
    info.spacing_mm = typical[typical.size() / 2];
  }
  return info;
}

std::vector<float> rasterize_contours(const std::vector<PlanarContour>& contours,
                                      const ContourPlaneInfo& info, const Grid& grid,
                                      int samples_per_axis, std::vector<ContourOverlap>* overlaps) {
  const int ns = std::max(1, samples_per_axis);
  std::vector<float> occupancy(grid.voxel_count(), 0.0f);
  if (contours.empty()) return occupancy;
  const Vec3 n = info.normal;
  // In-plane frame (e1, e2, n), right-handed.
  int least = 0;
  for (int a = 1; a < 3; ++a)
    if (std::abs(n[a]) < std::abs(n[least])) least = a;
  Vec3 axis{{0, 0, 0}};
  axis[least] = 1;
  Vec3 e1 = sub(axis, scaled(n, dot(axis, n)));
  e1 = scaled(e1, 1.0 / norm(e1));
  const Vec3 e2 = cross(n, e1);

  // Group contours into planes.
  std::vector<Plane> planes;
  Vec3 lo{{1e300, 1e300, 1e300}}, hi{{-1e300, -1e300, -1e300}};
  for (const auto& c : contours) {
    const double d = dot(n, centroid(c.points_mm));
    auto it = std::find_if(planes.begin(), planes.end(),
                           [&](const Plane& p) { return std::abs(p.offset_mm - d) <= kSamePlaneMm; });
    if (it == planes.end()) {
      planes.push_back(Plane{});
      it = planes.end() - 1;
      it->offset_mm = d;
    }
    ++it->contour_count;
    const auto& pts = c.points_mm;
    for (std::size_t i = 0; i < pts.size(); ++i) {
      const Vec3& a = pts[i];
      const Vec3& b = pts[(i + 1) % pts.size()];
      it->edges.push_back({{dot(e1, a), dot(e2, a), dot(e1, b), dot(e2, b)}});
      it->edge_contour.push_back(std::size_t(&c - contours.data()));
      for (int k = 0; k < 3; ++k) {
        lo[k] = std::min(lo[k], a[k]);
        hi[k] = std::max(hi[k], a[k]);
      }
    }
  }
  std::sort(planes.begin(), planes.end(),
            [](const Plane& a, const Plane& b) { return a.offset_mm < b.offset_mm; });

  const double sample_mm =
      std::min({grid.spacing_mm[0], grid.spacing_mm[1], grid.spacing_mm[2]}) / ns;
  const double row_mm = sample_mm / 4;
  // Rows only where the grid is: a contour reaching far beyond it (one stray point) would
  // otherwise need rows over its whole extent.
  double grid_v_lo = 1e300, grid_v_hi = -1e300;
  {
    const auto M = grid.index_matrix();
    for (int corner = 0; corner < 8; ++corner) {
      const double f[3] = {(corner & 1 ? double(grid.size[0]) : 0.0) - 0.5, (corner & 2 ? double(grid.size[1]) : 0.0) - 0.5,
                           (corner & 4 ? double(grid.size[2]) : 0.0) - 0.5};
      Vec3 p;
      for (int r = 0; r < 3; ++r) p[r] = grid.origin_mm[r] + M[3 * r] * f[0] + M[3 * r + 1] * f[1] + M[3 * r + 2] * f[2];
      grid_v_lo = std::min(grid_v_lo, dot(e2, p));
      grid_v_hi = std::max(grid_v_hi, dot(e2, p));
    }
  }
  for (auto& pl : planes) {
    double v_lo = 1e300, v_hi = -1e300;
    for (const auto& e : pl.edges) {
      v_lo = std::min({v_lo, e[1], e[3]});
      v_hi = std::max({v_hi, e[1], e[3]});
    }
    v_lo = std::max(v_lo, grid_v_lo - row_mm);
    v_hi = std::min(v_hi, grid_v_hi + row_mm);
    pl.v_min = v_lo;
    if (v_hi < v_lo) continue;  // the plane's contours miss the grid: no rows
    const auto nrows = static_cast<std::size_t>(std::ceil((v_hi - v_lo) / row_mm)) + 1;
    pl.rows.assign(nrows, {});
    const bool measure = overlaps != nullptr && pl.contour_count > 1;
    std::map<std::size_t, double> inside_mm;                           // per contour, summed over rows
    std::map<std::pair<std::size_t, std::size_t>, double> common_mm;  // per pair
    std::vector<std::pair<double, std::size_t>> crossings;
    std::vector<std::size_t> active;
    for (std::size_t r = 0; r < nrows; ++r) {
      const double v = v_lo + (double(r) + 0.5) * row_mm;
      crossings.clear();
      for (std::size_t ei = 0; ei < pl.edges.size(); ++ei) {
        const auto& e = pl.edges[ei];
        if ((e[1] > v) == (e[3] > v)) continue;
        crossings.emplace_back(e[0] + (v - e[1]) * (e[2] - e[0]) / (e[3] - e[1]), pl.edge_contour[ei]);
      }
      std::sort(crossings.begin(), crossings.end());
      auto& row = pl.rows[r];
      for (const auto& x : crossings) row.push_back(x.first);
      if (!measure) continue;
      // Along the row, each crossing toggles its contour's inside; between two crossings the
      // length counts for every contour inside and every pair of them.
      active.clear();
      for (std::size_t x = 0; x + 1 < crossings.size(); ++x) {
        const auto at = std::find(active.begin(), active.end(), crossings[x].second);
        if (at == active.end()) active.push_back(crossings[x].second); else active.erase(at);
        const double len = crossings[x + 1].first - crossings[x].first;
        for (std::size_t a = 0; a < active.size(); ++a) {
          inside_mm[active[a]] += len;
          for (std::size_t b = a + 1; b < active.size(); ++b)
            common_mm[std::minmax(active[a], active[b])] += len;
        }
      }
    }
    // Nested contours share the smaller one's whole area; touching ones share nothing. The
    // margin (1e-3 of the smaller area) absorbs rounding where a hole touches its outline.
    for (const auto& [pair, common] : common_mm) {
      const double smaller = std::min(inside_mm[pair.first], inside_mm[pair.second]);
      if (common > 1e-3 * smaller && common < (1.0 - 1e-3) * smaller)
        overlaps->push_back(ContourOverlap{pair.first, pair.second, pl.offset_mm, common * row_mm});
    }
  }

  // Voxel range: the contours' box widened by half a slab along the normal, in index space.
  const double half = 0.5 * info.spacing_mm;
  for (int k = 0; k < 3; ++k) {
    lo[k] -= half * std::abs(n[k]);
    hi[k] += half * std::abs(n[k]);
  }
  std::array<std::int64_t, 3> i_lo{{0, 0, 0}}, i_hi{{0, 0, 0}};
  {
    Vec3 c_lo{{1e300, 1e300, 1e300}}, c_hi{{-1e300, -1e300, -1e300}};
    for (int corner = 0; corner < 8; ++corner) {
      const Vec3 p{{corner & 1 ? hi[0] : lo[0], corner & 2 ? hi[1] : lo[1], corner & 4 ? hi[2] : lo[2]}};
      const Vec3 idx = grid.physical_to_index(p);
      for (int a = 0; a < 3; ++a) {
        c_lo[a] = std::min(c_lo[a], idx[a]);
        c_hi[a] = std::max(c_hi[a], idx[a]);
      }
    }
    for (int a = 0; a < 3; ++a) {
      i_lo[a] = std::max<std::int64_t>(0, static_cast<std::int64_t>(std::floor(c_lo[a])) - 1);
      i_hi[a] = std::min<std::int64_t>(static_cast<std::int64_t>(grid.size[a]) - 1,
                                       static_cast<std::int64_t>(std::ceil(c_hi[a])) + 1);
    }
  }
  if (i_lo[0] > i_hi[0] || i_lo[1] > i_hi[1] || i_lo[2] > i_hi[2]) return occupancy;

  std::vector<double> offsets;
  for (const auto& pl : planes) offsets.push_back(pl.offset_mm);
  const auto M = grid.index_matrix();
  const double inv_samples = 1.0 / double(ns * ns * ns);
#pragma omp parallel for schedule(dynamic)
  for (std::int64_t k = i_lo[2]; k <= i_hi[2]; ++k)
    for (std::int64_t j = i_lo[1]; j <= i_hi[1]; ++j)
      for (std::int64_t i = i_lo[0]; i <= i_hi[0]; ++i) {
        int inside = 0;
        for (int c = 0; c < ns; ++c)
          for (int b = 0; b < ns; ++b)
            for (int a = 0; a < ns; ++a) {
              const double fi = double(i) + (a + 0.5) / ns - 0.5;
              const double fj = double(j) + (b + 0.5) / ns - 0.5;
              const double fk = double(k) + (c + 0.5) / ns - 0.5;
              Vec3 p;
              for (int r = 0; r < 3; ++r)
                p[r] = grid.origin_mm[r] + M[3 * r] * fi + M[3 * r + 1] * fj + M[3 * r + 2] * fk;
              const double s = dot(n, p);
              // Nearest contour plane; the point belongs to its slab when within half a spacing.
              auto it = std::lower_bound(offsets.begin(), offsets.end(), s);
              std::size_t best = offsets.size();
              double best_d = 1e300;
              if (it != offsets.end()) {
                best = std::size_t(it - offsets.begin());
                best_d = *it - s;
              }
              if (it != offsets.begin() && s - *(it - 1) < best_d) {
                best = std::size_t(it - offsets.begin()) - 1;
                best_d = s - *(it - 1);
              }
              if (best == offsets.size() || best_d > half + 1e-9) continue;
              const Plane& pl = planes[best];
              const double v = dot(e2, p);
              const double row_f = (v - pl.v_min) / row_mm;
              if (row_f < 0) continue;
              const auto row = static_cast<std::size_t>(row_f);
              if (row >= pl.rows.size()) continue;
              const auto& xs = pl.rows[row];
              const auto left = std::lower_bound(xs.begin(), xs.end(), dot(e1, p)) - xs.begin();
              if (left % 2 == 1) ++inside;
            }
        occupancy[grid.linear_index(std::size_t(i), std::size_t(j), std::size_t(k))] =
            static_cast<float>(inside * inv_samples);
      }
  return occupancy;
}

}  // namespace bd
