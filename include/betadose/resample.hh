// Aligning images in physical space (ITK/LPS convention of grid.hh): every resampler maps
// target voxel positions through the physical frame into the source grid, so different
// origins, spacings and direction matrices (e.g. a 180-degree rotated PET) are handled.
//
//   resample_linear    continuous quantities (CT HU, density): trilinear interpolation;
//                      when the target voxel is larger than the source voxels it averages
//                      trilinear samples on a sub-grid inside the target voxel (box filter),
//                      so a coarse dose grid sees the mean HU, not one point sample.
//   resample_nearest   label maps and masks: nearest neighbour.
//   resample_activity  extensive quantities (activity per voxel [Bq] or counts): each source
//                      voxel is split into sub-voxels that carry equal shares of its content
//                      and are deposited into the target voxel containing their centre. The
//                      total is conserved exactly up to the part falling outside the target.
#pragma once

#include <cstdint>
#include <string>

#include "betadose/grid.hh"

namespace bd {

// Axis-aligned physical bounding box [mm] of a grid's voxels (outer faces, not centres).
struct PhysicalBox {
  Vec3 lo{{0, 0, 0}}, hi{{0, 0, 0}};
  double volume_mm3() const;
};
PhysicalBox physical_box(const Grid& grid);
// The whole geometry on one line, for every image a command reads:
// "64x64x40 voxels of 4x4x5 mm, origin (x, y, z) mm, direction (1 0 0; 0 1 0; 0 0 -1),
//  box x [lo, hi] y [lo, hi] z [lo, hi] mm" (direction rows as stored, box = outer faces).
std::string describe_geometry(const Grid& grid);
// Volume [mm^3] of the intersection of both grids' bounding boxes (0 when disjoint).
double overlap_volume_mm3(const Grid& a, const Grid& b);
// Throws InputError naming both images when their voxels do not overlap in physical space.
void require_overlap(const Grid& a, const std::string& a_name, const Grid& b,
                     const std::string& b_name);

// Target voxels outside the source take `outside_value`.
Volume<float> resample_linear(const Volume<float>& source, const Grid& target,
                              float outside_value);
Volume<std::uint8_t> resample_nearest(const Volume<std::uint8_t>& source, const Grid& target,
                                      std::uint8_t outside_value = 0);
Volume<float> resample_nearest(const Volume<float>& source, const Grid& target,
                               float outside_value);

struct ActivityResampleReport {
  double source_total = 0;   // sum over the source voxels
  double target_total = 0;   // sum over the target voxels
  double outside_total = 0;  // content whose sub-voxels fell outside the target grid
  int subdivisions[3] = {1, 1, 1};  // sub-voxels per source voxel along each source axis
};

// `source.data` holds an extensive quantity per voxel (Bq, counts). `max_subdivisions` bounds
// the sub-voxels per axis (cost grows with its cube).
Volume<double> resample_activity(const Volume<double>& source, const Grid& target,
                                ActivityResampleReport* report = nullptr,
                                int max_subdivisions = 8);

// A grid covering the same physical box as `reference` (same direction), with spacing
// `spacing_mm` on every axis; the voxel count per axis is rounded to cover the extent.
Grid regrid(const Grid& reference, const Vec3& spacing_mm);

}  // namespace bd
