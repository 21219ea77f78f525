// DICOM headers read with DCMTK: the series check (pixel data length, geometry) and the PET
// quantitation attributes.
#include "betadose/dicom_header.hh"
#include "fuzz_support.hh"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = bd::fuzz::write_file("in.dcm", data, size);
  bd::fuzz::expect_reader([&] { bd::check_dicom_series({path, path}, "series"); });
  bd::fuzz::expect_reader([&] { bd::read_pet_header({path}); });
  return 0;
}
