// DICOM attributes for the quantitation of activity images (implementation:
// src/io/dicom_header.cpp, DCMTK): what activity_calibration.hh needs, including the
// Radiopharmaceutical Information Sequence (0054,0016) that ITK's GDCM reader does not expose.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "betadose/activity_calibration.hh"

class DcmDataset;  // DCMTK

namespace bd {

// `files`: the series in slice order (ImageMetadata::files). Only the first file is read in
// full; the acquisition date/time is read from every file. InputError naming the file when a
// file cannot be read as DICOM.
PetHeader read_pet_header(const std::vector<std::string>& files);

// Most files and folders walked below a DICOM folder searched recursively (a CD export): the
// image reader, the RT Dose reference and the read's time limit use the same bound.
inline constexpr std::size_t kMaxDicomFolderEntries = 200000;

// What choosing a series of a directory for a role needs, from one file's header.
struct DicomSeriesIdentity {
  std::string modality;            // (0008,0060)
  std::string image_type;          // (0008,0008), values joined by '\'
  std::string series_description;  // (0008,103E)
  std::string study_uid;           // (0020,000D)
  long frames = 1;                 // Number of Frames (0028,0008): the slices of a multi-frame file
  bool localizer = false;          // Image Type value 3 holds LOCALIZER (a CT scout: a projection)
  bool nm_no_volume = false;       // NM Image Type value 3 TOMO, STATIC, ...: projections or planar
};

// Checks a series (or one file) before its pixels are read (issue 11; ITK/GDCM read a cut
// file or a series with a missing slice without a word): every file parses as DICOM to its
// end, its Pixel Data (7FE0,0010) holds Rows x Columns x BitsAllocated/8 x SamplesPerPixel x
// NumberOfFrames bytes (native transfer syntaxes), Image Orientation (Patient) is the same
// on every slice, the Image Positions step evenly along the slice normal and not within the
// slice plane (a gantry-tilted, sheared series is refused; a missing,
// duplicated or out-of-order slice is refused). InputError naming the file and the tag.
struct DicomSeriesCheck {
  // Empty, or why the pixel data are not the modality's own values (the first file that says
  // so): Lossy Image Compression (0028,2110) = 01, with its ratio (0028,2112) and method
  // (0028,2114) when given, or a transfer syntax that is lossy by definition (the JPEG lossy
  // processes, JPEG-LS near-lossless, MPEG/HEVC video, JPEG XL lossy; PS3.5 Annex A). JPEG
  // 2000 (.4.91) and HTJ2K may be either: there the attribute decides, as PS3.3 C.7.6.1.1.5
  // requires it for lossy data.
  std::string lossy_compression;
  // The files to read, in slice order: `files` less later copies of a SOP Instance UID whose
  // data sets equal the first file's (a CD export or a re-sent series holds some files twice).
  // Two files with one SOP Instance UID and different contents are refused, naming both.
  std::vector<std::string> files;
  std::vector<std::string> notes;  // what was dropped, for the image line
  // Pixel Padding Value (0028,0120) [and Pixel Padding Range Limit (0028,0121)]: stored
  // values that mark pixels outside the reconstructed field (PS3.3 C.7.5.1.1.2), which the
  // reader turns into numbers like any other (padding 63536 = 62512 HU after the rescale).
  // One entry per file of `files` (per frame group of a multi-frame file: one entry), with
  // the Rescale Slope/Intercept that map stored values to the reader's; empty when no file
  // declares padding.
  struct Padding {
    bool present = false;
    double stored_low = 0, stored_high = 0;  // inclusive range of stored values
    double slope = 1, intercept = 0;         // modality LUT of that file (0028,1053), (0028,1052)
  };
  std::vector<Padding> padding;
  // Real World Value Mapping (0040,9096) of an NM image (PS3.3 C.7.6.16.2.11): what its stored
  // values mean, value = stored x slope + intercept in the mapping's units. NM has no Rescale
  // Slope of its own, so workstations (Hermes, quantitative SPECT) scale integer pixels this
  // way, and the reader (GDCM) does not apply it: the pixels of such a file are 16-bit
  // numbers, not counts or Bq/ml. Items in an activity concentration (UCUM Bq/ml, kBq/ml,
  // MBq/ml) are taken first, then counts; others (SUV) are left out, noted. PET images keep
  // their Units (0054,1001) and rescale. One entry per file (empty when no file has one).
  struct RealWorldMapping {
    bool present = false;
    double slope = 1, intercept = 0;  // to `units` (an activity concentration scaled to Bq/ml)
    double lut_slope = 1, lut_intercept = 0;  // the modality LUT the reader applied, (0028,1053/1052)
    std::string units;  // "Bq/ml" or "counts"
    std::string what;   // the item as the file writes it (slope, intercept, code), for the note
  };
  std::vector<RealWorldMapping> real_world;
  DicomSeriesIdentity identity;  // of the first file
};
DicomSeriesCheck check_dicom_series(const std::vector<std::string>& files, const std::string& what);

DicomSeriesIdentity read_series_identity(const std::string& file);
DicomSeriesIdentity series_identity_of(DcmDataset* header);  // a header DCMTK has loaded

}  // namespace bd
