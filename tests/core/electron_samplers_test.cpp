// Every sampler the transport uses, against analytic moments or distributions, on the CPU
// with Philox streams (issue 12): soft-loss distributions, Møller δ-ray energies, the
// modified-Wentzel angle, the artificial elastic collisions of the electron step (Lewis
// moment <r²>, end to end through DecayHistory), Klein–Nishina, Thomson, bremsstrahlung
// photon energies, mass-thickness moves through voxels, and the packed ElectronDataView.
// Statistical tolerances are 4 standard errors of the sample mean (false-failure probability
// ~6e-5 per comparison) or a χ² bound with p ~ 1e-4; seeds are fixed (reproducible).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "betadose/elastic_scattering.hh"
#include "betadose/electron_params.hh"
#include "betadose/electron_tables.hh"
#include "betadose/elements.hh"
#include "betadose/collision_stopping.hh"
#include "betadose/quadrature.hh"
#include "betadose/transport_physics.hh"
#include "kernels/brems_sampler.hh"
#include "kernels/decay_history.hh"
#include "kernels/electron_interactions.hh"
#include "kernels/geometry.hh"
#include "kernels/photon_interactions.hh"
#include "kernels/source_sampling.hh"
#include "kernels/tallies.hh"
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


const bd::TransportPhysics& water_physics() {
  static const bd::TransportPhysics p = bd::build_transport_physics(std::vector<std::string>{"water"});
  return p;
}

// χ² of sampled counts in bins against expected probabilities (which sum to 1).
double chi2(const std::vector<double>& counts, const std::vector<double>& prob, double n) {
  double c = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) c += (counts[i] - n * prob[i]) * (counts[i] - n * prob[i]) / (n * prob[i]);
  return c;
}

// Soft energy loss: exact mean and variance in the three regimes of the PENELOPE
// distributions (Gaussian, uniform, δ(0) + uniform), and never negative.
TEST(SoftLossSampler, ExactMeanAndVarianceInAllRegimes) {
  int stream = 0;
  for (double ratio : {30.0, 5.0, 1.0, 0.2}) {  // mean² / var
    const double mean = 0.01, var = mean * mean / ratio;
    bd::PhiloxEngine rng(41, stream++);
    Moments m;
    double m2 = 0;
    const int n = 200000;
    for (int i = 0; i < n; ++i) {
      const double w = bd::sample_soft_loss_exact_moments(static_cast<float>(mean), static_cast<float>(var), rng);
      ASSERT_GE(w, 0.0);
      m.add(w);
      m2 += (w - mean) * (w - mean) * (w - mean) * (w - mean);
    }
    EXPECT_NEAR(m.mean, mean, 4 * m.sem()) << ratio;
    const double sample_var = m.var / (m.n - 1);
    // σ of a sample variance: sqrt((μ4 − σ⁴)/n).
    const double var_sigma = std::sqrt(std::max(m2 / n - var * var, 1e-30) / n);
    EXPECT_NEAR(sample_var, var, 4 * var_sigma + 1e-6 * var) << ratio;
  }
}

// Møller δ-ray energies follow the Møller DCS on [wcc, E/2]: χ² over 20 bins equal in ln W.
TEST(MollerSampler, FollowsTheMollerCrossSection) {
  int stream = 0;
  for (double E : {0.1, 1.0, 2.2}) {
    const double wcc = 0.01, wmax = 0.5 * E;
    const int bins = 20, n = 200000;
    std::vector<double> edges, prob, counts(bins, 0.0);
    for (int b = 0; b <= bins; ++b) edges.push_back(wcc * std::pow(wmax / wcc, static_cast<double>(b) / bins));
    const double total = bd::moller_hard_xs_cm2(E, wcc);
    for (int b = 0; b < bins; ++b)
      prob.push_back(bd::gauss_legendre([&](double W) { return bd::moller_dcs_cm2_MeV(E, W); }, edges[b], edges[b + 1], 16) / total);
    bd::PhiloxEngine rng(53, stream++);
    for (int i = 0; i < n; ++i) {
      const double W = bd::sample_moller_energy(static_cast<float>(E), static_cast<float>(wcc), rng);
      ASSERT_GE(W, wcc * 0.9999);
      ASSERT_LE(W, wmax * 1.0001);
      const auto b = std::upper_bound(edges.begin(), edges.end(), W) - edges.begin() - 1;
      counts[static_cast<std::size_t>(std::clamp<long>(b, 0, bins - 1))] += 1;
    }
    // 19 degrees of freedom: P(χ² > 50) ≈ 1e-4.
    EXPECT_LT(chi2(counts, prob, n), 50.0) << E;
  }
}

// Modified-Wentzel angle: <1 − P1(cos θ)> = a1 and <1 − P2(cos θ)> = a2 as prescribed, in
// both MW cases (mixture with a delta; Wentzel alone) and the isotropic limit.
TEST(ModifiedWentzelSampler, ReproducesPrescribedLegendreMoments) {
  const auto& phys = water_physics();
  bd::MirroredArray<float> maj(phys.photon_majorant({1.0}));
  const bd::TransportTables t = phys.view(maj.host_view(), false);
  int stream = 0;
  for (auto [a1, a2] : {std::pair<double, double>{0.1, 0.27}, {0.1, 0.2}, {0.02, 0.058}, {0.3, 0.75}, {0.5, 0.9}, {0.99, 1.0}}) {
    bd::PhiloxEngine rng(67, stream++);
    Moments p1, p2;
    for (int i = 0; i < 200000; ++i) {
      const double mu = bd::sample_mw_mu(t, static_cast<float>(a1), static_cast<float>(a2), rng);
      ASSERT_GE(mu, 0.0);
      ASSERT_LE(mu, 1.0);
      const double c = 1 - 2 * mu;
      p1.add(1 - c);
      p2.add(1.5 * (1 - c * c));
    }
    EXPECT_NEAR(p1.mean, a1 >= 0.98 ? 1.0 : a1, 4 * p1.sem() + 1e-4) << a1 << " " << a2;
    // Case II (a2 too small for a Wentzel with that mean: a2 < ~2.3 a1 here) keeps the first
    // moment only; otherwise the second is exact.
    if (a2 > 2.5 * a1 && a1 < 0.98) {
      EXPECT_NEAR(p2.mean, a2, 4 * p2.sem() + 1e-4) << a1 << " " << a2;
    }
  }
}

// Energy-weighted <r²> of the deposits of electrons in an infinite medium with constant λ1,
// continuous loss without straggling and no hard events, through the real DecayHistory:
// artificial elastic collisions (Poisson, mean free path c λ1, <1 − cos θ> = c) make the
// Lewis moment exact, <r²>(t) = 2λ1 t − 2λ1² (1 − e^{−t/λ1}), at every path t; the
// deposits are continuous, uniform in t over [0, L] (the residual 1 keV at the end adds a
// 1e-3 weight at L; the last flight overshoots L by < 1e-4 L).
TEST(ArtificialElasticCollisions, LewisMeanSquareRadiusIsExact) {
  const auto& phys = water_physics();
  bd::MirroredArray<float> maj(phys.photon_majorant({1.0}));
  bd::TransportTables t = phys.view(maj.host_view(), false);
  const double lambda1 = 0.1, eabs = 0.0011, S = (1 - eabs) / 0.3;  // [g/cm²], [MeV cm²/g]: L = 3 λ1
  std::vector<float> rows(static_cast<std::size_t>(t.electron.n_energy) * bd::kElectronColumns, 0.0f);
  for (int i = 0; i < t.electron.n_energy; ++i) {
    float* r = &rows[static_cast<std::size_t>(i) * bd::kElectronColumns];
    r[bd::kSoftStopping] = static_cast<float>(S);
    r[bd::kTransportXs1] = static_cast<float>(1 / lambda1);
    r[bd::kTransportXs2] = static_cast<float>(2.7 / lambda1);
    r[bd::kCsdaRange] = 1e9f;
  }
  t.electron.rows = bd::ConstSpan<float>(rows.data(), rows.size());
  t.electron.n_materials = 1;
  const int nshell = 500;
  const double dr = 0.001;  // cm (ρ = 1)
  std::vector<unsigned long long> tally(nshell), balance(bd::kBalanceSize);
  const std::vector<bd::Vec3f> origin{bd::Vec3f{0, 0, 0}};
  bd::DecayHistory<bd::InfiniteMedium, bd::ShellTally, bd::PointSourceSampler, bd::MonoEnergy> f;
  f.tables = t;
  f.params.eabs_electron_MeV = static_cast<float>(eabs);
  f.params.straggling = false;
  f.params.wcc_MeV = 10.0f;  // no hard events (σ = 0 anyway)
  f.params.wcr_MeV = 10.0f;
  f.geometry.density_g_cm3 = 1.0f;
  f.tally.energy = bd::Span<unsigned long long>(tally.data(), tally.size());
  f.tally.inv_dr_cm = static_cast<float>(1 / dr);
  f.position.position_cm = bd::ConstSpan<bd::Vec3f>(origin.data(), 1);
  f.energy.energy_MeV = 1.0f;
  f.balance = bd::Span<unsigned long long>(balance.data(), balance.size());
  f.seed = 77;
  const double L = (1 - eabs) / S;
  auto r2 = [&](double s) { return 2 * lambda1 * s - 2 * lambda1 * lambda1 * (1 - std::exp(-s / lambda1)); };
  const double expected =
      eabs * r2(L) +
      (1 - eabs) * (lambda1 * L - 2 * lambda1 * lambda1 + 2 * lambda1 * lambda1 * lambda1 * (1 - std::exp(-L / lambda1)) / L);
  Moments batch;
  std::uint64_t h = 0;
  for (int b = 0; b < 20; ++b) {
    std::fill(tally.begin(), tally.end(), 0ull);
    for (int i = 0; i < 5000; ++i) f(h++);
    double e = 0, er2 = 0;
    for (int i = 0; i < nshell; ++i) {
      // <r²> over a shell of uniform density of deposits in r ≈ centre² + dr²/12.
      const double rc = (i + 0.5) * dr, w = static_cast<double>(tally[i]);
      e += w;
      er2 += w * (rc * rc + dr * dr / 12);
    }
    batch.add(er2 / e);
  }
  std::printf("[artificial collisions] <r²> = %.5g ± %.2g cm², Lewis %.5g cm²\n", batch.mean, batch.sem(), expected);
  EXPECT_NEAR(batch.mean, expected, 4 * batch.sem());
  // Statistical resolution of this test: 4 σ ≈ 0.4 %.
  EXPECT_LT(batch.sem() / expected, 0.0015);
}

// Klein–Nishina sampler: mean scattered-photon energy fraction and <cos θ> against the
// Klein–Nishina DCS integrated numerically.
TEST(KleinNishinaSampler, MomentsMatchTheCrossSection) {
  int stream = 0;
  for (double E : {0.02, 0.2, 1.0, 2.5}) {
    const double k = E / bd::kElectronMass_MeV;
    auto dcs = [&](double c) {  // dσ/dcos θ up to a constant
      const double r = 1 / (1 + k * (1 - c));
      return r * r * (r + 1 / r - (1 - c * c));
    };
    const double n0 = bd::gauss_legendre(dcs, -1, 1, 64);
    const double e1 = bd::gauss_legendre([&](double c) { return dcs(c) / (1 + k * (1 - c)); }, -1, 1, 64) / n0;
    const double c1 = bd::gauss_legendre([&](double c) { return dcs(c) * c; }, -1, 1, 64) / n0;
    bd::PhiloxEngine rng(83, stream++);
    Moments me, mc;
    for (int i = 0; i < 200000; ++i) {
      const auto r = bd::sample_klein_nishina(static_cast<float>(E), rng);
      ASSERT_LE(r.photon_energy_MeV, E * 1.000001);
      // Compton relation between energy and angle.
      ASSERT_NEAR(r.photon_energy_MeV, E / (1 + k * (1 - r.cos_theta)), 2e-4 * E);
      me.add(r.photon_energy_MeV / E);
      mc.add(r.cos_theta);
    }
    EXPECT_NEAR(me.mean, e1, 4 * me.sem()) << E;
    EXPECT_NEAR(mc.mean, c1, 4 * mc.sem()) << E;
  }
}

// Thomson (Rayleigh shape) sampler: the CDF F(c) = (c³ + 3c + 4)/8 (χ² over 20 bins) and
// <cos² θ> = 2/5.
TEST(ThomsonSampler, FollowsOnePlusCosSquared) {
  bd::PhiloxEngine rng(97, 0);
  const int bins = 20, n = 200000;
  std::vector<double> counts(bins, 0.0), prob;
  auto F = [](double c) { return (c * c * c + 3 * c + 4) / 8; };
  for (int b = 0; b < bins; ++b) prob.push_back(F(-1 + 2.0 * (b + 1) / bins) - F(-1 + 2.0 * b / bins));
  Moments c2;
  for (int i = 0; i < n; ++i) {
    const double c = bd::sample_thomson_cos(rng);
    ASSERT_GE(c, -1.0);
    ASSERT_LE(c, 1.0);
    counts[static_cast<std::size_t>(std::min(bins - 1, static_cast<int>((c + 1) / 2 * bins)))] += 1;
    c2.add(c * c);
  }
  EXPECT_LT(chi2(counts, prob, n), 50.0);
  EXPECT_NEAR(c2.mean, 0.4, 4 * c2.sem());
}

// Mass-thickness moves through voxels of different densities: the distance covered in each
// voxel is its share of the mass divided by its density, the mark lands where its mass
// coordinate says, a material change stops the move on the face, and leaving the grid too.
TEST(MassThicknessMove, ScalesDistanceByTheDensityOfEachVoxel) {
  // 4 voxels of 1 mm along x: densities 1, 2, 0.5, 1; materials 0, 0, 0, 1.
  const std::vector<std::uint8_t> mat{0, 0, 0, 1};
  const std::vector<float> rho{1.0f, 2.0f, 0.5f, 1.0f};
  bd::VoxelGeometry g;
  g.nx = 4;
  g.ny = g.nz = 1;
  g.dx_cm = g.dy_cm = g.dz_cm = 0.1f;
  g.material = bd::ConstSpan<std::uint8_t>(mat.data(), mat.size());
  g.density_g_cm3 = bd::ConstSpan<float>(rho.data(), rho.size());
  bd::Particle p;
  p.pos_cm = {0.05f, 0.05f, 0.05f};
  p.dir = {1, 0, 0};
  ASSERT_TRUE(g.locate(p));
  bd::Site mark{};
  // 0.05 g/cm² in voxel 0 (0.5 mm at ρ = 1) + 0.2 in voxel 1 (1 mm at 2) + 0.01 in voxel 2
  // (0.2 mm at 0.5): ends at x = 2.2 mm; the mark at 0.15 g/cm² sits 0.5 mm into voxel 1.
  auto r = g.move_mass(p, 0.26f, 0.15f, mark);
  EXPECT_EQ(r.status, bd::MoveStatus::complete);
  EXPECT_NEAR(r.mass_done, 0.26f, 1e-6f);
  EXPECT_NEAR(p.pos_cm.x, 0.22f, 1e-6f);
  EXPECT_EQ(p.ix, 2);
  ASSERT_TRUE(r.marked);
  EXPECT_EQ(mark.ix, 1);
  EXPECT_NEAR(mark.pos_cm.x, 0.15f, 1e-6f);
  // On to the material boundary at x = 3 mm: 0.04 g/cm² more (0.8 mm at 0.5), then stop.
  r = g.move_mass(p, 1.0f, -1.0f, mark);
  EXPECT_EQ(r.status, bd::MoveStatus::material_change);
  EXPECT_NEAR(r.mass_done, 0.04f, 1e-6f);
  EXPECT_NEAR(p.pos_cm.x, 0.3f, 1e-6f);
  EXPECT_EQ(p.ix, 3);
  EXPECT_FALSE(r.marked);
  // Backwards from x = 3 mm (voxel 2) through the three voxels of material 0 and out of the
  // grid at x = 0: 0.1 cm × (0.5 + 2 + 1) g/cm³ = 0.35 g/cm².
  p.dir = {-1, 0, 0};
  p.ix = 2;
  r = g.move_mass(p, 10.0f, -1.0f, mark);
  EXPECT_EQ(r.status, bd::MoveStatus::left);
  EXPECT_NEAR(r.mass_done, 0.35f, 1e-5f);
  EXPECT_NEAR(p.pos_cm.x, 0.0f, 1e-6f);
  // Safety: nearest face distance times the density.
  bd::Particle q;
  q.pos_cm = {0.13f, 0.05f, 0.05f};
  ASSERT_TRUE(g.locate(q));
  EXPECT_NEAR(g.safety_mass(q), 0.03f * 2.0f, 1e-6f);
}

}  // namespace
