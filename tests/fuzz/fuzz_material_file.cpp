// Material definitions (materials/*.material format).
#include "betadose/materials.hh"
#include "fuzz_support.hh"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = bd::fuzz::write_file("in.material", data, size);
  bd::fuzz::expect_reader([&] { bd::load_material_file(path); });
  return 0;
}
