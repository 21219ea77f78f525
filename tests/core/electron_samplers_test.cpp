// Kernel-side electron samplers and the packed ElectronDataView, on the CPU with Philox
// streams. Statistical tolerances are 4 standard errors of the sample mean (false-failure
// probability ~6e-5 per comparison); the seeds are fixed so the tests are reproducible.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "betadose/elastic_scattering.hh"
#include "betadose/electron_params.hh"
#include "betadose/electron_tables.hh"
#include "betadose/elements.hh"
#include "kernels/brems_sampler.hh"
#include "kernels/electron_data.hh"
#include "kernels/rng.hh"

namespace {

bd::Material water() {
  // H2O by atom count with the element table's atomic weights.
  const double h = 2 * bd::element_data(1).atomic_weight, o = bd::element_data(8).atomic_weight;
  return bd::Material{"water", 1.0, 75.0, {{1, h / (h + o)}, {8, o / (h + o)}}, "test"};
}

bd::Material bone() {
  return bd::Material{"bone",
                      1.92,
                      111.972,
                      {{1, 0.034}, {6, 0.155}, {7, 0.042}, {8, 0.435}, {11, 0.001}, {12, 0.002},
                       {15, 0.103}, {16, 0.003}, {20, 0.225}},
                      "ICRU 46 cortical bone (test)"};
}

const bd::ElectronParams& params() {
  static const bd::ElectronParams p({water(), bone()});
  return p;
}

struct Moments {
  double mean = 0, var = 0;
  int n = 0;
  void add(double x) {
    ++n;
    const double d = x - mean;
    mean += d / n;
    var += d * (x - mean);
  }
  double sem() const { return std::sqrt(var / (n - 1) / n); }
};

// The packed float view reproduces the double tables at the nodes and interpolates between.
TEST(ElectronData, ViewMatchesTables) {
  const auto& p = params();
  const bd::ElectronDataView v = p.host_view();
  ASSERT_EQ(v.n_materials, 2);
  for (int m = 0; m < 2; ++m) {
    const auto& t = p.tables(m);
    for (int i = 0; i < v.n_energy; i += 15) {
      const float E = static_cast<float>(t.energy_MeV[i]);
      const bd::GridPoint g = v.locate(E);
      EXPECT_TRUE(g.i == i || (g.i == i - 1 && g.f > 0.999f)) << i;
      EXPECT_NEAR(v.value(m, bd::kSoftStopping, E) / t.s_soft_MeV_cm2_g[i], 1.0, 1e-4);
      EXPECT_NEAR(v.value(m, bd::kTransportXs1, E) / t.transport_xs1_cm2_g[i], 1.0, 1e-4);
      EXPECT_NEAR(v.value(m, bd::kCsdaRange, E) / t.csda_range_g_cm2[i], 1.0, 1e-4);
    }
    // Between nodes: log-log interpolation of the tables vs linear-in-ln E of the view; the
    // grid is fine enough (Δ ln E = 0.031) that they agree to 0.2 %.
    for (double E : {0.0123, 0.087, 0.51, 1.77}) {
      EXPECT_NEAR(v.value(m, bd::kSoftStopping, static_cast<float>(E)) /
                      t.interpolate(t.s_soft_MeV_cm2_g, E), 1.0, 2e-3) << E;
    }
  }
}

// Soft-range inversion: energy after a path equals the table's continuous slowing down.
TEST(ElectronData, SoftRangeInversion) {
  const auto v = params().host_view();
  for (float E : {0.015f, 0.1f, 0.7f, 2.2f}) {
    const float R = v.value(0, bd::kSoftRange, E);
    EXPECT_NEAR(v.energy_from_soft_range(0, R) / E, 1.0f, 2e-3f) << E;
    // A short step ds loses S ds to first order.
    const float ds = 1e-3f * R;
    const float E1 = v.energy_from_soft_range(0, R - ds);
    EXPECT_NEAR((E - E1) / (v.value(0, bd::kSoftStopping, E) * ds), 1.0f, 0.02f) << E;
  }
}

// Bremsstrahlung photon energies: the sampled mean photon energy above wcr equals the ratio of
// the tabulated hard radiative loss to the hard cross section (independent quadratures of the
// same DCS: (S_rad − S_rad,soft)/σ_brems). Tolerance: 4 SEM + 1.5 % for the 32-node shape
// table and the nearest-row energy interpolation.
TEST(BremsSampler, MeanPhotonEnergyMatchesTables) {
  const auto& p = params();
  const auto v = p.host_view();
  int stream = 0;
  for (int m = 0; m < 2; ++m) {
    const auto& t = p.tables(m);
    for (double T : {0.05, 0.3, 1.0, 2.2}) {
      bd::PhiloxEngine rng(31, stream++);
      const bd::BremsEnergySampler sample{v, m, static_cast<float>(T)};
      Moments k;
      for (int n = 0; n < 100000; ++n) {
        const float kk = sample(rng);
        ASSERT_GE(kk, v.wcr_MeV * 0.9999f);
        ASSERT_LE(kk, static_cast<float>(T));
        k.add(kk);
      }
      const double expected = (t.interpolate(t.s_rad_MeV_cm2_g, T) -
                               t.interpolate(t.s_rad_restricted_MeV_cm2_g, T)) /
                              t.interpolate(t.sigma_brems_cm2_g, T);
      EXPECT_NEAR(k.mean / expected, 1.0, 4 * k.sem() / expected + 0.015) << t.material << " " << T;
    }
  }
  // Acceptance efficiency of the rejection step = mean of the normalised shape over x.
  const auto& t = p.tables(0);
  const int nk = t.brems_shape_points;
  for (std::size_t i = 0; i < t.energy_MeV.size(); ++i) {
    if (t.energy_MeV[i] < 0.05 || t.energy_MeV[i] > 2.3) continue;
    double mean = 0;
    for (int j = 0; j < nk; ++j) mean += t.brems_shape[i * nk + j] / nk;
    EXPECT_GT(mean, 0.4) << t.energy_MeV[i];
  }
}

}  // namespace
