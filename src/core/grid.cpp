#include "betadose/grid.hh"

#include <cmath>
#include <sstream>

#include "betadose/errors.hh"

namespace bd {

std::array<double, 9> inverse3(const std::array<double, 9>& m) {
  const double det = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) +
                     m[2] * (m[3] * m[7] - m[4] * m[6]);
  const double inv = 1.0 / det;
  return {{(m[4] * m[8] - m[5] * m[7]) * inv, (m[2] * m[7] - m[1] * m[8]) * inv,
           (m[1] * m[5] - m[2] * m[4]) * inv, (m[5] * m[6] - m[3] * m[8]) * inv,
           (m[0] * m[8] - m[2] * m[6]) * inv, (m[2] * m[3] - m[0] * m[5]) * inv,
           (m[3] * m[7] - m[4] * m[6]) * inv, (m[1] * m[6] - m[0] * m[7]) * inv,
           (m[0] * m[4] - m[1] * m[3]) * inv}};
}

std::array<double, 9> Grid::index_matrix() const {
  std::array<double, 9> m{};
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) m[3 * r + c] = direction[3 * r + c] * spacing_mm[c];
  return m;
}

Vec3 Grid::index_to_physical(const Vec3& idx) const {
  Vec3 p = origin_mm;
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) p[r] += direction[3 * r + c] * spacing_mm[c] * idx[c];
  return p;
}

Vec3 Grid::physical_to_index(const Vec3& point) const {
  const auto inv = inverse3(index_matrix());
  const Vec3 d{{point[0] - origin_mm[0], point[1] - origin_mm[1], point[2] - origin_mm[2]}};
  Vec3 idx{};
  for (int r = 0; r < 3; ++r) idx[r] = inv[3 * r] * d[0] + inv[3 * r + 1] * d[1] + inv[3 * r + 2] * d[2];
  return idx;
}

bool Grid::contains_index(const Vec3& idx) const {
  for (int a = 0; a < 3; ++a)
    if (idx[a] < -0.5 || idx[a] >= static_cast<double>(size[a]) - 0.5) return false;
  return true;
}

bool Grid::same_geometry(const Grid& o, double tol_mm) const {
  if (size != o.size) return false;
  for (int a = 0; a < 3; ++a) {
    if (std::abs(spacing_mm[a] - o.spacing_mm[a]) > tol_mm) return false;
    if (std::abs(origin_mm[a] - o.origin_mm[a]) > tol_mm) return false;
  }
  for (int e = 0; e < 9; ++e)
    if (std::abs(direction[e] - o.direction[e]) > 1e-6) return false;
  return true;
}

bool Grid::direction_is_identity() const {
  for (int e = 0; e < 9; ++e)
    if (std::abs(direction[e] - ((e % 4 == 0) ? 1.0 : 0.0)) > 1e-9) return false;
  return true;
}

std::string Grid::describe() const {
  std::ostringstream os;
  os << size[0] << "x" << size[1] << "x" << size[2] << " voxels of " << spacing_mm[0] << "x"
     << spacing_mm[1] << "x" << spacing_mm[2] << " mm, origin (" << origin_mm[0] << ", "
     << origin_mm[1] << ", " << origin_mm[2] << ") mm";
  return os.str();
}

void validate_grid(const Grid& g, const std::string& what) {
  const double voxels = double(g.size[0]) * double(g.size[1]) * double(g.size[2]);
  BD_VALIDATE(voxels > 0, what << ": empty grid (" << g.describe() << ")");
  // Far beyond any memory, and where size_t products of the sizes could wrap.
  BD_VALIDATE(voxels < 1e15, what << ": " << g.describe() << " is " << voxels << " voxels, more than any machine holds");
  for (int a = 0; a < 3; ++a) {
    BD_VALIDATE(std::isfinite(g.spacing_mm[a]) && g.spacing_mm[a] > 0,
                what << ": spacing must be positive and finite, got " << g.spacing_mm[a]
                     << " mm on axis " << a);
    BD_VALIDATE(std::isfinite(g.origin_mm[a]), what << ": origin is not finite on axis " << a);
  }
  for (int e = 0; e < 9; ++e) {
    BD_VALIDATE(std::isfinite(g.direction[e]), what << ": direction matrix element " << e << " is not finite");
  }
  // Columns must be orthonormal (ITK direction cosines).
  for (int c1 = 0; c1 < 3; ++c1)
    for (int c2 = c1; c2 < 3; ++c2) {
      double dot = 0;
      for (int r = 0; r < 3; ++r) dot += g.direction[3 * r + c1] * g.direction[3 * r + c2];
      BD_VALIDATE(std::abs(dot - (c1 == c2 ? 1.0 : 0.0)) < 1e-4,
                  what << ": direction matrix is not orthonormal (columns " << c1 << "," << c2
                       << " dot " << dot << ")");
    }
}

}  // namespace bd
