// Nuclide files (materials/nuclides format).
#include "betadose/nuclide.hh"
#include "fuzz_support.hh"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = bd::fuzz::write_file("in.nuclide", data, size);
  bd::fuzz::expect_reader([&] { bd::load_nuclide_file(path); });
  return 0;
}
