// betadose HDF5 dose files (read_dose_file).
#include "betadose/dose_file.hh"
#include "fuzz_support.hh"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = bd::fuzz::write_file("in.h5", data, size);
  bd::fuzz::expect_reader([&] { bd::read_dose_file(path); });
  return 0;
}
