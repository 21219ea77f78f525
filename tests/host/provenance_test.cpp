// The TG-268 record (include/betadose/provenance.hh): built from the objects a run used,
// stored in the dose file's /provenance group in order, read back unchanged, printed by
// `betadose info dose.h5`.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "betadose/dose_file.hh"
#include "betadose/electron_tables.hh"
#include "betadose/materials.hh"
#include "betadose/nuclide.hh"
#include "betadose/physics_models.hh"
#include "betadose/provenance.hh"
#include "cli_runner.hh"
#include "kernels/transport_params.hh"

namespace fs = std::filesystem;

namespace {

fs::path temp_dir() {
  auto dir = fs::temp_directory_path() / ("betadose_prov_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir;
}

bd::ProvenanceRecord sample_record(const bd::TransportParams& params) {
  bd::RunCaseDescription c;
  c.geometry = "labels test";
  c.activity_image = "spect.nii.gz";
  c.activity_units = "counts";
  c.units_conversion = "counts normalised to --total-activity-gbq";
  c.total_activity_bq = 2e9;
  c.lung_shunt_fraction = 0.05;
  c.lung_shunt_mode = "uniform";
  bd::RunTransportDescription t;
  t.histories = 1000000;
  t.batches = 10;
  t.seed = 7;
  t.transport_wall_time_s = 2.5;
  t.mean_rel_uncertainty = 0.021;
  const auto materials = bd::load_materials();
  return bd::mc_run_provenance(c, bd::load_nuclide("Y-90"), {bd::find_material(materials, "liver")}, params, bd::ElectronTableOptions{}, t,
                               {"uniform_liver: test case"});
}

}  // namespace

TEST(Provenance, RecordsTheParametersTheRunUsed) {
  bd::TransportParams p;
  p.eabs_electron_MeV = 0.0123f;
  p.wcc_MeV = 0.0123f;
  p.range_rejection = false;
  const auto r = sample_record(p);
  const auto* tp = r.find("transport_parameters");
  ASSERT_NE(tp, nullptr);
  EXPECT_NEAR(tp->find("electron_absorption_energy_MeV")->number, 0.0123, 1e-7);
  EXPECT_NEAR(tp->find("moller_production_threshold_Wcc_MeV")->number, 0.0123, 1e-7);
  EXPECT_EQ(r.find("variance_reduction")->find("range_rejection")->text, "off");
  EXPECT_EQ(r.find("random_numbers")->find("seed")->number, 7.0);
  EXPECT_EQ(r.find("statistics")->find("batches")->number, 10.0);
  EXPECT_EQ(r.find("source")->find("lung_shunt_fraction")->number, 0.05);
  EXPECT_NE(r.find("source")->find("nuclide_data")->text.find("ICRP"), std::string::npos);
  // Every physics model the engine declares is in the record, with its reference.
  const auto* phys = r.find("physics");
  ASSERT_NE(phys, nullptr);
  EXPECT_EQ(phys->values.size(), bd::physics_models().size());
  for (const auto& m : bd::physics_models()) {
    const auto* v = phys->find(m.process);
    ASSERT_NE(v, nullptr) << m.process;
    EXPECT_NE(v->text.find(m.reference), std::string::npos);
  }
  EXPECT_STRNE(bd::build_git_commit(), "");
  EXPECT_EQ(r.find("code")->find("git_commit")->text, bd::build_git_commit());
}

TEST(Provenance, DoseFileRoundTripKeepsOrderTextAndNumbers) {
  const auto record = sample_record(bd::TransportParams{});
  bd::DoseFile f;
  f.grid.size = {2, 2, 2};
  f.dose_gy.assign(8, 1.0f);
  f.provenance = record;
  const auto path = (temp_dir() / "prov.h5").string();
  bd::write_dose_file(path, f);
  const auto back = bd::read_dose_file(path).provenance;
  ASSERT_EQ(back.sections.size(), record.sections.size());
  for (std::size_t s = 0; s < record.sections.size(); ++s) {
    const auto& a = record.sections[s];
    const auto& b = back.sections[s];
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.tg268_item, b.tg268_item);
    ASSERT_EQ(a.values.size(), b.values.size()) << a.name;
    for (std::size_t v = 0; v < a.values.size(); ++v) {
      EXPECT_EQ(a.values[v].key, b.values[v].key);
      EXPECT_EQ(a.values[v].numeric, b.values[v].numeric);
      if (a.values[v].numeric)
        EXPECT_EQ(a.values[v].number, b.values[v].number) << a.values[v].key;
      else
        EXPECT_EQ(a.values[v].text, b.values[v].text);
    }
  }
  // `betadose info dose.h5` prints it.
  const auto out = bd::test::run_cli("info " + path);
  EXPECT_EQ(out.exit_code, 0) << out.output;
  EXPECT_NE(out.output.find("TG-268"), std::string::npos);
  EXPECT_NE(out.output.find("[transport_parameters] Transport parameters"), std::string::npos);
  EXPECT_NE(out.output.find("electron_absorption_energy_MeV: 0.01"), std::string::npos);
  EXPECT_NE(out.output.find("range_rejection: on"), std::string::npos);
}

TEST(Provenance, InfoOnAMissingFileIsAnInputError) {
  const auto out = bd::test::run_cli("info /nonexistent/dose.h5");
  EXPECT_EQ(out.exit_code, 2) << out.output;
  EXPECT_NE(out.output.find("/nonexistent/dose.h5"), std::string::npos);
}
