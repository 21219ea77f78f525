// Image files written byte by byte (no ITK), so tests can make well-formed files and then
// break exactly one field: NIfTI-1 (.nii, .nii.gz), MetaImage (.mha, .mhd + .raw), NRRD.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

namespace bd::test {

inline std::string float_bytes(const std::vector<float>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float));
}

inline void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

inline void write_gzip(const std::string& path, const std::string& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  if (!f) throw std::runtime_error("cannot write " + path);
  gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(f);
}

// NIfTI-1 single-file header (348 bytes + 4 extension bytes) for float32 voxels, sform = the
// spacing on the diagonal.
struct Nifti1 {
  std::string bytes = std::string(352, '\0');
  template <class T>
  void set(std::size_t offset, T value) {
    std::memcpy(&bytes[offset], &value, sizeof(T));
  }
  Nifti1(int nx, int ny, int nz, float sx = 2, float sy = 2, float sz = 2) {
    set<std::int32_t>(0, 348);
    const std::int16_t dim[8] = {3, std::int16_t(nx), std::int16_t(ny), std::int16_t(nz), 1, 1, 1, 1};
    for (int i = 0; i < 8; ++i) set<std::int16_t>(40 + 2 * i, dim[i]);
    set<std::int16_t>(70, 16);  // float32
    set<std::int16_t>(72, 32);
    const float pixdim[8] = {1, sx, sy, sz, 1, 1, 1, 1};
    for (int i = 0; i < 8; ++i) set<float>(76 + 4 * i, pixdim[i]);
    set<float>(108, 352.0f);
    set<float>(112, 1.0f);
    set<std::int16_t>(252, 0);  // qform_code
    set<std::int16_t>(254, 1);  // sform_code
    const float srow[12] = {sx, 0, 0, 0, 0, sy, 0, 0, 0, 0, sz, 0};
    for (int i = 0; i < 12; ++i) set<float>(280 + 4 * i, srow[i]);
    std::memcpy(&bytes[344], "n+1\0", 4);
  }
  void pixdim(int axis, float v) {
    set<float>(76 + 4 * axis, v);
    set<float>(280 + 4 * (axis - 1) * 5, v);  // the sform diagonal too
  }
};

inline std::string mha_header(const std::string& dims, const std::string& spacing, const std::string& data_file,
                              const std::string& extra = "") {
  return "ObjectType = Image\nNDims = 3\nBinaryData = True\nBinaryDataByteOrderMSB = False\n"
         "CompressedData = False\nTransformMatrix = 1 0 0 0 1 0 0 0 1\nOffset = 0 0 0\n" +
         extra + "ElementSpacing = " + spacing + "\nDimSize = " + dims + "\nElementType = MET_FLOAT\nElementDataFile = " +
         data_file + "\n";
}

inline std::string nrrd_header(const std::string& sizes, const std::string& directions,
                               const std::string& encoding = "raw", const std::string& extra = "") {
  return "NRRD0004\ntype: float\ndimension: 3\nspace: left-posterior-superior\nsizes: " + sizes +
         "\nspace directions: " + directions + "\nkinds: domain domain domain\nendian: little\nencoding: " + encoding +
         "\nspace origin: (0,0,0)\n" + extra + "\n";
}

// Replaces the first float32 `from` in the file's bytes by `to` (e.g. a NaN no writer of
// betadose lets through); false when `from` does not occur.
inline bool replace_float_in_file(const std::string& path, float from, float to) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string a(reinterpret_cast<const char*>(&from), 4), b(reinterpret_cast<const char*>(&to), 4);
  const auto at = bytes.find(a);
  if (at == std::string::npos) return false;
  bytes.replace(at, 4, b);
  write_bytes(path, bytes);
  return true;
}

}  // namespace bd::test
