// Kernel methods (LDM, DPK and VSV convolution) against independent references:
// the Graves 2019 DPK and the Lanconelli 2012 voxel S values in /work/shared/reference, and
// the nuclide's emitted energy (ICRP-107: Ē = 0.9331 MeV per decay, T½ = 64.1 h).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <tuple>

#include "betadose/errors.hh"
#include "betadose/kernel_methods.hh"
#include "support/paths.hh"

namespace {

using bd::DecayData;
using bd::DensityCorrection;

// ICRP-107 90Y: Σ electron energy 0.9331 MeV/decay, T½ = 64.1 h (reference/y90_icrp107_record.json).
const DecayData kY90{0.9331, 64.1 * 3600.0};

bd::Grid cubic_grid(std::size_t n, double voxel_mm) {
  bd::Grid g;
  g.size = {{n, n, n}};
  g.spacing_mm = {{voxel_mm, voxel_mm, voxel_mm}};
  return g;
}

bd::VoxelSource uniform_source(const bd::Grid& g, double bq_per_voxel) {
  bd::VoxelSource s;
  s.grid = g;
  s.activity_bq.assign(g.voxel_count(), bq_per_voxel);
  return s;
}

// Lanconelli table read independently of the library: (tissue_size, i, j, k) -> S.
std::map<std::tuple<std::string, int, int, int>, double> read_lanconelli_reference() {
  std::ifstream in(bd::test::reference_path("vsv_y90_lanconelli2012_all.csv"));
  std::map<std::tuple<std::string, int, int, int>, double> out;
  std::string line;
  std::vector<std::string> names;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::stringstream ss(line);
    std::string f;
    std::vector<std::string> fields;
    while (std::getline(ss, f, ',')) fields.push_back(f);
    if (names.empty()) {
      names = fields;
      continue;
    }
    const int i = std::stoi(fields[0]), j = std::stoi(fields[1]), k = std::stoi(fields[2]);
    for (std::size_t c = 3; c < fields.size(); ++c) out[{names[c], i, j, k}] = std::stod(fields[c]);
  }
  return out;
}

TEST(KernelMethods, LocalDepositionIsExactOnUniformPhantom) {
  const auto g = cubic_grid(6, 2.0);
  const auto phantom = bd::Phantom::uniform(g, "liver", 1.06);
  const auto source = uniform_source(g, 1e6);  // 1 MBq per voxel
  const auto r = bd::local_deposition_dose(phantom, source, kY90);
  // D = A τ Ē / m with m = 1.06 g/cm3 × 8 mm3
  const double tau = 64.1 * 3600.0 / std::log(2.0);
  // (phantom densities are stored as float32)
  const double expected = 1e6 * tau * 0.9331 * 1.602176634e-13 / (double(1.06f) * 8e-6);
  for (double d : r.dose_gy) EXPECT_NEAR(d, expected, 1e-12 * expected);
  // The reference's complete-decay energy: 49.77 J/GBq (reference/README.md); 0.05 % covers
  // its rounding to 4 digits.
  const double j_per_gbq = r.energy_emitted_MeV * 1.602176634e-13 / (216 * 1e-3);
  EXPECT_NEAR(j_per_gbq, 49.77, 0.05e-2 * 49.77);
  EXPECT_DOUBLE_EQ(r.energy_deposited_MeV, r.energy_emitted_MeV);
}

TEST(KernelMethods, DpkConvolutionOfPointSourceReproducesTheKernel) {
  const auto dpk = bd::read_point_kernel_csv(bd::test::reference_path("dpk_y90_water_graves2019.csv"));
  ASSERT_NEAR(dpk.reach_mm(), 12.0, 1e-9);  // contiguous 0.1 mm shells only
  const double voxel = 1.0;
  const auto vk = bd::voxelize_point_kernel(dpk, {{voxel, voxel, voxel}});
  EXPECT_NEAR(vk.total_energy_MeV(), dpk.total_energy_MeV(), 1e-12);  // energy conserved

  const std::size_t n = 2 * static_cast<std::size_t>(vk.half_width[0]) + 1;
  const auto g = cubic_grid(n, voxel);
  const auto phantom = bd::Phantom::uniform(g, "water", 1.0);
  bd::VoxelSource source = uniform_source(g, 0.0);
  const std::size_t c = n / 2;
  source.activity_bq[g.linear_index(c, c, c)] = 1.0 / kY90.decays_per_bq();  // one decay
  const auto r = bd::convolution_dose(phantom, source, kY90, vk, nullptr, DensityCorrection::none);
  EXPECT_NEAR(r.energy_deposited_MeV, dpk.total_energy_MeV(), 1e-9);

  // Independent quadrature of the same integral: the voxel kernel is the point kernel's
  // energy density (shell energy / shell volume, constant within a shell) averaged over
  // target points x and source points y uniform in their voxels, times the voxel volume.
  // Estimate it with 40000 random (x, y) pairs per voxel (fixed seed): the density varies by
  // < 2x across a voxel at 2-10 mm, so the sampling error is < 0.5 % (1 sigma); tolerance 2 %.
  auto density_at = [&](double radius) {
    for (std::size_t s = 0; s < dpk.energy_MeV.size(); ++s) {
      const double r0 = dpk.r_inner_mm[s], r1 = dpk.r_outer_mm[s];
      if (radius < r1) return dpk.energy_MeV[s] / (4.0 / 3.0 * M_PI * (r1 * r1 * r1 - r0 * r0 * r0));
    }
    return 0.0;
  };
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(-0.5, 0.5);
  const double mass = 1.0 * 1e-6;  // 1 mm3 of water [kg]
  const int offsets[][3] = {{2, 0, 0}, {3, 0, 0}, {0, 4, 0}, {5, 0, 0}, {0, 0, 6}, {7, 0, 0},
                            {8, 0, 0}, {9, 0, 0}, {2, 2, 0}, {3, 3, 3}, {4, 2, 1}, {5, 4, 0},
                            {6, 3, 2}, {4, 4, 4}, {7, 3, 1}, {0, 5, 5}, {10, 0, 0}, {6, 6, 4}};
  for (const auto& o : offsets) {
    double sum = 0;
    const int samples = 40000;
    for (int n_s = 0; n_s < samples; ++n_s) {
      const double dx = o[0] + u(rng) - u(rng), dy = o[1] + u(rng) - u(rng), dz = o[2] + u(rng) - u(rng);
      sum += density_at(voxel * std::sqrt(dx * dx + dy * dy + dz * dz));
    }
    const double e_expected = sum / samples * voxel * voxel * voxel;
    const double e_voxel = r.dose_gy[g.linear_index(c + o[0], c + o[1], c + o[2])] * mass / 1.602176634e-13;
    EXPECT_NEAR(e_voxel / e_expected, 1.0, 0.02) << o[0] << "," << o[1] << "," << o[2];
  }
}

TEST(KernelMethods, VoxelisedWaterDpkAgreesWithLanconelliSoftTissueSValues) {
  // Independent codes and spectra (Graves: MCNP-based DPK; Lanconelli: DOSXYZnrc): the DPK,
  // range-scaled to ICRU soft tissue (1.04 g/cm3) and voxelised at 4 mm, must give the
  // tabulated S values within the published kernels' spread (5 % at S(0,0,0), S(1,0,0)).
  const auto ref = read_lanconelli_reference();
  auto dpk = bd::read_point_kernel_csv(bd::test::reference_path("dpk_y90_water_graves2019.csv"));
  const auto soft = bd::scale_point_kernel(dpk, 1.04, "soft-tissue");
  const auto vk = bd::voxelize_point_kernel(soft, {{4.0, 4.0, 4.0}});
  EXPECT_NEAR(vk.s_value_mGy_per_MBq_s(0, 0, 0) / ref.at({"soft_4mm", 0, 0, 0}), 1.0, 0.05);
  EXPECT_NEAR(vk.s_value_mGy_per_MBq_s(1, 0, 0) / ref.at({"soft_4mm", 1, 0, 0}), 1.0, 0.05);
  EXPECT_NEAR(vk.s_value_mGy_per_MBq_s(0, 1, 0) / ref.at({"soft_4mm", 1, 0, 0}), 1.0, 0.05);
  EXPECT_NEAR(vk.s_value_mGy_per_MBq_s(1, 1, 0) / ref.at({"soft_4mm", 1, 1, 0}), 1.0, 0.10);
}

TEST(KernelMethods, VsvConvolutionOfSingleVoxelReproducesSValues) {
  const auto ref = read_lanconelli_reference();
  const auto vk = bd::read_lanconelli_vsv(bd::default_lanconelli_path(), "soft", 4.0);
  ASSERT_EQ(vk.half_width[0], 5);
  const auto g = cubic_grid(13, 4.0);
  const auto phantom = bd::Phantom::uniform(g, "soft-tissue", 1.04);
  bd::VoxelSource source = uniform_source(g, 0.0);
  // 1 MBq·s of decays in voxel (6,6,6): dose [mGy] = S [mGy/(MBq s)]
  source.activity_bq[g.linear_index(6, 6, 6)] = 1e6 / kY90.decays_per_bq();
  for (auto corr : {DensityCorrection::none, DensityCorrection::density}) {
    const auto r = bd::convolution_dose(phantom, source, kY90, vk, nullptr, corr);
    for (int i = 0; i <= 5; ++i)
      for (int j = 0; j <= 5; ++j)
        for (int k = 0; k <= 5; ++k) {
          const double s = ref.at({"soft_4mm", i, j, k});
          // voxels on both sides of the source (reflection symmetry of the kernel)
          for (int sgn : {-1, 1}) {
            const double d_mgy =
                1e3 * r.dose_gy[g.linear_index(6 + sgn * i, 6 - sgn * j, 6 + sgn * k)];
            // FFT round-off: ~1e-15 of the largest value
            EXPECT_NEAR(d_mgy, s, 1e-6 * s + 1e-12) << i << "," << j << "," << k;
          }
        }
  }
}

TEST(KernelMethods, ConvolutionOfUniformInfiniteSourceEqualsLocalDeposition) {
  // In a large uniform source the kernel delivers to the central voxel all the energy it
  // carries (charged-particle equilibrium): D_conv / D_LDM = kernel energy / Ē. The kernels
  // lose < 0.5 % of Ē (bremsstrahlung escape and truncation at their reach).
  const auto ldm_of = [](const bd::Phantom& ph, const bd::VoxelSource& src) {
    return bd::local_deposition_dose(ph, src, kY90);
  };
  {
    const auto vk = bd::read_lanconelli_vsv(bd::default_lanconelli_path(), "soft", 4.0);
    const auto g = cubic_grid(15, 4.0);
    const auto phantom = bd::Phantom::uniform(g, "soft-tissue", 1.04);
    const auto source = uniform_source(g, 1e6);
    const auto conv = bd::convolution_dose(phantom, source, kY90, vk, nullptr, DensityCorrection::none);
    const auto ldm = ldm_of(phantom, source);
    const std::size_t c = g.linear_index(7, 7, 7);
    // 1e-6: the phantom stores 1.04 as float32 (relative 4e-8), the kernel as double
    EXPECT_NEAR(conv.dose_gy[c] / ldm.dose_gy[c], vk.total_energy_MeV() / 0.9331, 1e-6);
    EXPECT_NEAR(conv.dose_gy[c] / ldm.dose_gy[c], 1.0, 0.005);
  }
  {
    const auto dpk = bd::read_point_kernel_csv(bd::test::reference_path("dpk_y90_water_graves2019.csv"));
    const auto vk = bd::voxelize_point_kernel(dpk, {{3.0, 3.0, 3.0}});
    const auto g = cubic_grid(2 * vk.half_width[0] + 3, 3.0);
    const auto phantom = bd::Phantom::uniform(g, "water", 1.0);
    const auto source = uniform_source(g, 2e6);
    const auto conv = bd::convolution_dose(phantom, source, kY90, vk, nullptr, DensityCorrection::none);
    const auto ldm = ldm_of(phantom, source);
    const std::size_t m = g.size[0] / 2;
    const std::size_t c = g.linear_index(m, m, m);
    EXPECT_NEAR(conv.dose_gy[c] / ldm.dose_gy[c], 1.0, 0.005);
  }
}

TEST(KernelMethods, DensityAndMaterialCorrectionsInUniformMedia) {
  const auto soft = bd::read_lanconelli_vsv(bd::default_lanconelli_path(), "soft", 4.0);
  const auto bone = bd::read_lanconelli_vsv(bd::default_lanconelli_path(), "bone", 4.0);
  const auto g = cubic_grid(15, 4.0);
  const auto source = uniform_source(g, 1e6);
  const std::size_t c = g.linear_index(7, 7, 7);
  // Uniform lung (0.26 g/cm3): the density-scaled soft-tissue kernel gives the LDM dose of
  // lung (energy conserved, divided by the lung mass); without correction the soft-tissue
  // dose (lower by 0.26/1.04).
  const auto lung = bd::Phantom::uniform(g, "lung", 0.26);
  const auto ldm = bd::local_deposition_dose(lung, source, kY90);
  const auto dens = bd::convolution_dose(lung, source, kY90, soft, nullptr, DensityCorrection::density);
  const auto none = bd::convolution_dose(lung, source, kY90, soft, nullptr, DensityCorrection::none);
  EXPECT_NEAR(dens.dose_gy[c] / ldm.dose_gy[c], 1.0, 0.005);
  EXPECT_NEAR(none.dose_gy[c] / dens.dose_gy[c], 0.26 / 1.04, 1e-6);  // float32 density
  // Uniform cortical bone: material mode picks the bone kernel.
  const auto bone_ph = bd::Phantom::uniform(g, "cortical-bone", 1.85);
  const auto ldm_b = bd::local_deposition_dose(bone_ph, source, kY90);
  const auto mat = bd::convolution_dose(bone_ph, source, kY90, soft, &bone, DensityCorrection::material);
  EXPECT_NEAR(mat.dose_gy[c] / ldm_b.dose_gy[c], 1.0, 0.005);
  EXPECT_NEAR(mat.dose_gy[c] * 1.85 * 64e-6 / 1.602176634e-13,
              bone.total_energy_MeV() * source.activity_bq[c] * kY90.decays_per_bq(), 1e-6 * 1e12);
  // Bone kernel has a shorter reach: near the centre of a single-voxel source it deposits
  // more in the source voxel (per decay energy) than soft tissue.
  EXPECT_GT(bone.at(0, 0, 0), soft.at(0, 0, 0));
}

TEST(KernelMethods, BadInputsGiveClearErrors) {
  const auto g = cubic_grid(5, 4.0);
  const auto phantom = bd::Phantom::uniform(g, "soft-tissue", 1.04);
  auto other = g;
  other.spacing_mm = {{3.0, 3.0, 3.0}};
  const auto mismatched = uniform_source(other, 1.0);
  EXPECT_THROW(bd::local_deposition_dose(phantom, mismatched, kY90), bd::InputError);
  const auto soft = bd::read_lanconelli_vsv(bd::default_lanconelli_path(), "soft", 4.0);
  EXPECT_THROW(bd::convolution_dose(phantom, mismatched, kY90, soft, nullptr, DensityCorrection::none),
               bd::InputError);
  // kernel voxel size differs from the grid
  const auto soft3 = bd::read_lanconelli_vsv(bd::default_lanconelli_path(), "soft", 3.0);
  const auto source = uniform_source(g, 1.0);
  EXPECT_THROW(bd::convolution_dose(phantom, source, kY90, soft3, nullptr, DensityCorrection::none),
               bd::InputError);
  // material correction without a bone kernel
  EXPECT_THROW(bd::convolution_dose(phantom, source, kY90, soft, nullptr, DensityCorrection::material),
               bd::InputError);
  try {
    bd::read_lanconelli_vsv(bd::default_lanconelli_path(), "soft", 3.3);
    FAIL() << "3.3 mm is not tabulated";
  } catch (const bd::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("tabulated"), std::string::npos) << e.what();
  }
  EXPECT_THROW(bd::read_point_kernel_csv("/nonexistent/dpk.csv"), bd::InputError);
  EXPECT_THROW(bd::read_lanconelli_vsv("/nonexistent/vsv.csv", "soft", 4.0), bd::InputError);
  EXPECT_THROW(bd::parse_density_correction("mass"), bd::InputError);
  // a VSV CSV that is not one
  EXPECT_THROW(bd::read_vsv_csv(bd::test::reference_path("dpk_y90_water_graves2019.csv"), 4.0,
                                "soft-tissue", 1.04),
               bd::InputError);
}

TEST(KernelMethods, BetadoseCsvFormatsRoundTrip) {
  // A `betadose dpk` CSV and a `betadose vsv` CSV written here from the reference values.
  const auto graves = bd::read_point_kernel_csv(bd::test::reference_path("dpk_y90_water_graves2019.csv"));
  const std::string dpk_path = ::testing::TempDir() + "/km_dpk.csv";
  {
    std::ofstream out(dpk_path);
    out << "# betadose dpk: Y-90 in liver at 1.06 g/cm3, 1000 histories, seed 1, device cpu\n"
           "r_inner_mm,r_outer_mm,r_mid_mm,energy_per_decay_MeV,dose_per_decay_Gy,rel_uncertainty\n";
    for (std::size_t s = 0; s < graves.energy_MeV.size(); ++s)
      out << graves.r_inner_mm[s] << "," << graves.r_outer_mm[s] << ","
          << 0.5 * (graves.r_inner_mm[s] + graves.r_outer_mm[s]) << "," << graves.energy_MeV[s]
          << ",0,0.01\n";
  }
  const auto dpk = bd::read_point_kernel_csv(dpk_path);
  EXPECT_NEAR(dpk.total_energy_MeV(), graves.total_energy_MeV(), 1e-6);
  EXPECT_EQ(dpk.energy_MeV.size(), graves.energy_MeV.size());
  EXPECT_EQ(dpk.material, "liver");  // medium from the `betadose dpk` header
  EXPECT_DOUBLE_EQ(dpk.density_g_cm3, 1.06);
  EXPECT_EQ(graves.material, "water");
  EXPECT_DOUBLE_EQ(graves.density_g_cm3, 1.0);

  const auto ref = read_lanconelli_reference();
  const std::string vsv_path = ::testing::TempDir() + "/km_vsv.csv";
  {
    std::ofstream out(vsv_path);
    out << "# betadose vsv: Y-90 in soft-tissue at 1.04 g/cm3, voxel 3 mm, 1000 histories\n"
           "i,j,k,s_mGy_per_MBq_s,energy_fraction,rel_uncertainty\n";
    for (int i = 0; i <= 5; ++i)
      for (int j = 0; j <= i; ++j)
        for (int k = 0; k <= j; ++k)
          out << i << "," << j << "," << k << "," << ref.at({"soft_3mm", i, j, k}) << ",0,0.01\n";
  }
  const auto medium = bd::read_kernel_csv_medium(vsv_path);
  EXPECT_EQ(medium.material, "soft-tissue");
  EXPECT_DOUBLE_EQ(medium.density_g_cm3, 1.04);
  EXPECT_DOUBLE_EQ(medium.voxel_mm, 3.0);
  const auto vk = bd::read_vsv_csv(vsv_path, 3.0, "soft-tissue", 1.04);
  const auto lk = bd::read_lanconelli_vsv(bd::default_lanconelli_path(), "soft", 3.0);
  ASSERT_EQ(vk.energy_MeV.size(), lk.energy_MeV.size());
  for (std::size_t v = 0; v < vk.energy_MeV.size(); ++v)
    EXPECT_NEAR(vk.energy_MeV[v], lk.energy_MeV[v], 1e-12 + 1e-9 * lk.energy_MeV[v]);
  EXPECT_NEAR(vk.s_value_mGy_per_MBq_s(2, -1, 0), ref.at({"soft_3mm", 2, 1, 0}), 1e-9);
}

}  // namespace
