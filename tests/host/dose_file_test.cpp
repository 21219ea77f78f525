#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "betadose/dose_file.hh"
#include "betadose/errors.hh"

namespace fs = std::filesystem;

namespace {

fs::path temp_dir() {
  auto dir = fs::temp_directory_path() / ("betadose_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir;
}

bd::DoseFile small_file() {
  bd::DoseFile f;
  f.grid.size = {4, 3, 2};
  f.grid.spacing_mm = {1.5, 2.0, 2.5};
  f.grid.origin_mm = {-3, 4, 5.5};
  f.grid.direction = {0, 1, 0, 1, 0, 0, 0, 0, -1};
  const auto n = f.grid.voxel_count();
  for (std::size_t i = 0; i < n; ++i) {
    f.dose_gy.push_back(0.5f * static_cast<float>(i));
    f.dose_rel_uncertainty.push_back(0.01f);
    f.density_g_cm3.push_back(1.06f);
    f.material_id.push_back(static_cast<std::uint8_t>(i % 2));
  }
  f.material_names = {"liver", "lung"};
  f.roi["liver"] = std::vector<std::uint8_t>(n, 1);
  f.total_activity_bq = 1.5e9;
  f.histories = 123456789012ull;
  f.seed = 42;
  f.energy_emitted_J = 74.6;
  f.energy_deposited_J = 74.1;
  f.energy_escaped_J = 0.5;
  f.extra["alpha_beta_Gy"] = 10.0;
  return f;
}

}  // namespace

TEST(DoseFile, RoundTripPreservesDataGeometryAndAttributes) {
  const auto path = (temp_dir() / "roundtrip.h5").string();
  const auto f = small_file();
  bd::write_dose_file(path, f);
  EXPECT_FALSE(fs::exists(path + ".tmp-" + std::to_string(::getpid())));
  const auto r = bd::read_dose_file(path);
  EXPECT_TRUE(r.grid.same_geometry(f.grid, 0));
  EXPECT_EQ(r.dose_gy, f.dose_gy);
  EXPECT_EQ(r.dose_rel_uncertainty, f.dose_rel_uncertainty);
  EXPECT_EQ(r.density_g_cm3, f.density_g_cm3);
  EXPECT_EQ(r.material_id, f.material_id);
  EXPECT_EQ(r.material_names, f.material_names);
  ASSERT_EQ(r.roi.count("liver"), 1u);
  EXPECT_EQ(r.roi.at("liver"), f.roi.at("liver"));
  EXPECT_TRUE(r.activity_bq.empty());
  EXPECT_EQ(r.histories, f.histories);
  EXPECT_EQ(r.seed, f.seed);
  EXPECT_DOUBLE_EQ(r.total_activity_bq, f.total_activity_bq);
  EXPECT_DOUBLE_EQ(r.energy_emitted_J, f.energy_emitted_J);
  EXPECT_EQ(r.nuclide, "Y-90");
  ASSERT_EQ(r.extra.count("alpha_beta_Gy"), 1u);
  EXPECT_DOUBLE_EQ(r.extra.at("alpha_beta_Gy"), 10.0);
}

TEST(DoseFile, ReaderRejectsWrongFilesWithTheirName) {
  const auto dir = temp_dir();
  const auto text = (dir / "not_hdf5.h5").string();
  std::ofstream(text) << "hello";
  EXPECT_THROW(
      {
        try {
          bd::read_dose_file(text);
        } catch (const bd::InputError& e) {
          EXPECT_NE(std::string(e.what()).find("not_hdf5.h5"), std::string::npos);
          throw;
        }
      },
      bd::InputError);
  EXPECT_THROW(bd::read_dose_file((dir / "missing.h5").string()), bd::InputError);
}

TEST(DoseFile, FailedWriteLeavesNoPartialFile) {
  const auto path = (temp_dir() / "no_such_dir" / "dose.h5").string();
  EXPECT_THROW(bd::write_dose_file(path, small_file()), bd::InputError);
  EXPECT_FALSE(fs::exists(path));
}

namespace {
std::string reader_error(const std::string& path) {
  try {
    bd::read_dose_file(path);
  } catch (const bd::InputError& e) {
    return e.what();
  }
  return "";
}
int edit(const std::string& args) {
  return std::system(("/usr/bin/python3 " + std::string(BETADOSE_SOURCE_DIR) + "/tests/python/edit_hdf5.py " + args).c_str());
}
}  // namespace

// A dose file changed after betadose wrote it (a dose rescaled, a unit or a nuclide edited with
// h5py) was read as valid by every command: the content digest refuses it, naming the file.
TEST(DoseFile, AFileChangedAfterItWasWrittenIsRefused) {
  const auto dir = temp_dir();
  struct Case {
    const char* name;
    const char* edit;
    const char* needle;
  };
  for (const Case c : {Case{"bumped", "bump dose", "content_sha256"},
                       Case{"activity", "attr / total_activity_bq 3e9", "content_sha256"},
                       Case{"units", "attr / dose_units cGy", "dose_units is 'cGy'"},
                       Case{"nuclide", "attr / nuclide Lu-177", "content_sha256"}}) {
    const auto path = (dir / (std::string(c.name) + ".h5")).string();
    bd::write_dose_file(path, small_file());
    ASSERT_NO_THROW(bd::read_dose_file(path));
    ASSERT_EQ(edit(path + " " + c.edit), 0) << c.name;
    const std::string msg = reader_error(path);
    EXPECT_NE(msg.find(path), std::string::npos) << c.name << ": " << msg;
    EXPECT_NE(msg.find(c.needle), std::string::npos) << c.name << ": " << msg;
  }
}
