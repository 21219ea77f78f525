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

}  // namespace bd
