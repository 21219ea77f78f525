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
#include <cstdlib>
#include <cmath>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "betadose/point_kernels.hh"
#include "betadose/statistics.hh"
#include "support/paths.hh"

namespace {

struct Curve {
  std::vector<double> x, f;
};

Curve read_mono_reference(const std::string& code, double e0) {
  std::ifstream in(bd::test::reference_path("dpk_mono_electrons_water_egsnrc_etran.csv"));
  EXPECT_TRUE(in.good());
  Curve c;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line.rfind("code", 0) == 0) continue;
    std::stringstream ss(line);
    std::string name, e, x, f;
    std::getline(ss, name, ',');
    std::getline(ss, e, ',');
    std::getline(ss, x, ',');
    std::getline(ss, f, ',');
    if (name == code && std::abs(std::stod(e) - e0) < 1e-9) {
      c.x.push_back(std::stod(x));
      c.f.push_back(std::stod(f));
    }
  }
  return c;
}

// ESTAR CSDA range of water [g/cm²] at T (exact grid energy).
double estar_csda_range(double T) {
  std::ifstream in(bd::test::reference_path("estar_water_air_nist.csv"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("water_liquid,", 0) != 0) continue;
    std::stringstream ss(line);
    std::string cell;
    std::vector<std::string> cols;
    while (std::getline(ss, cell, ',')) cols.push_back(cell);
    if (std::abs(std::stod(cols[1]) - T) < 1e-9) return std::stod(cols[5]);
  }
  ADD_FAILURE() << "no ESTAR row for " << T << " MeV";
  return 0;
}

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

// r/r0 where the cumulative energy fraction (F integrated over bins of width h starting at 0)
// reaches 0.9.
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
  double bin;            // r/r0 bin width of the reference (EGSnrc: 0.05 bins; ETRAN points)
  std::uint64_t histories;
  double tolerance;      // of the reference peak
};

void check_mono_kernel(const MonoCase& mc) {
  const Curve ref = read_mono_reference(mc.code, mc.e0);
  ASSERT_GT(ref.x.size(), 20u);
  const double r0_mm = estar_csda_range(mc.e0) * 10.0;  // water, 1 g/cm³
  const double h = 0.05;                                // MC bins in r/r0
  const int nbins = 24;                                 // to 1.2 r0
  bd::KernelRunOptions opt;
  opt.histories = mc.histories;
  opt.batches = 20;
  opt.seed = 20260001 + static_cast<std::uint64_t>(mc.e0 * 1000);
  bd::EmissionSpec em;
  em.electron_MeV = mc.e0;
  const auto r = bd::run_dpk(em, "water", h * r0_mm, nbins * h * r0_mm, opt);
  std::vector<double> F(nbins), sF(nbins), xc(nbins), Fref(nbins);
  for (int i = 0; i < nbins; ++i) {
    F[i] = r.shells[i].energy_per_decay_MeV / mc.e0 / h;
    sF[i] = F[i] * r.shells[i].rel_uncertainty;
    xc[i] = (i + 0.5) * h;
    if (std::string(mc.code) == "EGSnrc") {
      Fref[i] = ref.f[static_cast<std::size_t>(i)];  // EGSnrc rows are the same 0.05 bins
    } else {
      // ETRAN points every 0.025: bin average by Simpson's rule over the 0.05 bin.
      auto at = [&](double x) {
        for (std::size_t k = 0; k + 1 < ref.x.size(); ++k)
          if (x >= ref.x[k] - 1e-9 && x <= ref.x[k + 1] + 1e-9)
            return ref.f[k] + (x - ref.x[k]) / (ref.x[k + 1] - ref.x[k]) * (ref.f[k + 1] - ref.f[k]);
        return 0.0;
      };
      Fref[i] = (at(i * h) + 4 * at((i + 0.5) * h) + at((i + 1) * h)) / 6.0;
    }
  }
  const double peak_ref = *std::max_element(Fref.begin(), Fref.end());
  std::cout << "[mono " << mc.e0 << " MeV vs " << mc.code << "] r0 = " << r0_mm
            << " mm, steps/electron = " << r.steps_per_decay << ", deposited in 1.2 r0 = "
            << r.deposited_fraction << "\n  x     F_MC    ±σ     F_ref   diff/peak\n";
  const double k = bd::coverage_factor(opt.batches - 1);
  int failures = 0;
  for (int i = 0; i < 22; ++i) {  // bins up to r/r0 = 1.1
    const double diff = F[i] - Fref[i];
    std::printf("  %.3f %.4f %.4f %.4f %+.4f\n", xc[i], F[i], sF[i], Fref[i], diff / peak_ref);
    if (std::abs(diff) > mc.tolerance * peak_ref + k * sF[i]) ++failures;
  }
  EXPECT_EQ(failures, 0) << "bins outside " << 100 * mc.tolerance << " % of the peak + " << k << " sigma";
  const double peak_mc = peak_position(xc, F), peak_rf = peak_position(xc, Fref);
  const double x90_mc = x90(F, h), x90_rf = x90(Fref, h);
  std::cout << "  peak r/r0: MC " << peak_mc << " ref " << peak_rf << "; x90: MC " << x90_mc
            << " ref " << x90_rf << "\n";
  EXPECT_NEAR(peak_mc, peak_rf, 0.03 * peak_rf);
  EXPECT_NEAR(x90_mc, x90_rf, 0.03 * x90_rf);
}

}  // namespace

TEST(TransportMonoKernel, Water1MeVMatchesEgsnrc) { check_mono_kernel({1.0, "EGSnrc", 0.05, 200000, 0.015}); }
TEST(TransportMonoKernel, Water0p5MeVMatchesEtran) { check_mono_kernel({0.5, "ETRAN", 0.025, 200000, 0.05}); }
TEST(TransportMonoKernel, Water0p1MeVMatchesEgsnrc) { check_mono_kernel({0.1, "EGSnrc", 0.05, 200000, 0.015}); }
