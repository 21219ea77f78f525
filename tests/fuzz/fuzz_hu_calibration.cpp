// HU calibration CSVs: the input as --hu-density, then as --hu-materials (the other file the
// shipped default).
#include "betadose/hu_calibration.hh"
#include "fuzz_support.hh"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = bd::fuzz::write_file("in.csv", data, size);
  bd::fuzz::expect_reader([&] { bd::load_hu_calibration(path, ""); });
  bd::fuzz::expect_reader([&] { bd::load_hu_calibration("", path); });
  return 0;
}
