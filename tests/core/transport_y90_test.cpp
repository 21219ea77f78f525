// 90Y validation of the transport engine (issues 4 and 12):
//  - DPK in water, 0.5 mm shells, vs Graves et al., Med Phys 46 (2019) 5284 (reference/
//    dpk_y90_water_graves2019.csv, 0.1 mm shells summed in fives), every shell out to R95 of
//    the reference (95 % of the emitted energy, 6.4 mm): |E_MC − E_G| <= tol·E_G +
//    k sqrt(σ_MC² + σ_G²) with σ_G from the reference's own per-shell uncertainties and tol
//    3 % to 4 mm, 5 % beyond. Why 5 %: published 90Y kernels differ by up to 10–15 % at
//    6–9 mm (code, multiple-scattering model, spectrum); the converged betadose kernel
//    (validation case dpk_y90_water, 4e6 decays) lies 1–4 % below Graves at 4.5–7 mm, and a
//    2 % change of the range moves these shells by 6–12 %, so the band still sees it.
//    X90 (90 % of the emitted energy) within ±1 % of Graves.
//  - VSVs vs Lanconelli et al., PMB 57 (2012) 517 (DOSXYZnrc; reference/vsv_y90_
//    lanconelli2012_all.csv): ICRU soft tissue (1.04 g/cm³) at 3, 4 and 6 mm and ICRU compact
//    bone (1.85 g/cm³) at 2.21 and 4 mm: S(0,0,0) within 2 %, S(1,0,0), S(1,1,0), S(1,1,1)
//    within 5 %, S(2,0,0) within 10 %, each plus k σ_MC.
// Statistics: σ from 20 batches (ν = 19), k = t_{1−α/2}(ν) with α = 1e-3 per comparison
// (include/betadose/statistics.hh): ~45 comparisons give a false-alarm probability of ~4 %
// for a correct engine at a new seed; the seeds here are fixed.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "betadose/kernel_checks.hh"
#include "betadose/nuclide.hh"
#include "betadose/point_kernels.hh"
#include "betadose/statistics.hh"
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

TEST(TransportY90, DpkWaterMatchesGraves2019ToR95) {
  bd::KernelRunOptions opt;
  opt.histories = 400000;
  opt.batches = 20;
  opt.seed = 90;
  bd::EmissionSpec em;  // Y-90
  const auto res = bd::run_dpk(em, "water", 0.5, 12.0, opt);
  std::vector<double> e, s;
  for (const auto& sh : res.shells) {
    e.push_back(sh.energy_per_decay_MeV);
    s.push_back(sh.energy_per_decay_MeV * sh.rel_uncertainty);
  }
  // X90/R95 relative to the ICRP-107 listed mean (the same for both kernels).
  const auto c = bd::check_y90_dpk(e, s, bd::test::reference_path("dpk_y90_water_graves2019.csv"),
                                   bd::load_nuclide("Y-90").listed_mean_beta_energy_MeV,
                                   bd::coverage_factor(opt.batches - 1));
  std::printf("[Y-90 DPK water] emitted %.5f MeV/decay, in 12 mm %.4f, beyond %.4f, escaped %.4f, "
              "X90 = %.3f mm (Graves %.3f), R95(Graves) = %.2f mm, steps/decay %.1f, k = %.2f\n",
              res.emitted_per_decay_MeV, res.deposited_fraction, res.beyond_rmax_fraction,
              res.escaped_fraction, c.x90_mc_mm, c.x90_ref_mm, c.r95_ref_mm, res.steps_per_decay, c.k);
  std::printf("  r_out  E_MC[MeV]  ±σ       E_Graves  ±σ      diff     allowed\n");
  for (const auto& b : c.bins)
    std::printf("  %5.1f  %.5f  %.2f%%  %.5f  %.2f%%  %+6.2f%%  ±%.2f%%%s\n", b.x_hi, b.mc, 100 * b.mc_sigma / b.mc,
                b.ref, 100 * b.ref_sigma / b.ref, 100 * b.difference() / b.ref, 100 * b.allowed / b.ref,
                b.passed ? "" : "  FAIL");
  EXPECT_EQ(c.failures, 0) << "0.5 mm shells to R95 outside the tolerance of Graves 2019";
  EXPECT_NEAR(c.x90_mc_mm / c.x90_ref_mm, 1.0, 0.01) << "X90 vs Graves 2019";
  // Energy balance of the run closes (all deposited in the infinite medium or escaped).
  EXPECT_NEAR(res.balance_per_decay.relative_residual(), 0.0, 1e-6);
}

namespace {

void check_vsv(const char* tissue, double voxel_mm, std::uint64_t histories) {
  std::vector<std::string> header;
  const auto rows = read_csv("vsv_y90_lanconelli2012_all.csv", header);
  char col_name[64];
  std::snprintf(col_name, sizeof col_name, "%s_%gmm", tissue, voxel_mm);
  std::size_t col = 0;
  for (std::size_t c = 0; c < header.size(); ++c)
    if (header[c] == col_name) col = c;
  ASSERT_GT(col, 0u) << col_name;
  std::map<std::string, double> ref;
  for (const auto& r : rows) ref[r[0] + "," + r[1] + "," + r[2]] = std::stod(r[col]);

  bd::KernelRunOptions opt;
  opt.histories = histories;
  opt.batches = 20;
  opt.seed = 4000 + static_cast<std::uint64_t>(voxel_mm * 100);
  bd::EmissionSpec em;
  // Lanconelli 2012 used EGSnrc's ICRU soft tissue at 1.04 g/cm³ (the four-component ICRU
  // composition; the same density is assumed by src/kernel_methods/point_kernel.cpp; at the
  // nominal 1.00 g/cm³ of materials/soft-tissue-icru4.material the far voxels come out 8-35 %
  // high) and ICRU compact bone at 1.85 g/cm³ (materials/bone-compact-icru.material).
  const bool bone = std::string(tissue) == "bone";
  const auto res = bone ? bd::run_vsv(em, "bone-compact-icru", voxel_mm, 3, opt)
                        : bd::run_vsv(em, "soft-tissue-icru4", voxel_mm, 3, opt, 1.04);
  const double k = bd::coverage_factor(opt.batches - 1);
  struct Case {
    int i, j, k;
    double tol;
  };
  const Case cases[] = {{0, 0, 0, 0.02}, {1, 0, 0, 0.05}, {1, 1, 0, 0.05}, {1, 1, 1, 0.05}, {2, 0, 0, 0.10}};
  std::printf("[Y-90 VSV %s %g mm] steps/decay %.1f, %.0f decays/s\n", tissue, voxel_mm,
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
    EXPECT_LE(std::abs(diff), c.tol + k * unc) << tissue << " S(" << c.i << "," << c.j << "," << c.k << ") at " << voxel_mm << " mm";
  }
}

}  // namespace

TEST(TransportY90, VsvSoftTissue3mmMatchesLanconelli2012) { check_vsv("soft", 3.0, 200000); }
TEST(TransportY90, VsvSoftTissue4mmMatchesLanconelli2012) { check_vsv("soft", 4.0, 200000); }
TEST(TransportY90, VsvSoftTissue6mmMatchesLanconelli2012) { check_vsv("soft", 6.0, 200000); }
TEST(TransportY90, VsvBone2p21mmMatchesLanconelli2012) { check_vsv("bone", 2.21, 200000); }
TEST(TransportY90, VsvBone4mmMatchesLanconelli2012) { check_vsv("bone", 4.0, 200000); }
