// CT calibration: the default Schneider 2000 curves against the reference tables, and errors.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "betadose/elements.hh"
#include "betadose/errors.hh"
#include "betadose/hu_calibration.hh"
#include "betadose/materials.hh"
#include "tests/support/paths.hh"

namespace {

namespace fs = std::filesystem;

std::vector<std::vector<std::string>> read_reference(const std::string& file) {
  std::ifstream in(bd::test::reference_path(file));
  EXPECT_TRUE(in) << file;
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cells;
    std::stringstream ss(line);
    for (std::string c; std::getline(ss, c, ',');) cells.push_back(c);
    rows.push_back(cells);
  }
  rows.erase(rows.begin());  // header
  return rows;
}

TEST(HuCalibration, DensityNodesAndMidpointsReproduceSchneider2000) {
  const auto cal = bd::load_hu_calibration();
  const auto ref = read_reference("hu_density_schneider2000.csv");
  ASSERT_EQ(cal.node_hu().size(), ref.size());
  for (std::size_t i = 0; i < ref.size(); ++i) {
    const double hu = std::stod(ref[i][0]), rho = std::stod(ref[i][1]);
    EXPECT_DOUBLE_EQ(cal.density_g_cm3(hu), rho) << "node HU " << hu;
    if (i + 1 < ref.size()) {
      const double hu1 = std::stod(ref[i + 1][0]), rho1 = std::stod(ref[i + 1][1]);
      EXPECT_NEAR(cal.density_g_cm3(0.5 * (hu + hu1)), 0.5 * (rho + rho1), 1e-12);
    }
  }
  // Water-like HU 0 between the (-97, 0.930486) and (14, 1.03) nodes.
  EXPECT_NEAR(cal.density_g_cm3(0), 0.930486 + (1.03 - 0.930486) * 97.0 / 111.0, 1e-12);
  // Below the first node: air density; above the last: the last segment extended.
  EXPECT_DOUBLE_EQ(cal.density_g_cm3(-1100), 1.21e-3);
  EXPECT_NEAR(cal.density_g_cm3(4000), 2.8 + (2.8 - 1.9642) * 1000.0 / 1400.0, 1e-12);
  EXPECT_TRUE(bd::HuCalibration::hu_in_range(-1100));
  EXPECT_TRUE(bd::HuCalibration::hu_in_range(4000));
  EXPECT_FALSE(bd::HuCalibration::hu_in_range(-1100.5));
  EXPECT_FALSE(bd::HuCalibration::hu_in_range(4001));
}

// Each reference composition bin maps (just above its lower HU) to a material file whose
// elemental composition is the reference row (mass %, renormalised).
TEST(HuCalibration, MaterialBinsCarrySchneider2000Compositions) {
  const auto cal = bd::load_hu_calibration();
  const auto mats = bd::load_materials();
  const std::vector<std::string> symbols = {"H",  "C",  "N", "O",  "Na", "Mg", "P",  "S", "Cl",
                                            "Ar", "K",  "Ca", "Ti", "Cu", "Zn", "Ag", "Sn"};
  const auto ref = read_reference("hu_materials_schneider2000.csv");
  for (std::size_t r = 0; r + 1 < ref.size(); ++r) {  // the last row only closes the table
    const double hu = std::stod(ref[r][0]) + 0.5;
    const auto& name = cal.material_names().at(cal.material_index(hu));
    SCOPED_TRACE(ref[r].back() + " -> " + name);
    const auto m = bd::find_material(mats, name);
    std::map<int, double> want;
    double sum = 0;
    for (std::size_t k = 0; k < symbols.size(); ++k) {
      const double w = std::stod(ref[r][k + 1]);
      if (w > 0) want[bd::element_Z(symbols[k])] = w;
      sum += w;
    }
    ASSERT_EQ(m.elements.size(), want.size());
    for (const auto& e : m.elements) EXPECT_NEAR(e.mass_fraction, want.at(e.Z) / sum, 1e-9);
  }
  // Bin edges: lower bound inclusive, upper exclusive; clamped outside the bins.
  const auto idx = [&](double hu) { return cal.material_names()[cal.material_index(hu)]; };
  EXPECT_EQ(idx(-950), "schneider-lung");
  EXPECT_EQ(idx(-950.001), "schneider-air");
  EXPECT_EQ(idx(-5000), "schneider-air");
  EXPECT_EQ(idx(0), "schneider-at-ag-si4");
  EXPECT_EQ(idx(40), "schneider-soft-tissue");
  EXPECT_EQ(idx(3500), "schneider-metal-implant");
  EXPECT_EQ(idx(1e6), "schneider-metal-implant");
  EXPECT_EQ(cal.material_names().size(), cal.bins().size());  // all bins distinct here
}

class HuCalibrationErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / "betadose_hu_calibration_test";
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    write("d.csv", "# ok\nHU,density_g_cm3\n-1000,0.0012\n0,1.0\n3000,2.8\n");
    write("m.csv", "HU_lower,HU_upper,material\n-1100,-500,air\n-500,4000,water\n");
  }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  std::string p(const std::string& name) const { return (dir_ / name).string(); }
  void expect_error(const std::string& fragment) {
    try {
      bd::load_hu_calibration(p("d.csv"), p("m.csv"));
      ADD_FAILURE() << "no InputError";
    } catch (const bd::InputError& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
  }
  fs::path dir_;
};

TEST_F(HuCalibrationErrors, UserFilesLoadAndBadOnesNameFileAndLine) {
  const auto cal = bd::load_hu_calibration(p("d.csv"), p("m.csv"));
  EXPECT_DOUBLE_EQ(cal.density_g_cm3(-500), 0.0012 + 0.9988 * 0.5);
  EXPECT_EQ(cal.material_names()[cal.material_index(-600)], "air");
  EXPECT_EQ(cal.material_names()[cal.material_index(0)], "water");

  write("d.csv", "HU,density_g_cm3\n-1000,0.0012\n0,1.0\n0,1.1\n");
  expect_error("d.csv:4: HU nodes must be strictly increasing");
  write("d.csv", "HU,density_g_cm3\n-1000,0.0012\n500,1.0\n100,1.1\n");
  expect_error("d.csv:4: HU nodes must be strictly increasing");
  write("d.csv", "HU,density_g_cm3\n-1000,0\n0,1\n");
  expect_error("d.csv:2: density must be > 0");
  write("d.csv", "HU,rho\n-1000,0.1\n0,1\n");
  expect_error("d.csv:1: expected the header");
  write("d.csv", "HU,density_g_cm3\n-1000,abc\n0,1\n");
  expect_error("d.csv:2: density_g_cm3 must be a number");
  write("d.csv", "HU,density_g_cm3\n-1000,0.1\n0,1\n");

  write("m.csv", "HU_lower,HU_upper,material\n-1100,-500,air\n-400,4000,water\n");
  expect_error("m.csv:3: gap between HU -500 and -400");
  write("m.csv", "HU_lower,HU_upper,material\n-1100,-500,air\n-600,4000,water\n");
  expect_error("m.csv:3: bin starting at HU -600 overlaps");
  write("m.csv", "HU_lower,HU_upper,material\n-1100,-500,air\n-500,4000,kryptonite\n");
  expect_error("m.csv:3: unknown material 'kryptonite'");
  write("m.csv", "HU_lower,HU_upper,material\n-1100,-1200,air\n");
  expect_error("m.csv:2: HU_upper (-1200) must exceed HU_lower");
  write("m.csv", "HU_lower,HU_upper,material\n-1100,-500\n");
  expect_error("m.csv:2: expected 3 columns");
}

}  // namespace
