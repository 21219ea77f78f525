// --material-table CSVs (label,material,density_g_cm3).
#include "betadose/phantom_builder.hh"
#include "fuzz_support.hh"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = bd::fuzz::write_file("in.csv", data, size);
  bd::fuzz::expect_reader([&] { bd::read_material_table(path); });
  return 0;
}
