// Planar contours (DICOM RTSTRUCT CLOSED_PLANAR polygons, physical LPS coordinates [mm]) ->
// voxel occupancy on any grid (oblique, permuted or flipped axes included). Portable host code.
//
// Model (the usual reading of an RT structure set, e.g. DICOM PS3.3 C.8.8.6 and the
// treatment-planning convention): every contour lies in one plane; all contours of a structure
// set share one plane normal (the CT slice normal). A contour stands for the slab of tissue
// centred on its plane with the thickness of the contour plane spacing (the median distance
// between neighbouring contour planes of the structure set). Within a plane, all contours of
// the ROI are combined by the even-odd rule, so a contour inside another is a hole and
// separate contours are separate islands. Two contours that overlap without one lying inside
// the other are reported (ContourOverlap): by the same rule their overlap is left out, as the
// other RTSTRUCT readers (SlicerRT, platipy, dcmrtstruct2nii) read it, which the file's author
// may not have meant.
//
// Each voxel is sampled on n x n x n sub-voxel points; the returned occupancy is the fraction
// of points inside. Points are tested exactly against the polygon edges along rows of the
// contour plane spaced finer than the sub-voxel sampling (see contour_raster.cpp).
#pragma once

#include <string>
#include <vector>

#include "betadose/grid.hh"

namespace bd {

struct PlanarContour {
  std::vector<Vec3> points_mm;  // closed polygon (the last point connects to the first)
  std::size_t number = 0;       // its item in the file's Contour Sequence (1-based; 0: not from a file)
};

struct ContourPlaneInfo {
  Vec3 normal{{0, 0, 1}};
  double spacing_mm = 0;  // slab thickness used
  bool single_plane = false;  // all contours in one plane: spacing_mm is the fallback
  std::size_t plane_count = 0;  // distinct contour planes
};

// Common normal and plane spacing of all contours (of all ROIs of a structure set). Throws
// InputError naming `what` for degenerate contours (fewer than 3 points, zero area),
// non-planar contours, contours with different normals, or a single plane when
// `fallback_spacing_mm` <= 0.
ContourPlaneInfo contour_planes(const std::vector<const PlanarContour*>& contours,
                                const std::string& what, double fallback_spacing_mm = 0);

// Two contours of one plane (indices into the rasterised list) whose insides overlap with
// neither inside the other, measured on the rows that cross the grid.
struct ContourOverlap {
  std::size_t first = 0, second = 0;
  double plane_mm = 0;  // the plane's position along the normal (n · x)
  double area_mm2 = 0;  // the overlap, left out by the even-odd rule
};

// Fraction [0, 1] of each voxel of `grid` inside the ROI made of `contours`; partial overlaps
// of its contours are appended to `overlaps` when given.
std::vector<float> rasterize_contours(const std::vector<PlanarContour>& contours,
                                      const ContourPlaneInfo& planes, const Grid& grid,
                                      int samples_per_axis = 5,
                                      std::vector<ContourOverlap>* overlaps = nullptr);

}  // namespace bd
