// A DICOM image file through betadose's image reader (DCMTK checks, then ITK/GDCM pixels).
// Fuzzing runs the reader in this process (read_image_in_this_process) in libFuzzer's fork mode;
// tools/fuzz.sh sorts GDCM's crashes (contained when the product's reader, which rehearses DICOM
// reads in a child process, refuses the input). BETADOSE_FUZZ_PRODUCT_READER=1 calls read_image.
#include <cstdlib>

#include "betadose/image_io.hh"
#include "fuzz_support.hh"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool product = std::getenv("BETADOSE_FUZZ_PRODUCT_READER") != nullptr;
  const std::string path = bd::fuzz::write_file("in.dcm", data, size);
  if (product) {
    bd::fuzz::expect_reader([&] { bd::read_image(path); });
  } else {
    bd::fuzz::expect_reader([&] { bd::read_image_in_this_process(path); });
  }
  return 0;
}
