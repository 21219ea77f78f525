// Header checks of NIfTI, MetaImage and NRRD files before ITK reads them (issue 11; the
// implementation, src/io/image_header.cpp, parses the headers itself and uses zlib, not ITK).
// ITK accepts a short MetaImage .raw or a truncated NIfTI and leaves the missing voxels
// uninitialised, turns a zero or NaN NIfTI pixdim into 1 mm, and aborts inside vnl on a NaN
// spacing; these checks refuse all of that with an InputError naming the file and the field:
//   - the file (and a detached data file: MetaImage ElementDataFile, NRRD data file) is a
//     regular file;
//   - the data hold exactly the bytes the header declares (after decompression for .nii.gz,
//     MetaImage CompressedData and NRRD gzip; NRRD text encodings by their value count);
//   - sizes are positive and 3-D (a 4th axis of size 1, or a NRRD list axis for a .seg.nrrd);
//   - spacing is finite and positive, origin and direction finite (orthonormality is checked
//     on the geometry ITK derives, validate_grid), data type and NIfTI scaling valid;
//   - the voxels fit in memory (require_memory) before anything is allocated;
//   - NIfTI: NIfTI-1 only (ITK 5.2), spatial unit mm (or unknown), no sheared sform; its
//     NaN/infinite float voxels are listed (ITK would make them 0).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace bd {

struct ImageFileLayout {
  std::string format;                          // "NIfTI", "MetaImage", "NRRD"
  std::array<std::uint64_t, 3> size{{0, 0, 0}};  // voxels per spatial axis
  std::uint64_t components = 1;                // values per voxel (a .seg.nrrd's layers)
  std::uint64_t bytes_per_component = 0;       // as stored
  std::uint64_t data_bytes = 0;                // declared, uncompressed
  std::string data_file;                       // the file holding the voxels
  // NIfTI float voxels that are NaN/infinite, one flag per voxel (x fastest; empty when there
  // is none): ITK's reader makes them 0, read_image restores them as NaN so that the inputs'
  // NaN policy applies.
  std::vector<bool> nonfinite_voxels;
  // NIfTI: which transforms the header holds and their origins [mm, RAS as stored], for the
  // note on an orientation the reader had to choose or guess (read_image).
  bool nifti_qform = false, nifti_sform = false;
  std::array<double, 3> nifti_qform_origin{{0, 0, 0}}, nifti_sform_origin{{0, 0, 0}};
};

enum class ImageComponents { scalar, any };
// Whether the voxels will be read: only then are a NIfTI's float voxels scanned for NaN/Inf
// (a pass over the whole, possibly gzipped, data that a geometry-only read does not need).
enum class VoxelScan { none, nonfinite };

// Checks `path` (format by its name: .nii, .nii.gz, .mha, .mhd, .nrrd, .nhdr) as described
// above; `components` says whether several values per voxel are allowed.
ImageFileLayout check_image_file(const std::string& path, ImageComponents components = ImageComponents::scalar,
                                 VoxelScan scan = VoxelScan::none);

// The separate voxel file a MetaImage (ElementDataFile) or NRRD (data file) header names, as a
// path; "" when the voxels are in the header's own file, or the file cannot be read (a light
// scan for the output checks: outputs must not replace an input's voxels).
std::string detached_data_file(const std::string& path);

// True for the names check_image_file knows (other names are DICOM or unsupported).
bool is_checked_image_name(const std::string& path);

}  // namespace bd
