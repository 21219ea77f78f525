// PNG / gzip / base64 / NIfTI-1 in memory (include/betadose/image_encoding.hh).
#include "betadose/image_encoding.hh"

#include <nifti/nifti1.h>
#include <png.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "betadose/errors.hh"

namespace bd {

std::string encode_png_rgba(int width, int height, const std::vector<std::uint8_t>& rgba) {
  if (width <= 0 || height <= 0 || rgba.size() != std::size_t(width) * std::size_t(height) * 4)
    throw std::logic_error("encode_png_rgba: image size does not match the pixels");
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (!png || !info) {
    png_destroy_write_struct(&png, nullptr);
    throw std::runtime_error("libpng: cannot create the writer");
  }
  std::string out;
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    throw std::runtime_error("libpng: encoding failed");
  }
  png_set_write_fn(
      png, &out,
      [](png_structp p, png_bytep data, png_size_t n) {
        static_cast<std::string*>(png_get_io_ptr(p))->append(reinterpret_cast<const char*>(data), n);
      },
      [](png_structp) {});
  png_set_IHDR(png, info, png_uint_32(width), png_uint_32(height), 8, PNG_COLOR_TYPE_RGB_ALPHA,
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (int y = 0; y < height; ++y)
    png_write_row(png, const_cast<png_bytep>(rgba.data() + std::size_t(y) * std::size_t(width) * 4));
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return out;
}

std::string gzip_bytes(const std::string& bytes) {
  z_stream z{};
  // windowBits 15 + 16: gzip header and trailer.
  if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("zlib: deflateInit2 failed");
  std::string out(deflateBound(&z, uLong(bytes.size())) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = uInt(bytes.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = uInt(out.size());
  const int rc = deflate(&z, Z_FINISH);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw std::runtime_error("zlib: deflate failed");
  out.resize(z.total_out);
  return out;
}

std::string base64_encode(const std::string& bytes) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const std::uint32_t v = (std::uint8_t(bytes[i]) << 16) | (std::uint8_t(bytes[i + 1]) << 8) |
                            std::uint8_t(bytes[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i + 1 == bytes.size()) {
    const std::uint32_t v = std::uint8_t(bytes[i]) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    const std::uint32_t v = (std::uint8_t(bytes[i]) << 16) | (std::uint8_t(bytes[i + 1]) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

std::string nifti1_bytes(const Grid& grid, const std::vector<float>& values, bool int16,
                         const std::string& description) {
  BD_VALIDATE(values.size() == grid.voxel_count(),
              "NIfTI export: " << values.size() << " values for " << grid.describe());
  for (int a = 0; a < 3; ++a)
    BD_VALIDATE(grid.size[a] <= 32767, "NIfTI export: " << grid.size[a] << " voxels on one axis (at most 32767)");
  nifti_1_header h;
  std::memset(&h, 0, sizeof h);
  h.sizeof_hdr = 348;
  h.dim[0] = 3;
  for (int a = 0; a < 3; ++a) {
    h.dim[a + 1] = short(grid.size[a]);
    h.pixdim[a + 1] = float(grid.spacing_mm[a]);
  }
  h.dim[4] = h.dim[5] = h.dim[6] = h.dim[7] = 1;
  h.pixdim[0] = 1;  // qfac (unused: qform_code 0)
  h.vox_offset = 352;
  h.xyzt_units = NIFTI_UNITS_MM;
  h.qform_code = NIFTI_XFORM_UNKNOWN;
  h.sform_code = NIFTI_XFORM_SCANNER_ANAT;
  // LPS (ITK/DICOM) -> RAS (NIfTI): negate the first two rows of [D diag(s) | origin].
  const auto m = grid.index_matrix();
  float* rows[3] = {h.srow_x, h.srow_y, h.srow_z};
  for (int r = 0; r < 3; ++r) {
    const double sign = r < 2 ? -1.0 : 1.0;
    for (int c = 0; c < 3; ++c) rows[r][c] = float(sign * m[3 * r + c]);
    rows[r][3] = float(sign * grid.origin_mm[r]);
  }
  std::strncpy(h.descrip, description.c_str(), sizeof h.descrip - 1);
  std::memcpy(h.magic, "n+1\0", 4);

  std::string data;
  if (int16) {
    h.datatype = DT_INT16;
    h.bitpix = 16;
    h.scl_slope = 1;
    data.resize(values.size() * 2);
    for (std::size_t v = 0; v < values.size(); ++v) {
      const float x = std::isfinite(values[v]) ? values[v] : 0.0f;
      const auto s = std::int16_t(std::clamp(std::lround(x), -32768L, 32767L));
      std::memcpy(&data[2 * v], &s, 2);
    }
  } else {
    double vmax = 0;
    for (float x : values)
      if (std::isfinite(x)) vmax = std::max(vmax, double(x));
    h.datatype = DT_UINT16;
    h.bitpix = 16;
    h.scl_slope = float(vmax > 0 ? vmax / 65535.0 : 1.0);
    h.cal_min = 0;
    h.cal_max = float(vmax);
    data.resize(values.size() * 2);
    for (std::size_t v = 0; v < values.size(); ++v) {
      const double x = std::isfinite(values[v]) ? std::max(0.0, double(values[v])) : 0.0;
      const auto u = std::uint16_t(std::min(65535.0, std::nearbyint(x / h.scl_slope)));
      std::memcpy(&data[2 * v], &u, 2);
    }
  }
  h.scl_inter = 0;
  std::string out(reinterpret_cast<const char*>(&h), sizeof h);
  out.append(4, '\0');  // no extensions
  out += data;
  return out;
}

}  // namespace bd
