// NIfTI through betadose's image reader (header checks, then ITK): .nii or .nii.gz by the
// first input byte.
#include "betadose/image_io.hh"
#include "fuzz_support.hh"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::string path = bd::fuzz::write_file(data[0] & 1 ? "in.nii.gz" : "in.nii", data + 1, size - 1);
  bd::fuzz::expect_reader([&] { bd::read_image(path); });
  bd::fuzz::expect_reader([&] { bd::read_image_grid(path); });
  return 0;
}
