// 90Y validation of the transport engine (issue 4 §6):
//  - DPK in water, 0.5 mm shells, vs Graves et al., Med Phys 46 (2019) 5284 (reference/
//    dpk_y90_water_graves2019.csv, 0.1 mm shells summed in fives): within 3 % + 3σ up to 4 mm;
//    beyond 4 mm the comparison and X90 are printed, not asserted (published 90Y kernels differ
//    by 10-15 % there: code, multiple-scattering model, spectrum).
//  - VSVs in ICRU soft tissue (1.04 g/cm³), 3, 4 and 6 mm voxels, vs Lanconelli et al., PMB 57 (2012) 517
//    (DOSXYZnrc; reference/vsv_y90_lanconelli2012_all.csv): S(0,0,0) within 2 %, S(1,0,0),
//    S(1,1,0), S(1,1,1) within 5 %, S(2,0,0) within 10 %, each plus 3σ_MC.
// Statistical argument: every comparison allows 3σ_MC on top of the systematic tolerance, so
// a correct engine fails one of the ~30 comparisons with probability < 30 · 0.0027 ≈ 8 % only
// if σ_MC were comparable to the tolerance; at the history counts below σ_MC is < 1/5 of each
// tolerance (printed), which makes that probability negligible.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "betadose/point_kernels.hh"
#include "support/paths.hh"

namespace {

std::vector<std::vector<std::string>> read_csv(const std::string& file, std::vector<std::string>& header) {
  std::ifstream in(bd::test::reference_path(file));
  EXPECT_TRUE(in.good()) << file;
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string c;
    while (std::getline(ss, c, ',')) cols.push_back(c);
    if (header.empty()) {
      header = cols;
    } else {
      rows.push_back(cols);
    }
  }
  return rows;
}

}  // namespace

TEST(TransportY90, DpkWaterMatchesGraves2019To4mm) {
  std::vector<std::string> header;
  const auto rows = read_csv("dpk_y90_water_graves2019.csv", header);
  // Graves 0.1 mm shells -> 0.5 mm shells (energy per emission summed).
  std::vector<double> ref(24, 0.0);
  for (const auto& r : rows) {
    const double r_out_mm = std::stod(r[0]) * 10.0;
    const int fine = static_cast<int>(std::lround(r_out_mm / 0.1)) - 1;  // 0-based 0.1 mm shell
    if (fine >= 0 && fine < 120) ref[static_cast<std::size_t>(fine / 5)] += std::stod(r[1]);
  }
  bd::KernelRunOptions opt;
  opt.histories = 200000;
  opt.seed = 90;
  bd::EmissionSpec em;  // Y-90
  const auto res = bd::run_dpk(em, "water", 0.5, 12.0, opt);
  std::printf("[Y-90 DPK water] emitted %.5f MeV/decay, in 12 mm %.4f, beyond %.4f, escaped %.4f, "
              "X90 = %.3f mm, steps/decay %.1f\n",
              res.emitted_per_decay_MeV, res.deposited_fraction, res.beyond_rmax_fraction,
              res.escaped_fraction, res.x90_mm, res.steps_per_decay);
  std::printf("  r_out  E_MC[MeV]  ±σ       E_Graves  diff\n");
  int failures = 0;
  for (std::size_t i = 0; i < res.shells.size(); ++i) {
    const auto& s = res.shells[i];
    const double diff = s.energy_per_decay_MeV / ref[i] - 1.0;
    std::printf("  %5.1f  %.5f  %.2f%%  %.5f  %+6.2f%%%s\n", s.r_outer_mm, s.energy_per_decay_MeV,
                100 * s.rel_uncertainty, ref[i], 100 * diff, s.r_outer_mm <= 4.0 ? "" : "  (reported)");
    if (s.r_outer_mm <= 4.0 + 1e-9 && std::abs(diff) > 0.03 + 3 * s.rel_uncertainty) ++failures;
  }
  EXPECT_EQ(failures, 0) << "0.5 mm shells up to 4 mm outside 3 % + 3 sigma of Graves 2019";
  // Energy balance of the run closes (all deposited in the infinite medium or escaped).
  const auto& b = res.balance_per_decay;
  EXPECT_NEAR(b.relative_residual(), 0.0, 1e-6);
}

namespace {

void check_vsv(double voxel_mm, std::uint64_t histories) {
  std::vector<std::string> header;
  const auto rows = read_csv("vsv_y90_lanconelli2012_all.csv", header);
  char col_name[64];
  std::snprintf(col_name, sizeof col_name, "soft_%gmm", voxel_mm);
  std::size_t col = 0;
  for (std::size_t c = 0; c < header.size(); ++c)
    if (header[c] == col_name) col = c;
  ASSERT_GT(col, 0u) << col_name;
  std::map<std::string, double> ref;
  for (const auto& r : rows) ref[r[0] + "," + r[1] + "," + r[2]] = std::stod(r[col]);

  bd::KernelRunOptions opt;
  opt.histories = histories;
  opt.seed = 4000 + static_cast<std::uint64_t>(voxel_mm * 10);
  bd::EmissionSpec em;
  // Lanconelli 2012 used EGSnrc's ICRU soft tissue at 1.04 g/cm³ (the four-component ICRU
  // composition; the same density is assumed by src/kernel_methods/point_kernel.cpp). At the
  // nominal 1.00 g/cm³ of materials/soft-tissue-icru4.material the far voxels come out 8-35 %
  // high (longer ranges), at 1.04 g/cm³ all agree within 4 %.
  const auto res = bd::run_vsv(em, "soft-tissue-icru4", voxel_mm, 3, opt, 1.04);
  struct Case {
    int i, j, k;
    double tol;
  };
  const Case cases[] = {{0, 0, 0, 0.02}, {1, 0, 0, 0.05}, {1, 1, 0, 0.05}, {1, 1, 1, 0.05}, {2, 0, 0, 0.10}};
  std::printf("[Y-90 VSV soft tissue %g mm] steps/decay %.1f, %.0f decays/s\n", voxel_mm,
              res.steps_per_decay, res.histories / res.wall_time_s);
  for (const auto& c : cases) {
    double s = -1, unc = 0;
    for (const auto& e : res.entries)
      if (e.i == c.i && e.j == c.j && e.k == c.k) {
        s = e.s_mGy_per_MBq_s;
        unc = e.rel_uncertainty;
      }
    const double r = ref[std::to_string(c.i) + "," + std::to_string(c.j) + "," + std::to_string(c.k)];
    const double diff = s / r - 1.0;
    std::printf("  S(%d,%d,%d) = %.4e ± %.2f%%  Lanconelli %.4e  diff %+6.2f%% (tol %.0f%%)\n", c.i,
                c.j, c.k, s, 100 * unc, r, 100 * diff, 100 * c.tol);
    EXPECT_LE(std::abs(diff), c.tol + 3 * unc) << "S(" << c.i << "," << c.j << "," << c.k << ") at " << voxel_mm << " mm";
  }
}

}  // namespace

TEST(TransportY90, VsvSoftTissue3mmMatchesLanconelli2012) { check_vsv(3.0, 200000); }
TEST(TransportY90, VsvSoftTissue4mmMatchesLanconelli2012) { check_vsv(4.0, 200000); }
TEST(TransportY90, VsvSoftTissue6mmMatchesLanconelli2012) { check_vsv(6.0, 200000); }
