// Header checks of NIfTI, MetaImage and NRRD files (include/betadose/image_header.hh).
// Field layouts: NIfTI-1 (nifti1.h, NIfTI DFWG 2004) and NIfTI-2 (nifti2.h, 2011); MetaImage
// (MetaIO, Kitware); NRRD file format 0.5 (teem). Only what decides the data size and the
// geometry is parsed; everything else is left to ITK.
#include "betadose/image_header.hh"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <vector>

#include "betadose/errors.hh"
#include "betadose/input_file.hh"
#include "betadose/memory_check.hh"
#include "betadose/text_parse.hh"
#include "betadose/value_checks.hh"

namespace fs = std::filesystem;

namespace bd {
namespace {

constexpr std::size_t kMaxHeaderBytes = std::size_t(1) << 20;  // text headers (MetaImage, NRRD)
constexpr std::size_t kMetaIoFieldBytes = 255;
// Voxel spacings outside [1 nm, 1 km] are no image of a patient; denormal spacings also make
// ITK's SVD of the NIfTI orientation spin forever (found by fuzz_image_nifti).
constexpr double kMinSpacingMm = 1e-6, kMaxSpacingMm = 1e6;
// An origin beyond 1e9 mm (1000 km) is no patient position; ITK's float orientation code
// does not converge on such a header (fuzz_image_nifti).
constexpr double kMaxOriginMm = 1e9;                   // MetaIO's char[255] text fields

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string dir_of(const std::string& path) {
  const fs::path p = fs::path(path).parent_path();
  return p.empty() ? std::string(".") : p.string();
}

// ---- byte sources ------------------------------------------------------------------------

// Counts the bytes of a gzip (or zlib with `raw_zlib`) stream starting at `offset` of `path`,
// stopping once more than `limit` bytes came out. InputError for a corrupt or cut stream.
std::uint64_t inflated_size(const std::string& path, std::uint64_t offset, std::uint64_t limit, bool zlib_format,
                            const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  BD_VALIDATE(in, path << ": cannot open the " << what);
  in.seekg(static_cast<std::streamoff>(offset));
  z_stream zs{};
  // 15 + 32: zlib or gzip header detected automatically; gzip members may be concatenated.
  BD_VALIDATE(inflateInit2(&zs, zlib_format ? 15 : 15 + 16) == Z_OK, path << ": zlib initialisation failed");
  std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&zs, inflateEnd);
  std::vector<unsigned char> inbuf(1 << 16), outbuf(1 << 18);
  std::uint64_t total = 0;
  bool stream_end = false;
  for (;;) {
    if (zs.avail_in == 0) {
      in.read(reinterpret_cast<char*>(inbuf.data()), static_cast<std::streamsize>(inbuf.size()));
      zs.avail_in = static_cast<uInt>(in.gcount());
      zs.next_in = inbuf.data();
      if (zs.avail_in == 0) break;  // end of file
    }
    zs.avail_out = static_cast<uInt>(outbuf.size());
    zs.next_out = outbuf.data();
    const int rc = inflate(&zs, Z_NO_FLUSH);
    total += outbuf.size() - zs.avail_out;
    if (total > limit) return total;
    if (rc == Z_STREAM_END) {
      stream_end = true;
      // A gzip file may hold several members back to back; a zlib stream is one.
      if (zlib_format || (zs.avail_in == 0 && in.peek() == EOF)) break;
      BD_VALIDATE(inflateReset(&zs) == Z_OK, path << ": corrupt " << what);
      stream_end = false;
      continue;
    }
    BD_VALIDATE(rc == Z_OK || rc == Z_BUF_ERROR, path << ": corrupt " << what << " (zlib: "
                                                      << (zs.msg ? zs.msg : "error") << ")");
  }
  BD_VALIDATE(stream_end, path << ": the " << what << " is cut short (truncated file)");
  return total;
}

// The first `n` bytes of the (possibly gzipped) file; fewer when it is shorter.
std::string leading_bytes(const std::string& path, std::size_t n, bool gz) {
  std::string out(n, '\0');
  if (!gz) {
    std::ifstream in(path, std::ios::binary);
    in.read(out.data(), static_cast<std::streamsize>(n));
    out.resize(static_cast<std::size_t>(in.gcount()));
    return out;
  }
  gzFile f = gzopen(path.c_str(), "rb");
  BD_VALIDATE(f != nullptr, path << ": cannot open");
  const int got = gzread(f, out.data(), static_cast<unsigned>(n));
  gzclose(f);
  out.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
  return out;
}

std::int64_t parse_whole_field(const std::string& text, const std::string& path, const std::string& field) {
  return parse_whole(trim(text), path + ": " + field, -(std::int64_t(1) << 53), std::int64_t(1) << 53);
}

// "a.mhd (data file a.raw)" when the voxels live in another file.
std::string with_data_file(const std::string& path, const std::string& data_file) {
  return data_file == path ? path : path + " (data file " + data_file + ")";
}

void require_exact(std::uint64_t have, std::uint64_t want, const std::string& path, const std::string& field) {
  BD_VALIDATE(have >= want, path << ": holds " << have << " bytes of voxel data, but the header (" << field
                                 << ") declares " << want << " (truncated file?)");
  BD_VALIDATE(have <= want, path << ": holds " << have << " bytes of voxel data, more than the " << want
                                 << " the header (" << field << ") declares (wrong sizes or data type?)");
}

// Voxel count and bytes, with overflow and memory checks.
void check_sizes(ImageFileLayout& L, const std::string& path, const std::string& field) {
  double voxels = 1;
  for (auto s : L.size) {
    BD_VALIDATE(s >= 1, path << ": " << field << " has a zero size (" << L.size[0] << " x " << L.size[1] << " x "
                             << L.size[2] << ")");
    voxels *= double(s);
  }
  BD_VALIDATE(L.components >= 1 && L.components <= 4096, path << ": " << L.components << " values per voxel");
  const double bytes = voxels * double(L.components) * double(L.bytes_per_component);
  BD_VALIDATE(voxels < 2.0e9 && bytes < 1.0e15,
              path << ": " << field << " declares " << L.size[0] << " x " << L.size[1] << " x " << L.size[2]
                   << " voxels, more than betadose handles (at most 2e9 voxels)");
  L.data_bytes = static_cast<std::uint64_t>(bytes);
  // Reading keeps the stored values, their float conversion and our copy.
  require_memory(voxels * double(L.components) * (double(L.bytes_per_component) + 8.0),
                 path + ": reading " + format_g(voxels, 4) + " voxels", "a smaller image (crop or resample it)");
}

// ---- NIfTI ---------------------------------------------------------------------------------

template <class T>
T get(const std::string& h, std::size_t off, bool swap) {
  T v;
  unsigned char b[sizeof(T)];
  std::memcpy(b, h.data() + off, sizeof(T));
  if (swap) std::reverse(b, b + sizeof(T));
  std::memcpy(&v, b, sizeof(T));
  return v;
}

std::uint64_t nifti_type_bytes(int datatype, const std::string& path) {
  switch (datatype) {
    case 2: case 256: return 1;                 // uint8, int8
    case 4: case 512: return 2;                 // int16, uint16
    case 8: case 768: case 16: return 4;        // int32, uint32, float32
    case 64: case 1024: case 1280: return 8;    // float64, int64, uint64
    case 32: return 8;                          // complex64 (refused below)
    case 128: return 3;                         // RGB24 (refused below)
    default:
      throw InputError(path + ": NIfTI datatype " + std::to_string(datatype) + " is not a supported voxel type");
  }
}

// Flags (file order) of the NaN/infinite values of a float32/float64 voxel array at
// `offset` of a (possibly gzipped: gzread passes plain files through) file. ITK's NIfTI reader
// (nifti1_io's nifti_read_buffer) replaces them by 0, so a NaN-padded map or CT would be read
// as zeros, i.e. as water or as no activity, without a word.
std::vector<bool> nonfinite_values(const std::string& path, std::uint64_t offset, const ImageFileLayout& L,
                                   bool swap) {
  gzFile f = gzopen(path.c_str(), "rb");
  BD_VALIDATE(f != nullptr, path << ": cannot open");
  std::unique_ptr<gzFile_s, int (*)(gzFile)> guard(f, gzclose);
  BD_VALIDATE(gzseek(f, static_cast<z_off_t>(offset), SEEK_SET) == static_cast<z_off_t>(offset),
              path << ": cannot reach the voxel data at byte " << offset);
  const std::size_t width = L.bytes_per_component;
  std::vector<unsigned char> buf(std::size_t(1) << 20);  // a multiple of 8: values never straddle
  std::vector<bool> bad;  // allocated at the first bad value: one bit per voxel
  std::uint64_t index = 0, left = L.data_bytes;
  while (left > 0) {
    const auto want = static_cast<unsigned>(std::min<std::uint64_t>(left, buf.size()));
    const int got = gzread(f, buf.data(), want);
    BD_VALIDATE(got == int(want), path << ": the voxel data end early (truncated file)");
    for (std::size_t at = 0; at < want; at += width, ++index) {
      unsigned char* b = buf.data() + at;
      if (swap) std::reverse(b, b + width);
      double v;
      if (width == 4) {
        float x;
        std::memcpy(&x, b, 4);
        v = x;
      } else {
        std::memcpy(&v, b, 8);
      }
      if (!std::isfinite(v)) {
        if (bad.empty()) bad.assign(L.data_bytes / width, false);
        bad[index] = true;
      }
    }
    left -= want;
  }
  return bad;
}

ImageFileLayout check_nifti(const std::string& path, VoxelScan scan) {
  const bool gz = ends_with(lower(path), ".gz");
  const std::string h = leading_bytes(path, 544, gz);
  BD_VALIDATE(h.size() >= 348, path << ": " << h.size() << " bytes, shorter than a NIfTI header (348 bytes)");
  const std::int32_t raw = get<std::int32_t>(h, 0, false);
  const std::int32_t swapped = get<std::int32_t>(h, 0, true);
  bool swap = false;
  int version = 0;
  if (raw == 348 || swapped == 348) version = 1, swap = raw != 348;
  else if (raw == 540 || swapped == 540) version = 2, swap = raw != 540;
  BD_VALIDATE(version, path << ": sizeof_hdr is " << raw << ", not 348 (NIfTI-1) or 540 (NIfTI-2): not a NIfTI file");
  // ITK 5.2's NIfTI reader is nifti1_io: it takes a NIfTI-2 file for a corrupt one.
  BD_VALIDATE(version == 1, path << ": a NIfTI-2 file (sizeof_hdr 540); this build reads NIfTI-1 (ITK 5.2): convert "
                                    "it to NIfTI-1 (e.g. nibabel, c3d) or to NRRD/MetaImage");
  ImageFileLayout L;
  L.format = "NIfTI";
  L.data_file = path;
  // NIfTI-1 header fields (nifti1.h offsets).
  BD_VALIDATE(h.substr(344, 4) == std::string("n+1\0", 4),
              path << ": NIfTI magic is not \"n+1\" (a .hdr/.img pair or not NIfTI-1; give a single-file .nii)");
  std::int64_t dim[8];
  double pixdim[8], quat[3], qoff[3], srow[12];
  for (int i = 0; i < 8; ++i) dim[i] = get<std::int16_t>(h, 40 + 2 * i, swap);
  const int datatype = get<std::int16_t>(h, 70, swap);
  const int bitpix = get<std::int16_t>(h, 72, swap);
  for (int i = 0; i < 8; ++i) pixdim[i] = get<float>(h, 76 + 4 * i, swap);
  const double vox_offset = get<float>(h, 108, swap);
  const double slope = get<float>(h, 112, swap);
  const double inter = get<float>(h, 116, swap);
  const int qform_code = get<std::int16_t>(h, 252, swap);
  const int sform_code = get<std::int16_t>(h, 254, swap);
  for (int i = 0; i < 3; ++i) quat[i] = get<float>(h, 256 + 4 * i, swap), qoff[i] = get<float>(h, 268 + 4 * i, swap);
  for (int i = 0; i < 12; ++i) srow[i] = get<float>(h, 280 + 4 * i, swap);
  // Spatial unit (xyzt_units & 7): 0 unknown (taken as mm), 2 mm. ITK scales the spacing of a
  // file in metres or micrometres to mm but not its origin, so such a file would be placed
  // 1000 times off.
  const int spatial_unit = static_cast<unsigned char>(h[123]) & 7;
  BD_VALIDATE(spatial_unit == 0 || spatial_unit == 2,
              path << ": NIfTI xyzt_units spatial unit is "
                   << (spatial_unit == 1 ? std::string("metres (1)")
                                         : spatial_unit == 3 ? std::string("micrometres (3)")
                                                             : "the undefined code " + std::to_string(spatial_unit))
                   << "; betadose reads NIfTI in millimetres (code 2; ITK would scale the spacing but not the origin): "
                      "rewrite the file in mm");
  BD_VALIDATE(dim[0] >= 1 && dim[0] <= 7, path << ": NIfTI dim[0] = " << dim[0] << " (1 to 7 expected)");
  for (int i = 1; i <= dim[0]; ++i)
    BD_VALIDATE(dim[i] >= 1, path << ": NIfTI dim[" << i << "] = " << dim[i] << " (sizes must be positive)");
  for (int i = 4; i <= dim[0]; ++i)
    BD_VALIDATE(dim[i] == 1, path << ": NIfTI dim[" << i << "] = " << dim[i] << ": the image is " << dim[0]
                                  << "-D; a 3-D scalar image is required");
  for (int a = 0; a < 3; ++a) L.size[a] = a + 1 <= dim[0] ? static_cast<std::uint64_t>(dim[a + 1]) : 1;
  L.bytes_per_component = nifti_type_bytes(datatype, path);
  BD_VALIDATE(datatype != 32 && datatype != 128, path << ": NIfTI datatype " << datatype
                                                      << " (complex or RGB) is not a scalar image");
  BD_VALIDATE(bitpix == int(8 * L.bytes_per_component),
              path << ": NIfTI bitpix " << bitpix << " does not match datatype " << datatype << " ("
                   << 8 * L.bytes_per_component << " bits)");
  for (int a = 1; a <= 3; ++a)
    BD_VALIDATE(std::isfinite(pixdim[a]) && pixdim[a] >= kMinSpacingMm && pixdim[a] <= kMaxSpacingMm,
                path << ": NIfTI pixdim[" << a << "] (voxel spacing) is " << pixdim[a] << "; it must be between "
                     << kMinSpacingMm << " and " << kMaxSpacingMm << " mm");
  BD_VALIDATE(std::isfinite(slope) && std::isfinite(inter),
              path << ": NIfTI scl_slope/scl_inter (" << slope << ", " << inter << ") are not finite");
  const std::uint64_t header_end = 352;
  BD_VALIDATE(std::isfinite(vox_offset) && vox_offset >= double(header_end) && std::floor(vox_offset) == vox_offset &&
                  vox_offset < 1e12,
              path << ": NIfTI vox_offset " << vox_offset << " is not a whole number of bytes >= " << header_end);
  if (qform_code > 0) {
    BD_VALIDATE(std::isfinite(pixdim[0]), path << ": NIfTI pixdim[0] (qfac) is not finite");
    double n2 = 0;
    for (int i = 0; i < 3; ++i) {
      BD_VALIDATE(std::isfinite(quat[i]) && std::isfinite(qoff[i]),
                  path << ": NIfTI qform (quatern_b/c/d, qoffset_x/y/z) is not finite");
      n2 += quat[i] * quat[i];
    }
    BD_VALIDATE(n2 <= 1.0 + 1e-5, path << ": NIfTI quaternion b^2 + c^2 + d^2 = " << n2 << " exceeds 1");
    for (int i = 0; i < 3; ++i)
      BD_VALIDATE(std::abs(qoff[i]) <= kMaxOriginMm, path << ": NIfTI qoffset_" << "xyz"[i] << " = " << qoff[i]
                                                           << " mm is beyond " << kMaxOriginMm << " mm");
  }
  if (sform_code > 0) {
    for (int i = 0; i < 12; ++i)
      BD_VALIDATE(std::isfinite(srow[i]), path << ": NIfTI sform (srow_" << "xyz"[i / 4] << ") is not finite");
    for (int i = 3; i < 12; i += 4)
      BD_VALIDATE(std::abs(srow[i]) <= kMaxOriginMm, path << ": NIfTI sform offset srow_" << "xyz"[i / 4] << "[3] = "
                                                          << srow[i] << " mm is beyond " << kMaxOriginMm << " mm");
    for (int c = 0; c < 3; ++c) {
      const double n = std::hypot(srow[c], srow[4 + c], srow[8 + c]);
      BD_VALIDATE(n >= kMinSpacingMm && n <= kMaxSpacingMm,
                  path << ": NIfTI sform column " << c << " has length " << n << " mm (the voxel spacing must be between "
                       << kMinSpacingMm << " and " << kMaxSpacingMm << " mm)");
    }
    // Columns that are (nearly) parallel have no orientation: ITK's polar decomposition of
    // such a matrix does not converge (found by fuzz_image_nifti as a hang).
    const double det = srow[0] * (srow[5] * srow[10] - srow[6] * srow[9]) -
                       srow[1] * (srow[4] * srow[10] - srow[6] * srow[8]) +
                       srow[2] * (srow[4] * srow[9] - srow[5] * srow[8]);
    const double norms = std::hypot(srow[0], srow[4], srow[8]) * std::hypot(srow[1], srow[5], srow[9]) *
                         std::hypot(srow[2], srow[6], srow[10]);
    BD_VALIDATE(std::abs(det) > 1e-6 * norms,
                path << ": NIfTI sform (srow_x/y/z) is singular: its voxel axes are not independent");
    // A sheared sform (a gantry-tilt conversion writes one) is no ITK direction: ITK falls
    // back to the qform when there is one, so every slice but the first would be misplaced.
    // 1e-3 in the cosine (0.06°) passes the float rounding of real orthogonal headers.
    for (int a = 0; a < 3; ++a)
      for (int b = a + 1; b < 3; ++b) {
        const double dot = srow[a] * srow[b] + srow[4 + a] * srow[4 + b] + srow[8 + a] * srow[8 + b];
        const double cosine = dot / (std::hypot(srow[a], srow[4 + a], srow[8 + a]) * std::hypot(srow[b], srow[4 + b], srow[8 + b]));
        BD_VALIDATE(std::abs(cosine) <= 1e-3,
                    path << ": NIfTI sform voxel axes " << a << " and " << b << " are at "
                         << format_g(std::acos(std::clamp(cosine, -1.0, 1.0)) * 180.0 / M_PI, 6)
                         << " degrees, not 90 (a sheared grid, e.g. a gantry-tilted CT): resample the image onto an "
                            "orthogonal grid first");
      }
  }
  check_sizes(L, path, "NIfTI dim[1..3]");
  const auto offset = static_cast<std::uint64_t>(vox_offset);
  const std::uint64_t want = offset + L.data_bytes;
  const std::uint64_t have =
      gz ? inflated_size(path, 0, want, false, "gzip stream") : std::uint64_t(fs::file_size(path));
  BD_VALIDATE(have >= offset, path << ": the file ends before vox_offset " << offset << " (truncated file)");
  require_exact(have - offset, L.data_bytes, path, "NIfTI dim, datatype");
  if (scan == VoxelScan::nonfinite && (datatype == 16 || datatype == 64))
    L.nonfinite_voxels = nonfinite_values(path, offset, L, swap);
  L.nifti_qform = qform_code > 0;
  L.nifti_sform = sform_code > 0;
  L.nifti_qform_origin = {{qoff[0], qoff[1], qoff[2]}};
  L.nifti_sform_origin = {{srow[3], srow[7], srow[11]}};
  return L;
}

// ---- text headers (MetaImage, NRRD) --------------------------------------------------------

std::vector<double> numbers_in(const std::string& text, const std::string& path, const std::string& field) {
  std::vector<double> v;
  std::string t = text;
  for (char& c : t)
    if (c == '(' || c == ')' || c == ',') c = ' ';
  std::istringstream is(t);
  for (std::string tok; is >> tok;) {
    if (lower(tok) == "nan") {
      v.push_back(std::nan(""));
      continue;
    }
    v.push_back(parse_number(tok, path, field));  // finite numbers only
  }
  return v;
}

// A header line is text: a control byte (NUL, ESC, ...) other than tab and carriage return
// means the file is not a text header. ITK's MetaIO loops forever in MET_Read on a header with
// a NUL byte in a field name (found by fuzz_image_metaimage, campaign 3).
void require_text_line(const std::string& line, std::uint64_t line_no, const std::string& path, const char* format) {
  for (std::size_t i = 0; i < line.size(); ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    BD_VALIDATE(c >= 0x20 || c == '\t' || c == '\r',
                path << ": " << format << " header line " << line_no << " holds the control byte 0x" << std::hex
                     << int(c) << std::dec << " at column " << i + 1 << " (a header is text)");
  }
}

// ---- MetaImage -----------------------------------------------------------------------------

std::uint64_t meta_type_bytes(const std::string& type, const std::string& path) {
  static const std::map<std::string, std::uint64_t> bytes{
      {"MET_CHAR", 1},  {"MET_UCHAR", 1}, {"MET_SHORT", 2},     {"MET_USHORT", 2},     {"MET_INT", 4},
      {"MET_UINT", 4},  {"MET_LONG", 4},  {"MET_ULONG", 4},     {"MET_LONG_LONG", 8},  {"MET_ULONG_LONG", 8},
      {"MET_FLOAT", 4}, {"MET_DOUBLE", 8}};
  std::string t = type;
  if (ends_with(t, "_ARRAY")) t = t.substr(0, t.size() - 6);
  const auto it = bytes.find(t);
  BD_VALIDATE(it != bytes.end(), path << ": MetaImage ElementType '" << type << "' is not a supported voxel type");
  return it->second;
}

// The MetaImage fields betadose reads, lower case -> MetaIO's spelling (metaImage.cxx,
// metaObject.cxx of ITK 5.2).
const std::map<std::string, std::string> kMetaImageFields = [] {
  std::map<std::string, std::string> m;
  for (const char* f : {"ObjectType", "NDims", "DimSize", "ElementType", "ElementSpacing", "ElementSize",
                        "ElementDataFile", "CompressedData", "CompressedDataSize", "HeaderSize", "BinaryData",
                        "BinaryDataByteOrderMSB", "ElementByteOrderMSB", "Offset", "Origin", "Position",
                        "TransformMatrix", "Rotation", "Orientation", "ElementNumberOfChannels"})
    m[lower(f)] = f;
  return m;
}();

ImageFileLayout check_metaimage(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  BD_VALIDATE(in, path << ": cannot open");
  std::map<std::string, std::string> kv;  // lower-case keys
  std::string line;
  std::uint64_t header_bytes = 0;
  bool have_data_file = false;
  std::uint64_t line_no = 0;
  while (std::getline(in, line)) {
    header_bytes += line.size() + 1;
    BD_VALIDATE(header_bytes <= kMaxHeaderBytes, path << ": no ElementDataFile within the first " << kMaxHeaderBytes
                                                      << " bytes (not a MetaImage header)");
    require_text_line(line, ++line_no, path, "MetaImage");
    const auto eq = line.find('=');
    if (eq == std::string::npos) {
      BD_VALIDATE(trim(line).empty(), path << ": MetaImage header line '" << line.substr(0, 80)
                                           << "' is not 'Key = Value'");
      continue;
    }
    const std::string name = trim(line.substr(0, eq));
    const std::string key = lower(name);
    // This check must read the same header as MetaIO does, or the data length it verifies is
    // not the one ITK reads: so MetaIO's spelling of every field betadose reads (MetaIO
    // compares names as written), and each field once (no second value to choose from).
    const auto canonical = kMetaImageFields.find(key);
    BD_VALIDATE(canonical == kMetaImageFields.end() || canonical->second == name,
                path << ": MetaImage header line " << line_no << ": field '" << name << "' must be spelled '"
                     << (canonical == kMetaImageFields.end() ? "" : canonical->second) << "'");
    BD_VALIDATE(kv.count(key) == 0, path << ": MetaImage header line " << line_no << ": field '"
                                         << name.substr(0, 40) << "' is given twice");
    kv[key] = trim(line.substr(eq + 1));
    // ITK's MetaIO copies text fields (Comment, Name, ElementDataFile ...) into 255-byte
    // buffers without a bound (strcpy; found by fuzz_image_metaimage): refuse longer values.
    BD_VALIDATE(kv[key].size() < kMetaIoFieldBytes,
                path << ": MetaImage field '" << trim(line.substr(0, eq)).substr(0, 40) << "' is " << kv[key].size()
                     << " characters long (at most " << kMetaIoFieldBytes - 1 << ")");
    if (key == "elementdatafile") {
      have_data_file = true;
      break;
    }
  }
  BD_VALIDATE(have_data_file, path << ": MetaImage header without ElementDataFile (the last header field)");
  auto field = [&](const char* k) -> const std::string* {
    const auto it = kv.find(k);
    return it == kv.end() ? nullptr : &it->second;
  };
  ImageFileLayout L;
  L.format = "MetaImage";
  const std::string* ndims_text = field("ndims");
  BD_VALIDATE(ndims_text, path << ": MetaImage NDims is missing");
  const auto ndims = static_cast<int>(parse_whole_field(*ndims_text, path, "NDims"));
  BD_VALIDATE(ndims >= 2 && ndims <= 4, path << ": MetaImage NDims = " << ndims << " (3 expected)");
  const std::string* dims_text = field("dimsize");
  BD_VALIDATE(dims_text, path << ": MetaImage DimSize is missing");
  const auto dims = numbers_in(*dims_text, path, "DimSize");
  BD_VALIDATE(int(dims.size()) == ndims, path << ": MetaImage DimSize has " << dims.size() << " values for NDims "
                                              << ndims);
  for (int a = 0; a < ndims; ++a)
    BD_VALIDATE(dims[a] >= 1 && std::floor(dims[a]) == dims[a] && dims[a] < 1e12,
                path << ": MetaImage DimSize[" << a << "] = " << dims[a] << " is not a positive whole number");
  BD_VALIDATE(ndims < 4 || dims[3] == 1, path << ": MetaImage DimSize[3] = " << dims[3]
                                              << ": the image is 4-D; a 3-D scalar image is required");
  for (int a = 0; a < 3; ++a) L.size[a] = a < ndims ? static_cast<std::uint64_t>(dims[a]) : 1;
  const std::string* type = field("elementtype");
  BD_VALIDATE(type, path << ": MetaImage ElementType is missing");
  L.bytes_per_component = meta_type_bytes(*type, path);
  if (const std::string* ch = field("elementnumberofchannels"))
    L.components = static_cast<std::uint64_t>(parse_whole_field(*ch, path, "ElementNumberOfChannels"));
  for (const char* key : {"elementspacing", "elementsize"}) {
    const std::string* sp = field(key);
    if (!sp) continue;
    const auto v = numbers_in(*sp, path, key);
    BD_VALIDATE(int(v.size()) >= std::min(ndims, 3), path << ": MetaImage " << key << " has " << v.size() << " values");
    for (int a = 0; a < std::min(ndims, 3); ++a)
      BD_VALIDATE(std::isfinite(v[a]) && v[a] > 0, path << ": MetaImage " << key << "[" << a << "] = " << v[a]
                                                         << "; the spacing must be a positive finite number of mm");
  }
  for (const char* key : {"offset", "position", "origin", "transformmatrix", "rotation", "orientation",
                          "centerofrotation"}) {
    const std::string* t = field(key);
    if (!t) continue;
    const auto values = numbers_in(*t, path, key);
    for (double v : values)
      BD_VALIDATE(std::isfinite(v), path << ": MetaImage " << key << " holds a value that is not finite");
    // MetaIO refuses a wrong count with "File cannot be read" and no field named.
    const bool matrix = std::string(key) == "transformmatrix" || std::string(key) == "rotation" ||
                        std::string(key) == "orientation";
    const std::size_t want = matrix ? std::size_t(ndims) * std::size_t(ndims) : std::size_t(ndims);
    const auto spelled = kMetaImageFields.find(key);
    BD_VALIDATE(values.size() == want, path << ": MetaImage " << (spelled == kMetaImageFields.end() ? key : spelled->second.c_str())
                                            << " has " << values.size() << " values; NDims " << ndims << " needs " << want);
  }
  if (const std::string* bin = field("binarydata"))
    BD_VALIDATE(lower(*bin) == "true", path << ": MetaImage BinaryData = " << *bin
                                            << " (ASCII voxel data) is not supported; write the image as binary");
  check_sizes(L, path, "MetaImage DimSize, ElementType");
  const bool compressed = field("compresseddata") && lower(*field("compresseddata")) == "true";
  const std::string& data = *field("elementdatafile");
  std::uint64_t data_offset = 0;
  // MetaIO takes exactly these three spellings for data in the header file; "lOCAL" is a file
  // name to it (fuzz_image_metaimage: the two readings disagreed).
  if (data == "LOCAL" || data == "Local" || data == "local") {
    L.data_file = path;
    data_offset = header_bytes;
  } else {
    BD_VALIDATE(lower(data).rfind("list", 0) != 0 && data.find('%') == std::string::npos,
                path << ": MetaImage ElementDataFile = " << data
                     << " (a list or pattern of slice files) is not supported; write one data file");
    L.data_file = fs::path(data).is_absolute() ? data : (fs::path(dir_of(path)) / data).string();
    require_input_file(L.data_file, path + ": ElementDataFile");
  }
  const std::uint64_t file_bytes = fs::file_size(L.data_file);
  if (const std::string* hs = field("headersize")) {
    const auto v = parse_whole_field(*hs, path, "HeaderSize");
    if (v == -1) data_offset = file_bytes >= L.data_bytes ? file_bytes - L.data_bytes : 0;
    else data_offset += static_cast<std::uint64_t>(std::max<std::int64_t>(v, 0));
  }
  BD_VALIDATE(file_bytes >= data_offset, path << ": the data file ends inside the header (truncated file)");
  if (compressed) {
    std::uint64_t packed = file_bytes - data_offset;
    // ITK's MetaIO decodes the wrong bytes of a compressed LOCAL block of unknown size (the
    // whole map came out as one voxel); a detached data file is read by its file size.
    BD_VALIDATE(L.data_file != path || field("compresseddatasize") != nullptr,
                path << ": MetaImage CompressedData = True with ElementDataFile = LOCAL but no CompressedDataSize: "
                        "the compressed length is needed to read the data (ITK writes it; add it, or store the "
                        "image uncompressed)");
    if (const std::string* cs = field("compresseddatasize")) {
      const auto declared = static_cast<std::uint64_t>(parse_whole_field(*cs, path, "CompressedDataSize"));
      require_exact(packed, declared, path, "MetaImage CompressedDataSize");
    }
    require_exact(inflated_size(L.data_file, data_offset, L.data_bytes, true, "compressed voxel data"), L.data_bytes,
                  with_data_file(path, L.data_file), "MetaImage DimSize, ElementType");
  } else {
    require_exact(file_bytes - data_offset, L.data_bytes, with_data_file(path, L.data_file),
                  "MetaImage DimSize, ElementType");
  }
  return L;
}

// ---- NRRD ----------------------------------------------------------------------------------

std::uint64_t nrrd_type_bytes(const std::string& type, const std::string& path) {
  static const std::map<std::string, std::uint64_t> bytes{
      {"signed char", 1}, {"int8", 1}, {"int8_t", 1}, {"uchar", 1}, {"unsigned char", 1}, {"uint8", 1},
      {"uint8_t", 1}, {"short", 2}, {"short int", 2}, {"signed short", 2}, {"signed short int", 2}, {"int16", 2},
      {"int16_t", 2}, {"ushort", 2}, {"unsigned short", 2}, {"unsigned short int", 2}, {"uint16", 2},
      {"uint16_t", 2}, {"int", 4}, {"signed int", 4}, {"int32", 4}, {"int32_t", 4}, {"uint", 4},
      {"unsigned int", 4}, {"uint32", 4}, {"uint32_t", 4}, {"longlong", 8}, {"long long", 8},
      {"long long int", 8}, {"signed long long", 8}, {"signed long long int", 8}, {"int64", 8}, {"int64_t", 8},
      {"ulonglong", 8}, {"unsigned long long", 8}, {"unsigned long long int", 8}, {"uint64", 8}, {"uint64_t", 8},
      {"float", 4}, {"double", 8}};
  const auto it = bytes.find(lower(type));
  BD_VALIDATE(it != bytes.end(), path << ": NRRD type '" << type << "' is not a supported voxel type");
  return it->second;
}

bool spatial_kind(const std::string& kind) {
  const std::string k = lower(kind);
  return k == "domain" || k == "space" || k == "time" || k == "none" || k == "???";
}

ImageFileLayout check_nrrd(const std::string& path, ImageComponents components) {
  std::ifstream in(path, std::ios::binary);
  BD_VALIDATE(in, path << ": cannot open");
  std::string line;
  std::getline(in, line);
  BD_VALIDATE(line.rfind("NRRD000", 0) == 0, path << ": does not start with a NRRD magic line (NRRD000N)");
  std::uint64_t header_bytes = line.size() + 1;
  std::map<std::string, std::string> f;
  bool blank = false;
  std::uint64_t line_no = 1;
  while (std::getline(in, line)) {
    header_bytes += line.size() + 1;
    BD_VALIDATE(header_bytes <= kMaxHeaderBytes, path << ": NRRD header longer than " << kMaxHeaderBytes << " bytes");
    require_text_line(line, ++line_no, path, "NRRD");
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
      blank = true;
      break;
    }
    if (line[0] == '#') continue;
    if (line.find(":=") != std::string::npos) continue;  // key/value metadata
    const auto colon = line.find(": ");
    BD_VALIDATE(colon != std::string::npos, path << ": NRRD header line '" << line.substr(0, 80)
                                                 << "' is not 'field: value'");
    f[lower(trim(line.substr(0, colon)))] = trim(line.substr(colon + 2));
  }
  auto field = [&](std::initializer_list<const char*> names) -> const std::string* {
    for (const char* n : names) {
      const auto it = f.find(n);
      if (it != f.end()) return &it->second;
    }
    return nullptr;
  };
  // A patient frame (ITK converts RAS and LAS to LPS); the non-anatomical spaces
  // (scanner-xyz, 3D-right-handed, 3D-left-handed: the last a mirror image) were read as LPS.
  if (const std::string* space = field({"space"})) {
    const std::string sp = lower(*space);
    BD_VALIDATE(sp == "left-posterior-superior" || sp == "lps" || sp == "right-anterior-superior" || sp == "ras" ||
                    sp == "left-anterior-superior" || sp == "las",
                path << ": NRRD space '" << *space << "' is not a patient frame (left-posterior-superior, "
                        "right-anterior-superior or left-anterior-superior expected): where the image lies in the "
                        "patient is unknown");
  }
  ImageFileLayout L;
  L.format = "NRRD";
  const std::string* dim_text = field({"dimension"});
  BD_VALIDATE(dim_text, path << ": NRRD field 'dimension' is missing");
  const auto dim = static_cast<int>(parse_whole_field(*dim_text, path, "dimension"));
  BD_VALIDATE(dim >= 2 && dim <= 4, path << ": NRRD dimension " << dim << " (3, or 4 with a list axis, expected)");
  const std::string* sizes_text = field({"sizes"});
  BD_VALIDATE(sizes_text, path << ": NRRD field 'sizes' is missing");
  const auto sizes = numbers_in(*sizes_text, path, "sizes");
  BD_VALIDATE(int(sizes.size()) == dim, path << ": NRRD sizes has " << sizes.size() << " values for dimension " << dim);
  for (int a = 0; a < dim; ++a)
    BD_VALIDATE(sizes[a] >= 1 && std::floor(sizes[a]) == sizes[a] && sizes[a] < 1e12,
                path << ": NRRD sizes[" << a << "] = " << sizes[a] << " is not a positive whole number");
  std::vector<std::string> kinds;
  if (const std::string* k = field({"kinds"})) {
    std::istringstream is(*k);
    for (std::string w; is >> w;) kinds.push_back(w);
    BD_VALIDATE(int(kinds.size()) == dim, path << ": NRRD kinds has " << kinds.size() << " values for dimension " << dim);
  }
  std::vector<bool> spatial(dim, true);
  for (int a = 0; a < dim && !kinds.empty(); ++a) spatial[a] = spatial_kind(kinds[a]);
  if (const std::string* sd = field({"space directions"})) {
    // One "(x,y,z)" or "none" per axis (spaces allowed inside the brackets).
    std::vector<std::string> parts;
    for (std::size_t i = 0; i < sd->size();) {
      if (std::isspace(static_cast<unsigned char>((*sd)[i]))) {
        ++i;
        continue;
      }
      const std::size_t end = (*sd)[i] == '(' ? sd->find(')', i) : sd->find_first_of(" \t", i);
      BD_VALIDATE((*sd)[i] != '(' || end != std::string::npos, path << ": NRRD space directions: unclosed '('");
      const std::size_t stop = end == std::string::npos ? sd->size() : end + ((*sd)[i] == '(' ? 1 : 0);
      parts.push_back(sd->substr(i, stop - i));
      i = stop;
    }
    BD_VALIDATE(int(parts.size()) == dim, path << ": NRRD space directions has " << parts.size()
                                               << " entries for dimension " << dim);
    for (int a = 0; a < dim; ++a) {
      if (lower(parts[a]) == "none") {
        spatial[a] = false;
        continue;
      }
      const auto v = numbers_in(parts[a], path, "space directions");
      double n2 = 0;
      for (double x : v) {
        BD_VALIDATE(std::isfinite(x), path << ": NRRD space directions of axis " << a << " are not finite");
        n2 += x * x;
      }
      BD_VALIDATE(n2 > 0, path << ": NRRD space directions of axis " << a << " is a zero vector (no spacing)");
    }
  }
  if (const std::string* so = field({"space origin"}))
    for (double v : numbers_in(*so, path, "space origin"))
      BD_VALIDATE(std::isfinite(v), path << ": NRRD space origin is not finite");
  if (const std::string* sp = field({"spacings"})) {
    const auto v = numbers_in(*sp, path, "spacings");
    BD_VALIDATE(int(v.size()) == dim, path << ": NRRD spacings has " << v.size() << " values for dimension " << dim);
    for (int a = 0; a < dim; ++a)
      BD_VALIDATE(!spatial[a] || (std::isfinite(v[a]) && v[a] > 0),
                  path << ": NRRD spacings[" << a << "] = " << v[a]
                       << "; the spacing must be a positive finite number of mm");
  }
  int spatial_axes = 0;
  std::uint64_t component_count = 1;
  for (int a = 0; a < dim; ++a) {
    if (spatial[a] && spatial_axes < 3) {
      L.size[spatial_axes++] = static_cast<std::uint64_t>(sizes[a]);
    } else if (spatial[a]) {
      BD_VALIDATE(sizes[a] == 1, path << ": NRRD image is " << dim << "-D (sizes " << *sizes_text
                                      << "); a 3-D image is required");
    } else {
      component_count *= static_cast<std::uint64_t>(sizes[a]);
    }
  }
  for (int a = spatial_axes; a < 3; ++a) L.size[a] = 1;
  BD_VALIDATE(spatial_axes >= 2, path << ": NRRD image has " << spatial_axes << " spatial axes (3 expected)");
  L.components = component_count;
  BD_VALIDATE(components == ImageComponents::any || L.components == 1,
              path << ": NRRD image has " << L.components << " values per voxel (a non-spatial axis); a scalar "
                   << "image is required (a 3D Slicer .seg.nrrd? give it as --segmentation FILE)");
  const std::string* type = field({"type"});
  BD_VALIDATE(type, path << ": NRRD field 'type' is missing");
  BD_VALIDATE(lower(*type) != "block", path << ": NRRD type 'block' is not an image type");
  L.bytes_per_component = nrrd_type_bytes(*type, path);
  check_sizes(L, path, "NRRD sizes, type");
  const std::string* enc_text = field({"encoding"});
  BD_VALIDATE(enc_text, path << ": NRRD field 'encoding' is missing");
  const std::string enc = lower(*enc_text);
  const std::string* data = field({"data file", "datafile"});
  std::uint64_t data_offset = 0;
  if (data) {
    BD_VALIDATE(lower(*data).rfind("list", 0) != 0 && data->find('%') == std::string::npos,
                path << ": NRRD data file '" << *data << "' (a list or pattern of files) is not supported");
    L.data_file = fs::path(*data).is_absolute() ? *data : (fs::path(dir_of(path)) / *data).string();
    require_input_file(L.data_file, path + ": data file");
  } else {
    BD_VALIDATE(blank, path << ": NRRD header has no blank line before the data (and no 'data file' field)");
    L.data_file = path;
    data_offset = header_bytes;
  }
  if (const std::string* ls = field({"line skip", "lineskip"})) {
    const auto n = parse_whole_field(*ls, path, "line skip");
    std::ifstream d(L.data_file, std::ios::binary);
    d.seekg(static_cast<std::streamoff>(data_offset));
    std::string skip;
    for (std::int64_t i = 0; i < n && std::getline(d, skip); ++i) data_offset += skip.size() + 1;
  }
  const std::uint64_t file_bytes = fs::file_size(L.data_file);
  bool from_end = false;
  if (const std::string* bs = field({"byte skip", "byteskip"})) {
    const auto n = parse_whole_field(*bs, path, "byte skip");
    BD_VALIDATE(n >= -1, path << ": NRRD byte skip " << n << " (-1 or >= 0 expected)");
    from_end = n == -1;
    if (n > 0) data_offset += static_cast<std::uint64_t>(n);
  }
  BD_VALIDATE(file_bytes >= data_offset, path << ": the data end inside the header (truncated file)");
  if (enc == "raw") {
    const std::uint64_t have = file_bytes - data_offset;
    if (from_end) BD_VALIDATE(have >= L.data_bytes, path << ": holds " << have << " bytes of voxel data, but the "
                                                         << "header declares " << L.data_bytes << " (truncated file?)");
    else require_exact(have, L.data_bytes, with_data_file(path, L.data_file), "NRRD sizes, type");
  } else if (enc == "gz" || enc == "gzip") {
    BD_VALIDATE(!from_end, path << ": NRRD byte skip -1 with gzip encoding is not allowed (NRRD 0.5)");
    require_exact(inflated_size(L.data_file, data_offset, L.data_bytes, false, "gzip voxel data"), L.data_bytes,
                  with_data_file(path, L.data_file), "NRRD sizes, type");
  } else if (enc == "txt" || enc == "text" || enc == "ascii" || enc == "hex") {
    // Values (or hex digit pairs) separated by white space.
    std::ifstream d(L.data_file, std::ios::binary);
    d.seekg(static_cast<std::streamoff>(data_offset));
    std::uint64_t count = 0;
    const std::uint64_t want = L.data_bytes / L.bytes_per_component;
    if (enc == "hex") {
      for (char c; d.get(c) && count <= 2 * L.data_bytes;) count += std::isxdigit(static_cast<unsigned char>(c)) ? 1 : 0;
      require_exact(count / 2, L.data_bytes, path, "NRRD sizes, type (hex digits)");
    } else {
      for (std::string w; count <= want && d >> w;) ++count;
      BD_VALIDATE(count == want, path << ": holds " << (count > want ? "more than " : "") << count
                                      << " text values, but the header (NRRD sizes) declares " << want);
    }
  } else {
    throw InputError(path + ": NRRD encoding '" + *enc_text + "' is not supported (raw, gzip, ascii or hex)");
  }
  return L;
}

}  // namespace

bool is_checked_image_name(const std::string& path) {
  const std::string p = lower(path);
  for (const char* s : {".nii", ".nii.gz", ".mha", ".mhd", ".nrrd", ".nhdr"})
    if (ends_with(p, s)) return true;
  return false;
}

std::string detached_data_file(const std::string& path) {
  const std::string p = lower(path);
  const bool mhd = ends_with(p, ".mhd") || ends_with(p, ".mha"), nhdr = ends_with(p, ".nhdr") || ends_with(p, ".nrrd");
  if (!mhd && !nhdr) return "";
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return "";
  std::ifstream in(path, std::ios::binary);
  std::string line;
  std::size_t bytes = 0;
  while (std::getline(in, line) && bytes < kMaxHeaderBytes) {
    bytes += line.size() + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (nhdr && line.empty()) break;  // the header ends at the first blank line
    std::string value;
    if (mhd) {
      const auto eq = line.find('=');
      if (eq == std::string::npos || lower(trim(line.substr(0, eq))) != "elementdatafile") continue;
      value = trim(line.substr(eq + 1));
      if (lower(value) == "local" || lower(value).rfind("list", 0) == 0) return "";
    } else {
      const auto colon = line.find(": ");
      if (colon == std::string::npos) continue;
      const std::string key = lower(trim(line.substr(0, colon)));
      if (key != "data file" && key != "datafile") continue;
      value = trim(line.substr(colon + 2));
      if (lower(value).rfind("list", 0) == 0) return "";
    }
    if (value.empty() || value.find('%') != std::string::npos) return "";
    return fs::path(value).is_absolute() ? value : (fs::path(dir_of(path)) / value).string();
  }
  return "";
}

ImageFileLayout check_image_file(const std::string& path, ImageComponents components, VoxelScan scan) {
  require_input_file(path);
  const std::string p = lower(path);
  ImageFileLayout L;
  if (ends_with(p, ".nii") || ends_with(p, ".nii.gz")) L = check_nifti(path, scan);
  else if (ends_with(p, ".mha") || ends_with(p, ".mhd")) L = check_metaimage(path);
  else if (ends_with(p, ".nrrd") || ends_with(p, ".nhdr")) L = check_nrrd(path, components);
  else throw InputError(path + ": not a NIfTI, MetaImage or NRRD file name");
  BD_VALIDATE(components == ImageComponents::any || L.components == 1,
              path << ": " << L.components << " values per voxel; a scalar image is required");
  return L;
}

}  // namespace bd
