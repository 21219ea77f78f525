// Kernel CSVs of `kernel --dpk-file/--vsv-file` (betadose dpk/vsv and Graves formats).
#include "betadose/kernel_methods.hh"
#include "fuzz_support.hh"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = bd::fuzz::write_file("in.csv", data, size);
  bd::fuzz::expect_reader([&] { bd::read_point_kernel_csv(path); });
  bd::fuzz::expect_reader([&] { bd::read_kernel_csv_medium(path); });
  bd::fuzz::expect_reader([&] { bd::read_vsv_csv(path, 4.0, "soft-tissue", 1.04); });
  return 0;
}
