// Voxel grids and volumes with the ITK image geometry convention:
//   physical point [mm] = origin + D · diag(spacing) · index,
// where origin is the centre of voxel (0,0,0) and D's columns are the axis directions.
// Data are stored x fastest: linear index = i + nx·(j + ny·k), i.e. [nz][ny][nx] in C order.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace bd {

using Vec3 = std::array<double, 3>;
using Index3 = std::array<std::int64_t, 3>;

struct Grid {
  std::array<std::size_t, 3> size{{0, 0, 0}};   // nx, ny, nz
  Vec3 spacing_mm{{1.0, 1.0, 1.0}};
  Vec3 origin_mm{{0.0, 0.0, 0.0}};               // centre of voxel (0,0,0)
  std::array<double, 9> direction{{1, 0, 0, 0, 1, 0, 0, 0, 1}};  // row-major 3x3

  std::size_t voxel_count() const { return size[0] * size[1] * size[2]; }
  std::size_t linear_index(std::size_t i, std::size_t j, std::size_t k) const {
    return i + size[0] * (j + size[1] * k);
  }
  double voxel_volume_mm3() const { return spacing_mm[0] * spacing_mm[1] * spacing_mm[2]; }
  double voxel_volume_ml() const { return voxel_volume_mm3() * 1e-3; }

  // D · diag(spacing): maps index offsets to physical offsets [mm] (row-major 3x3).
  std::array<double, 9> index_matrix() const;
  // Continuous index -> physical point [mm].
  Vec3 index_to_physical(const Vec3& index) const;
  // Physical point [mm] -> continuous index (voxel centres at integers).
  Vec3 physical_to_index(const Vec3& point_mm) const;
  // True when a continuous index lies inside the voxels (−0.5 … n−0.5 on each axis).
  bool contains_index(const Vec3& index) const;

  // Same size, spacing, origin and direction within `tol_mm` (and 1e-6 for directions).
  bool same_geometry(const Grid& other, double tol_mm = 1e-3) const;
  bool direction_is_identity() const;
  std::string describe() const;  // "122x101x112 voxels of 3x3x3 mm at (x,y,z) mm"
};

// Inverse of a 3x3 row-major matrix (adjugate / determinant; grid matrices are well conditioned).
std::array<double, 9> inverse3(const std::array<double, 9>& m);

// Throws InputError naming `what` when the grid is empty, has non-positive spacing, or a
// singular/non-orthonormal direction matrix.
void validate_grid(const Grid& grid, const std::string& what);

template <class T>
struct Volume {
  Grid grid;
  std::vector<T> data;

  Volume() = default;
  explicit Volume(const Grid& g, T value = T{}) : grid(g), data(g.voxel_count(), value) {}
  T& operator()(std::size_t i, std::size_t j, std::size_t k) { return data[grid.linear_index(i, j, k)]; }
  const T& operator()(std::size_t i, std::size_t j, std::size_t k) const {
    return data[grid.linear_index(i, j, k)];
  }
};

}  // namespace bd
