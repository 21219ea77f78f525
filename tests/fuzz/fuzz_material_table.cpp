// --material-table CSVs (label,material,density_g_cm3); material names are looked up in a
// three-material library (fuzz_support.hh: small_material_dir).
#include "betadose/phantom_builder.hh"
#include "fuzz_support.hh"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = bd::fuzz::write_file("in.csv", data, size);
  bd::fuzz::expect_reader([&] { bd::read_material_table(path, bd::fuzz::small_material_dir()); });
  return 0;
}
