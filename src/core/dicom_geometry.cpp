#include "betadose/dicom_geometry.hh"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "betadose/errors.hh"

namespace bd {
namespace {

Vec3 axis(const Grid& g, int a) { return {{g.direction[a], g.direction[3 + a], g.direction[6 + a]}}; }

Vec3 cross(const Vec3& u, const Vec3& v) {
  return {{u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]}};
}

double dot(const Vec3& u, const Vec3& v) { return u[0] * v[0] + u[1] * v[1] + u[2] * v[2]; }

// Direction cosines that are zero up to rounding are written as 0, not "6.1e-17".
double clean_cosine(double x) { return std::abs(x) < 1e-12 ? 0.0 : x; }

}  // namespace

std::string dicom_decimal_string(double x) {
  if (x == 0.0 || !std::isfinite(x)) return "0";
  char buf[64];
  for (int precision = 16; precision >= 1; --precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, x);
    if (std::char_traits<char>::length(buf) <= 16) return buf;
  }
  return buf;
}

DicomFrameGeometry dicom_frame_geometry(const Grid& grid, const std::string& what) {
  validate_grid(grid, what);
  const Vec3 r = axis(grid, 0), c = axis(grid, 1), z = axis(grid, 2);
  const Vec3 n = cross(r, c);
  const double along = dot(z, n);
  BD_VALIDATE(std::abs(std::abs(along) - 1.0) < 1e-6,
              what << ": the third grid axis (" << z[0] << ", " << z[1] << ", " << z[2]
                   << ") is not perpendicular to the slices (normal " << n[0] << ", " << n[1]
                   << ", " << n[2] << "); DICOM RT Dose cannot represent a sheared grid");
  DicomFrameGeometry d;
  d.columns = grid.size[0];
  d.rows = grid.size[1];
  d.frames = grid.size[2];
  for (int e = 0; e < 3; ++e) {
    d.image_orientation[e] = clean_cosine(r[e]);
    d.image_orientation[3 + e] = clean_cosine(c[e]);
  }
  d.pixel_spacing_mm = {grid.spacing_mm[1], grid.spacing_mm[0]};
  d.slice_spacing_mm = grid.spacing_mm[2];
  d.reversed_frames = along < 0;
  const double k0 = d.reversed_frames ? double(d.frames - 1) : 0.0;
  d.image_position_mm = grid.index_to_physical({{0.0, 0.0, k0}});
  d.frame_offsets_mm.resize(d.frames);
  for (std::size_t f = 0; f < d.frames; ++f) d.frame_offsets_mm[f] = double(f) * d.slice_spacing_mm;
  return d;
}

QuantizedDose quantize_dose(const std::vector<float>& dose_gy, int bits, const std::string& what) {
  BD_VALIDATE(bits == 16 || bits == 32, what << ": RT Dose pixels of " << bits << " bits (expected 16 or 32)");
  double max_gy = 0;
  for (std::size_t v = 0; v < dose_gy.size(); ++v) {
    const float d = dose_gy[v];
    BD_VALIDATE(std::isfinite(d) && d >= 0,
                what << ": voxel " << v << " has dose " << d
                     << " Gy; RT Dose stores non-negative finite doses only");
    max_gy = std::max(max_gy, double(d));
  }
  const double kMaxPixel = bits == 32 ? 4294967295.0 : 65535.0;  // 2^bits - 1
  QuantizedDose q;
  if (max_gy == 0) {
    q.scaling_text = "1";
  } else {
    // 10 significant digits (relative rounding <= 5e-10), rounded up by 1e-9 first so that the
    // written factor is never below max/(2^bits-1): the maximum then fits in `bits` bits.
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9e", max_gy / kMaxPixel * (1.0 + 1e-9));
    q.scaling_text = buf;
  }
  q.scaling_gy = std::strtod(q.scaling_text.c_str(), nullptr);
  q.pixels.resize(dose_gy.size());
  for (std::size_t v = 0; v < dose_gy.size(); ++v) {
    const double p = std::nearbyint(double(dose_gy[v]) / q.scaling_gy);
    q.pixels[v] = static_cast<std::uint32_t>(std::min(p, kMaxPixel));
  }
  return q;
}

}  // namespace bd
