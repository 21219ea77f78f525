// Validation of the electron transport with monoenergetic point-source kernels in water
// (issue 4 §6): scaled kernels F(r/r0) = d(E/E0)/d(r/r0), r0 = ESTAR CSDA range of E0, vs
// EGSnrc EDKnrc (0.1 and 1 MeV; Mainegra-Hing, Rogers & Kawrakow, Med Phys 32 (2005) 685) and
// ETRAN (0.5 MeV, the EGSnrc set has no 0.5 MeV kernel; Berger/Seltzer as quoted by Ferrer
// et al. 2007). All three reference files: shared/reference/dpk_mono_electrons_water_egsnrc_etran.csv.
//
// Criteria (issue 12): |F_MC − F_ref| <= 1.5 % of the reference peak + k σ_MC in every 0.05 bin
// with 0 <= r/r0 <= 1.1 against EGSnrc (0.1, 1 MeV); against ETRAN (0.5 MeV) 5 % of the peak,
// the spread of the two references themselves (ETRAN − EGSnrc reaches −6.6 % of the peak at
// 0.825 r0 for 0.1 MeV and −4.6 % for 1 MeV, same file); the peak position and the r/r0
// holding 90 % of E0 within 3 %. k = t_{1−α/2}(ν) with ν = 19 (20 batches) and α = 1e-3 per
// bin (include/betadose/statistics.hh). The converged comparison (4e6 electrons, σ_MC about
// 0.06 % of the peak) is the validation case edk_mono_*.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "betadose/kernel_checks.hh"
#include "betadose/point_kernels.hh"
#include "betadose/statistics.hh"
#include "support/paths.hh"

namespace {

// Peak position from a parabola through the maximum bin and its neighbours.
double peak_position(const std::vector<double>& x, const std::vector<double>& f) {
  const auto it = std::max_element(f.begin(), f.end());
  std::size_t i = static_cast<std::size_t>(it - f.begin());
  i = std::clamp<std::size_t>(i, 1, f.size() - 2);
  const double a = f[i - 1], b = f[i], c = f[i + 1];
  const double denom = a - 2 * b + c;
  const double h = x[i + 1] - x[i];
  const double shift = denom != 0 ? 0.5 * (a - c) / denom : 0.0;
  return x[i] + std::clamp(shift, -0.5, 0.5) * h;
}

// r/r0 where the cumulative energy fraction (F integrated over bins of width h) reaches 0.9.
double x90(const std::vector<double>& f, double h) {
  double cum = 0;
  for (std::size_t i = 0; i < f.size(); ++i) {
    const double frac = f[i] * h;
    if (cum + frac >= 0.9) return h * (i + (0.9 - cum) / frac);
    cum += frac;
  }
  return -1;
}

struct MonoCase {
  double e0;
  const char* code;      // reference
  std::uint64_t histories;
  double tolerance;      // of the reference peak
};

void check_mono(const MonoCase& mc) {
  const double r0_mm = bd::estar_water_csda_range(bd::test::reference_path("estar_water_air_nist.csv"), mc.e0) * 10.0;
  const double h = 0.05;  // MC bins in r/r0
  const int nbins = 24;   // to 1.2 r0
  bd::KernelRunOptions opt;
  opt.histories = mc.histories;
  opt.batches = 20;
  opt.seed = 20260001 + static_cast<std::uint64_t>(mc.e0 * 1000);
  bd::EmissionSpec em;
  em.electron_MeV = mc.e0;
  const auto r = bd::run_dpk(em, "water", h * r0_mm, nbins * h * r0_mm, opt);
  std::vector<double> F(nbins), sF(nbins), xc(nbins);
  for (int i = 0; i < nbins; ++i) {
    F[i] = r.shells[i].energy_per_decay_MeV / mc.e0 / h;
    sF[i] = F[i] * r.shells[i].rel_uncertainty;
    xc[i] = (i + 0.5) * h;
  }
  const auto c = bd::check_mono_kernel(F, sF, bd::test::reference_path("dpk_mono_electrons_water_egsnrc_etran.csv"),
                                       mc.code, mc.e0, mc.tolerance, 1.1, bd::coverage_factor(opt.batches - 1));
  std::printf("[mono %g MeV vs %s] r0 = %.4g mm, steps/electron = %.1f, deposited in 1.2 r0 = %.4f, k = %.2f\n"
              "  x     F_MC    ±σ     F_ref   diff/peak  allowed/peak\n",
              mc.e0, mc.code, r0_mm, r.steps_per_decay, r.deposited_fraction, c.k);
  std::vector<double> Fref;
  for (const auto& b : c.bins) {
    std::printf("  %.3f %.4f %.4f %.4f %+.4f    %.4f%s\n", 0.5 * (b.x_lo + b.x_hi), b.mc, b.mc_sigma, b.ref,
                b.difference() / c.scale, b.allowed / c.scale, b.passed ? "" : "  FAIL");
    Fref.push_back(b.ref);
  }
  EXPECT_EQ(c.failures, 0) << "bins outside " << 100 * mc.tolerance << " % of the peak + k sigma";
  const std::vector<double> xcut(xc.begin(), xc.begin() + static_cast<long>(Fref.size()));
  const std::vector<double> fcut(F.begin(), F.begin() + static_cast<long>(Fref.size()));
  const double peak_mc = peak_position(xcut, fcut), peak_rf = peak_position(xcut, Fref);
  const double x90_mc = x90(F, h), x90_rf = x90(Fref, h);
  std::printf("  peak r/r0: MC %.4f ref %.4f; x90: MC %.4f ref %.4f\n", peak_mc, peak_rf, x90_mc, x90_rf);
  EXPECT_NEAR(peak_mc, peak_rf, 0.03 * peak_rf);
  EXPECT_NEAR(x90_mc, x90_rf, 0.03 * x90_rf);
}

}  // namespace

TEST(TransportMonoKernel, Water1MeVMatchesEgsnrc) { check_mono({1.0, "EGSnrc", 200000, 0.015}); }
TEST(TransportMonoKernel, Water0p5MeVMatchesEtran) { check_mono({0.5, "ETRAN", 200000, 0.05}); }
TEST(TransportMonoKernel, Water0p1MeVMatchesEgsnrc) { check_mono({0.1, "EGSnrc", 200000, 0.015}); }
