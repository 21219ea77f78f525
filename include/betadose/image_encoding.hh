// In-memory encodings for the self-contained HTML report (implementation src/io/
// image_encoding.cpp: libpng, zlib and the NIfTI-1 header definition of nifti1.h, all Debian).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "betadose/grid.hh"

namespace bd {

// PNG (8-bit RGBA, width x height, rows top to bottom) as bytes.
std::string encode_png_rgba(int width, int height, const std::vector<std::uint8_t>& rgba);

// gzip (RFC 1952) of `bytes`.
std::string gzip_bytes(const std::string& bytes);

// RFC 4648 base64.
std::string base64_encode(const std::string& bytes);

// A NIfTI-1 single file (.nii, not compressed) of `values` on `grid`: sform (code 1, scanner
// anatomical) = the grid's LPS geometry turned into NIfTI's RAS (x and y negated), qform 0,
// units mm. `int16` stores round(value) clamped to the int16 range (CT in HU); otherwise
// uint16 with scl_slope = max/65535 (doses >= 0; the quantum is reported in the header's
// descrip). InputError when values do not match the grid.
std::string nifti1_bytes(const Grid& grid, const std::vector<float>& values, bool int16,
                         const std::string& description);

}  // namespace bd
