// Small grids for tests.
#pragma once

#include <cstddef>

#include "betadose/grid.hh"

namespace bd::test {
// n³ voxels of `mm` mm, origin 0, identity direction.
inline Grid cube_grid(std::size_t n, double mm) {
  Grid g;
  g.size = {n, n, n};
  g.spacing_mm = {mm, mm, mm};
  return g;
}
}  // namespace bd::test
