// HU calibration CSVs: the input as --hu-density, then as --hu-materials, each beside a small
// valid file of the other kind; material names are looked up in a three-material library
// (fuzz_support.hh: small_material_dir).
#include "betadose/hu_calibration.hh"
#include "fuzz_support.hh"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string density = [] {
    const char text[] = "HU,density_g_cm3\n-1000,0.00121\n0,1.0\n3000,2.9\n";
    return bd::fuzz::write_file("density.csv", reinterpret_cast<const std::uint8_t*>(text), sizeof text - 1);
  }();
  static const std::string materials = [] {
    const char text[] = "HU_lower,HU_upper,material\n-1100,-200,lung\n-200,300,water\n300,3100,cortical-bone\n";
    return bd::fuzz::write_file("materials.csv", reinterpret_cast<const std::uint8_t*>(text), sizeof text - 1);
  }();
  const std::string path = bd::fuzz::write_file("in.csv", data, size);
  const std::string& lib = bd::fuzz::small_material_dir();
  bd::fuzz::expect_reader([&] { bd::load_hu_calibration(path, materials, lib); });
  bd::fuzz::expect_reader([&] { bd::load_hu_calibration(density, path, lib); });
  return 0;
}
