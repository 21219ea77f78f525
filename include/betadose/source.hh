// Where decays happen: a voxel activity map (decays uniformly inside each voxel, sampled from
// an alias table) or an explicit list of point sources (microspheres).
#pragma once

#include <string>
#include <vector>

#include "betadose/grid.hh"

namespace bd {

struct VoxelSource {
  Grid grid;                          // must equal the phantom grid for `betadose mc`
  std::vector<double> activity_bq;    // administered (time-zero) activity per voxel [Bq]
  std::string nuclide = "Y-90";
  double total_activity_bq() const;
};

struct PointSource {
  std::vector<Vec3> position_mm;      // physical positions
  std::vector<double> activity_bq;    // per point
  std::string nuclide = "Y-90";
};

}  // namespace bd
