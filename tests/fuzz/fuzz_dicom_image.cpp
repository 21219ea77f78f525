// A DICOM image file through betadose's image reader (DCMTK checks, then ITK/GDCM pixels).
#include "betadose/image_io.hh"
#include "fuzz_support.hh"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = bd::fuzz::write_file("in.dcm", data, size);
  bd::fuzz::expect_reader([&] { bd::read_image(path); });
  return 0;
}
