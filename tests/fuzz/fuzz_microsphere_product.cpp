// Microsphere product files (`spheres --product FILE.sphere`).
#include "betadose/microsphere_products.hh"
#include "fuzz_support.hh"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = bd::fuzz::write_file("in.sphere", data, size);
  bd::fuzz::expect_reader([&] { bd::load_microsphere_product_file(path, {}); });
  return 0;
}
