// DICOM attributes for the quantitation of activity images (implementation:
// src/io/dicom_header.cpp, DCMTK): what activity_calibration.hh needs, including the
// Radiopharmaceutical Information Sequence (0054,0016) that ITK's GDCM reader does not expose.
#pragma once

#include <string>
#include <vector>

#include "betadose/activity_calibration.hh"

namespace bd {

// `files`: the series in slice order (ImageMetadata::files). Only the first file is read in
// full; the acquisition date/time is read from every file. InputError naming the file when a
// file cannot be read as DICOM.
PetHeader read_pet_header(const std::vector<std::string>& files);

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
};
DicomSeriesCheck check_dicom_series(const std::vector<std::string>& files, const std::string& what);

}  // namespace bd
