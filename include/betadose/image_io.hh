// Reading and writing 3-D scalar medical images (implementation: src/io/image_io.cpp, the
// only translation unit that includes ITK's image IO). Geometry is taken exactly as ITK
// reports it (origin = centre of voxel 0, spacing, direction cosines; LPS physical frame), so
// an exported dose lies on the CT in 3D Slicer without shifts.
//
// Formats (chosen by the path):
//   NIfTI      *.nii, *.nii.gz            read + write
//   MetaImage  *.mhd (+ .raw/.zraw), *.mha  read + write
//   NRRD       *.nrrd, *.nhdr              read + write
//   DICOM      a directory holding one series (CT, NM, PT; GDCM), or a single *.dcm file
//              read; rescale slope/intercept are applied (CT in HU, PT per PT units tag)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "betadose/grid.hh"

namespace bd {

struct ImageMetadata {
  std::string format;         // "NIfTI", "MetaImage", "NRRD", "DICOM"
  std::string pixel_type;     // component type on disk, e.g. "short", "float"
  std::string modality;       // DICOM (0008,0060): "CT", "NM", "PT"; empty otherwise
  std::string units;          // DICOM PT (0054,1001), e.g. "BQML", "CNTS"; empty otherwise
  // DICOM NM: "Bq/ml" or "counts" when the values read are those of its Real World Value
  // Mapping (0040,9096) (DicomSeriesCheck::RealWorldMapping); empty otherwise.
  std::string value_units;
  std::string series_uid;     // DICOM series read (the largest when several)
  std::size_t series_count = 0;  // DICOM series found in the directory
  std::size_t file_count = 0;    // DICOM files of the series read
  std::vector<std::string> files;  // DICOM files in slice order (slice k = files[k])
  // DICOM: empty, or the file and the reason its pixel data are lossy-compressed
  // (DicomSeriesCheck, dicom_header.hh).
  std::string lossy_compression;
  std::string frame_of_reference_uid;  // DICOM (0020,0052); empty otherwise
  // What the reader had to choose or assume about the geometry (printed with the image line).
  std::vector<std::string> notes;
};

// What an image is read for. A DICOM directory's series are chosen by Modality (0008,0060):
// CT for `ct`, PT or NM for `activity`; other series beside it (the CT of a flattened PET/CT
// export, localizers) are left out and named in ImageMetadata::notes, and a DICOM image of
// another modality is refused. Pixel Padding Value (0028,0120) pixels become air (-1000 HU)
// for `ct` and 0 for `activity` (`any`: kept, counted in the notes).
enum class ImageRole { any, ct, activity };

// Reads a 3-D single-component image as float. Throws InputError naming `path` when the
// file/directory does not exist or cannot be read, the format is not supported, or the image
// is not 3-D scalar (a 4-D image whose 4th size is 1 is accepted as 3-D). A directory without
// a series for the role at its top level (a CD export: DICOMDIR and nested folders) is
// searched recursively.
Volume<float> read_image(const std::string& path, ImageMetadata* metadata = nullptr, ImageRole role = ImageRole::any);

// Geometry only (header read, no pixel data): for memory estimates and alignment checks.
Grid read_image_grid(const std::string& path);
// read_image without the child-process rehearsal of DICOM reads (a GDCM abort is an abort of
// this process). For the fuzz harness only (tests/fuzz/fuzz_dicom_image.cpp; tools/fuzz.sh sorts
// the library's crashes).
Volume<float> read_image_in_this_process(const std::string& path);

// Writes a volume; the format follows the extension (NIfTI, MetaImage, NRRD). The write is
// atomic: files are written into a temporary sibling directory and renamed into place, so a
// failure leaves no partial output. Throws InputError for an unsupported extension or an
// unwritable destination.
void write_image(const std::string& path, const Volume<float>& volume);
void write_image(const std::string& path, const Volume<std::uint8_t>& volume);

// True when `path` names a writable image format (checked before a long run).
bool is_writable_image_path(const std::string& path);

// Writes `volume` as a DICOM series (one file per slice, int16 with rescale slope/intercept
// chosen to hold the value range) into directory `dir`, with the given modality ("CT", "NM",
// "PT"). Used by tests and for exchanging synthetic phantoms; geometry is kept exactly
// (Image Position/Orientation Patient, Pixel Spacing, Slice Thickness).
void write_dicom_series(const std::string& dir, const Volume<float>& volume,
                        const std::string& modality);

}  // namespace bd
