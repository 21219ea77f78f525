// A dose grid as a DICOM multi-frame RT Dose image (portable: no DCMTK here; the writer is
// src/io/rtdose_dcmtk.cpp).
//
// Geometry (DICOM PS3.3 C.7.6.2 Image Plane, C.8.8.3.2 RT Dose Module):
//   ImageOrientationPatient (IOP) = row direction r (direction of increasing column index,
//   the grid's axis 0) and column direction c (increasing row index, axis 1);
//   ImagePositionPatient (IPP) = centre of the first pixel of the first frame;
//   PixelSpacing = [distance between rows (axis-1 spacing), between columns (axis-0 spacing)];
//   GridFrameOffsetVector[f] = offset of frame f from the first frame along the slice normal
//   n = r × c, first element 0 (the "relative" form of C.8.8.3.2, which every RT Dose reader
//   supports).
// A grid whose third axis points against n (a left-handed direction matrix: "flipped z") is
// written in reverse frame order, k = nz−1 … 0, so that the offsets increase along n and the
// IPP is the position of voxel (0, 0, nz−1); readers that sort frames by offset, and those that
// take them in stored order, then both place every voxel where the grid has it.
// Oblique grids are exact: r, c, n are the grid's own axes. A direction matrix whose third axis
// is not parallel to n (a sheared grid) cannot be represented and is refused.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "betadose/grid.hh"

namespace bd {

struct DicomFrameGeometry {
  std::size_t rows = 0, columns = 0, frames = 0;   // ny, nx, nz
  std::array<double, 6> image_orientation{};      // r (3), c (3)
  Vec3 image_position_mm{};                        // first pixel of the first stored frame
  std::array<double, 2> pixel_spacing_mm{};        // [row spacing (y), column spacing (x)]
  double slice_spacing_mm = 0;                     // z spacing
  std::vector<double> frame_offsets_mm;            // 0, dz, 2 dz, ... (increasing along n)
  bool reversed_frames = false;                    // stored frame f holds grid slice nz−1−f

  // Grid slice k stored in frame f.
  std::size_t slice_of_frame(std::size_t f) const { return reversed_frames ? frames - 1 - f : f; }
};

// Throws InputError naming `what` when the grid is invalid (validate_grid) or its third axis is
// not along ± (axis 0 × axis 1) within 1e-6.
DicomFrameGeometry dicom_frame_geometry(const Grid& grid, const std::string& what);

// Dose values as unsigned integers with one DoseGridScaling factor (C.8.8.3.4.4: dose = pixel ×
// scaling). 16- or 32-bit pixels; the factor is chosen for the full range, so that the maximum
// dose maps to at most 2^bits − 1 and the quantum is max/(2^bits − 1) to 10 significant digits. The
// factor is written as the decimal string `scaling_text` (DS, at most 16 characters) and the
// pixels are rounded with the value that string parses to, so a reader's pixel × scaling is
// within half a quantum (plus float32 rounding of the input) of the input dose.
struct QuantizedDose {
  std::string scaling_text;   // DoseGridScaling as written
  double scaling_gy = 0;      // its value
  std::vector<std::uint32_t> pixels;  // grid order (x fastest, then y, then z)
};

// Throws InputError naming `what` when a dose is negative, NaN or infinite (RT Dose pixels are
// unsigned: a physical dose map has no negative values), or bits is not 16 or 32.
QuantizedDose quantize_dose(const std::vector<float>& dose_gy, int bits, const std::string& what);

// Formats a decimal string (DICOM DS, at most 16 characters) as close to x as 16 characters
// allow.
std::string dicom_decimal_string(double x);

}  // namespace bd
