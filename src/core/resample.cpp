// Resampling between grids in physical space (include/betadose/resample.hh).
#include "betadose/resample.hh"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>

#include "betadose/errors.hh"

namespace bd {
namespace {

using Mat3 = std::array<double, 9>;

// M = D · diag(spacing): continuous index -> physical offset from the origin.
Mat3 multiply(const Mat3& a, const Mat3& b) {
  Mat3 c{};
  for (int r = 0; r < 3; ++r)
    for (int k = 0; k < 3; ++k)
      for (int col = 0; col < 3; ++col) c[3 * r + col] += a[3 * r + k] * b[3 * k + col];
  return c;
}

// Affine map from continuous indices of `from` to continuous indices of `to`:
// idx_to = A · idx_from + b.
struct IndexMap {
  Mat3 A{};
  Vec3 b{};
  IndexMap(const Grid& from, const Grid& to) {
    const Mat3 to_inv = inverse3(to.index_matrix());
    A = multiply(to_inv, from.index_matrix());
    Vec3 d{};
    for (int r = 0; r < 3; ++r) d[r] = from.origin_mm[r] - to.origin_mm[r];
    for (int r = 0; r < 3; ++r) b[r] = to_inv[3 * r] * d[0] + to_inv[3 * r + 1] * d[1] + to_inv[3 * r + 2] * d[2];
  }
  Vec3 operator()(double x, double y, double z) const {
    return {{A[0] * x + A[1] * y + A[2] * z + b[0], A[3] * x + A[4] * y + A[5] * z + b[1],
             A[6] * x + A[7] * y + A[8] * z + b[2]}};
  }
};

bool inside(const Grid& g, const Vec3& idx) {
  for (int a = 0; a < 3; ++a)
    if (!(idx[a] >= -0.5 && idx[a] < static_cast<double>(g.size[a]) - 0.5)) return false;
  return true;
}

template <class T>
double trilinear(const Volume<T>& v, const Vec3& idx) {
  const auto& n = v.grid.size;
  std::size_t i0[3];
  double f[3];
  for (int a = 0; a < 3; ++a) {
    const double x = std::clamp(idx[a], 0.0, static_cast<double>(n[a] - 1));
    const double fl = std::floor(x);
    i0[a] = static_cast<std::size_t>(fl);
    f[a] = x - fl;
    if (i0[a] + 1 >= n[a]) {  // on the last sample (or a one-voxel axis)
      i0[a] = n[a] - 1;
      f[a] = 0;
    }
  }
  double acc = 0;
  for (int c = 0; c < 8; ++c) {
    const int di = c & 1, dj = (c >> 1) & 1, dk = (c >> 2) & 1;
    const double w = (di ? f[0] : 1 - f[0]) * (dj ? f[1] : 1 - f[1]) * (dk ? f[2] : 1 - f[2]);
    if (w == 0) continue;
    acc += w * static_cast<double>(v(i0[0] + di, i0[1] + dj, i0[2] + dk));
  }
  return acc;
}

template <class T>
Volume<T> resample_nearest_impl(const Volume<T>& src, const Grid& target, T outside_value) {
  Volume<T> out(target, outside_value);
  const IndexMap map(target, src.grid);
  const auto& n = target.size;
#pragma omp parallel for schedule(static)
  for (std::int64_t k = 0; k < static_cast<std::int64_t>(n[2]); ++k)
    for (std::size_t j = 0; j < n[1]; ++j)
      for (std::size_t i = 0; i < n[0]; ++i) {
        const Vec3 s = map(double(i), double(j), double(k));
        if (!inside(src.grid, s)) continue;
        std::size_t si[3];
        for (int a = 0; a < 3; ++a)
          si[a] = std::min(static_cast<std::size_t>(std::max(0.0, std::floor(s[a] + 0.5))),
                           src.grid.size[a] - 1);
        out(i, j, static_cast<std::size_t>(k)) = src(si[0], si[1], si[2]);
      }
  return out;
}

}  // namespace

double PhysicalBox::volume_mm3() const {
  double v = 1;
  for (int a = 0; a < 3; ++a) v *= std::max(0.0, hi[a] - lo[a]);
  return v;
}

PhysicalBox physical_box(const Grid& g) {
  PhysicalBox box;
  for (int a = 0; a < 3; ++a) {
    box.lo[a] = INFINITY;
    box.hi[a] = -INFINITY;
  }
  for (int c = 0; c < 8; ++c) {
    const Vec3 idx{{(c & 1) ? g.size[0] - 0.5 : -0.5, (c & 2) ? g.size[1] - 0.5 : -0.5,
                    (c & 4) ? g.size[2] - 0.5 : -0.5}};
    const Vec3 p = g.index_to_physical(idx);
    for (int a = 0; a < 3; ++a) {
      box.lo[a] = std::min(box.lo[a], p[a]);
      box.hi[a] = std::max(box.hi[a], p[a]);
    }
  }
  return box;
}

std::string describe_geometry(const Grid& g) {
  std::ostringstream os;
  os << std::setprecision(6) << g.describe() << ", direction (";
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) {
      const double d = std::abs(g.direction[3 * r + c]) < 1e-12 ? 0.0 : g.direction[3 * r + c];
      os << d << (c < 2 ? " " : r < 2 ? "; " : ")");
    }
  const PhysicalBox b = physical_box(g);
  os << ", box";
  const char* axis[] = {" x [", " y [", " z ["};
  for (int a = 0; a < 3; ++a) os << axis[a] << b.lo[a] << ", " << b.hi[a] << "]";
  os << " mm";
  return os.str();
}

double overlap_volume_mm3(const Grid& a, const Grid& b) {
  const auto ba = physical_box(a), bb = physical_box(b);
  PhysicalBox x;
  for (int i = 0; i < 3; ++i) {
    x.lo[i] = std::max(ba.lo[i], bb.lo[i]);
    x.hi[i] = std::min(ba.hi[i], bb.hi[i]);
  }
  return x.volume_mm3();
}

void require_overlap(const Grid& a, const std::string& a_name, const Grid& b,
                     const std::string& b_name) {
  if (overlap_volume_mm3(a, b) > 0) return;
  const auto ba = physical_box(a), bb = physical_box(b);
  auto box = [](const PhysicalBox& x) {
    std::ostringstream os;
    os << "[" << x.lo[0] << ", " << x.hi[0] << "] x [" << x.lo[1] << ", " << x.hi[1] << "] x ["
       << x.lo[2] << ", " << x.hi[2] << "] mm";
    return os.str();
  };
  throw InputError(a_name + " and " + b_name +
                   " do not overlap in physical space (check origins/orientation; they must "
                   "share a frame of reference): " +
                   a_name + " spans " + box(ba) + ", " + b_name + " spans " + box(bb));
}

Volume<float> resample_linear(const Volume<float>& src, const Grid& target, float outside_value) {
  if (src.grid.same_geometry(target, 1e-6)) return src;
  Volume<float> out(target, outside_value);
  const IndexMap map(target, src.grid);
  // Sub-samples per target axis: enough that each source voxel is visited when the target
  // voxel is larger (box-filter average), one sample otherwise.
  const double src_min_sp = std::min({src.grid.spacing_mm[0], src.grid.spacing_mm[1], src.grid.spacing_mm[2]});
  int nsub[3];
  for (int a = 0; a < 3; ++a)
    nsub[a] = std::clamp(static_cast<int>(std::ceil(target.spacing_mm[a] / src_min_sp - 1e-9)), 1, 4);
  const auto& n = target.size;
  const double inv_count = 1.0 / (nsub[0] * nsub[1] * nsub[2]);
#pragma omp parallel for schedule(static)
  for (std::int64_t k = 0; k < static_cast<std::int64_t>(n[2]); ++k)
    for (std::size_t j = 0; j < n[1]; ++j)
      for (std::size_t i = 0; i < n[0]; ++i) {
        double acc = 0;
        for (int sk = 0; sk < nsub[2]; ++sk)
          for (int sj = 0; sj < nsub[1]; ++sj)
            for (int si = 0; si < nsub[0]; ++si) {
              const Vec3 s = map(double(i) + (si + 0.5) / nsub[0] - 0.5,
                                 double(j) + (sj + 0.5) / nsub[1] - 0.5,
                                 double(k) + (sk + 0.5) / nsub[2] - 0.5);
              acc += inside(src.grid, s) ? trilinear(src, s) : double(outside_value);
            }
        out(i, j, static_cast<std::size_t>(k)) = static_cast<float>(acc * inv_count);
      }
  return out;
}

Volume<std::uint8_t> resample_nearest(const Volume<std::uint8_t>& src, const Grid& target,
                                      std::uint8_t outside_value) {
  return resample_nearest_impl(src, target, outside_value);
}
Volume<float> resample_nearest(const Volume<float>& src, const Grid& target, float outside_value) {
  return resample_nearest_impl(src, target, outside_value);
}

Volume<double> resample_activity(const Volume<double>& src, const Grid& target,
                                 ActivityResampleReport* report, int max_subdivisions) {
  ActivityResampleReport rep;
  for (double a : src.data) rep.source_total += a;
  Volume<double> out(target, 0.0);
  if (src.grid.same_geometry(target, 1e-6)) {
    out.data = src.data;
    rep.target_total = rep.source_total;
    if (report) *report = rep;
    return out;
  }
  const IndexMap map(src.grid, target);
  const double tgt_min_sp = std::min({target.spacing_mm[0], target.spacing_mm[1], target.spacing_mm[2]});
  for (int a = 0; a < 3; ++a)
    rep.subdivisions[a] = std::clamp(
        static_cast<int>(std::ceil(2.0 * src.grid.spacing_mm[a] / tgt_min_sp - 1e-9)), 1,
        std::max(1, max_subdivisions));
  const int* nsub = rep.subdivisions;
  const double share = 1.0 / (nsub[0] * nsub[1] * nsub[2]);
  const auto& n = src.grid.size;
  for (std::size_t k = 0; k < n[2]; ++k)
    for (std::size_t j = 0; j < n[1]; ++j)
      for (std::size_t i = 0; i < n[0]; ++i) {
        const double a = src(i, j, k);
        if (a == 0) continue;
        const double part = a * share;
        for (int sk = 0; sk < nsub[2]; ++sk)
          for (int sj = 0; sj < nsub[1]; ++sj)
            for (int si = 0; si < nsub[0]; ++si) {
              const Vec3 t = map(double(i) + (si + 0.5) / nsub[0] - 0.5,
                                 double(j) + (sj + 0.5) / nsub[1] - 0.5,
                                 double(k) + (sk + 0.5) / nsub[2] - 0.5);
              if (!inside(target, t)) {
                rep.outside_total += part;
                continue;
              }
              std::size_t ti[3];
              for (int ax = 0; ax < 3; ++ax)
                ti[ax] = std::min(static_cast<std::size_t>(std::max(0.0, std::floor(t[ax] + 0.5))),
                                  target.size[ax] - 1);
              out(ti[0], ti[1], ti[2]) += part;
            }
      }
  for (double a : out.data) rep.target_total += a;
  if (report) *report = rep;
  return out;
}

Grid regrid(const Grid& ref, const Vec3& spacing_mm) {
  Grid g = ref;
  Vec3 centre_idx{};
  for (int a = 0; a < 3; ++a) {
    const double length = ref.size[a] * ref.spacing_mm[a];
    g.spacing_mm[a] = spacing_mm[a];
    g.size[a] = static_cast<std::size_t>(std::max(1.0, std::round(length / spacing_mm[a])));
    centre_idx[a] = 0.5 * (static_cast<double>(ref.size[a]) - 1.0);
  }
  const Vec3 centre = ref.index_to_physical(centre_idx);
  for (int r = 0; r < 3; ++r) {
    double off = 0;
    for (int c = 0; c < 3; ++c)
      off += g.direction[3 * r + c] * g.spacing_mm[c] * 0.5 * (static_cast<double>(g.size[c]) - 1.0);
    g.origin_mm[r] = centre[r] - off;
  }
  return g;
}

}  // namespace bd
