#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "betadose/diagnostics.hh"
#include "kernels/rng.hh"

namespace {

// Known-answer vectors for Philox4x32-10 published with Random123 (kat_vectors,
// Salmon et al. SC'11): counter, key -> output.
struct Kat {
  r123::Philox4x32::ctr_type ctr;
  r123::Philox4x32::key_type key;
  r123::Philox4x32::ctr_type expected;
};

TEST(Rng, Philox4x32_10KnownAnswers) {
  const Kat kats[] = {
      {{{0, 0, 0, 0}}, {{0, 0}}, {{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}}},
      {{{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}},
       {{0xffffffffu, 0xffffffffu}},
       {{0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}}},
      {{{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}},
       {{0xa4093822u, 0x299f31d0u}},
       {{0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}}},
  };
  for (const auto& k : kats) {
    const auto out = r123::Philox4x32()(k.ctr, k.key);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(out.v[i], k.expected.v[i]) << "word " << i;
  }
}

TEST(Rng, EngineIsKeyedBySeedHistoryAndLineage) {
  bd::PhiloxEngine a(7, 12345), b(7, 12345), c(8, 12345), d(7, 12346);
  const auto e = a.spawn(1);
  for (int i = 0; i < 10; ++i) {
    const auto va = a(), vb = b();
    EXPECT_EQ(va, vb);
    EXPECT_NE(va, c());
    EXPECT_NE(va, d());
  }
  bd::PhiloxEngine f(7, 12345);
  EXPECT_NE(f(), bd::PhiloxEngine(e)());
  // The engine's first word is Philox(ctr={history,0,lineage,0}, key={seed,0}) word 0.
  const auto ref = r123::Philox4x32()({{12345u, 0u, 0u, 0u}}, {{7u, 0u}});
  EXPECT_EQ(bd::PhiloxEngine(7, 12345)(), ref.v[0]);
}

TEST(Rng, UniformIsOpenIntervalWithCorrectMoments) {
  bd::PhiloxEngine rng(2026, 1);
  const int n = 200000;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < n; ++i) {
    const double u = rng.uniform();
    ASSERT_GT(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    sum2 += u * u;
  }
  // Mean 1/2 with sigma sqrt(1/12/n); variance 1/12.
  EXPECT_NEAR(sum / n, 0.5, 4 * std::sqrt(1.0 / 12 / n));
  EXPECT_NEAR(sum2 / n - (sum / n) * (sum / n), 1.0 / 12, 2e-3);
}

TEST(Rng, CpuHistogramIsBitwiseIdenticalForOneAndTwoThreads) {
  const auto h1 = bd::rng_histogram(99, 20000, 16, 64, bd::Device::cpu, 1);
  const auto h2 = bd::rng_histogram(99, 20000, 16, 64, bd::Device::cpu, 2);
  EXPECT_EQ(h1, h2);
  EXPECT_EQ(std::accumulate(h1.begin(), h1.end(), 0ull), 20000ull * 16);
  // Chi-square against uniform: 63 degrees of freedom, 99.9 % quantile is about 103.4.
  const double expected = 20000.0 * 16 / 64;
  double chi2 = 0;
  for (auto c : h1) chi2 += (c - expected) * (c - expected) / expected;
  EXPECT_LT(chi2, 103.4);
}

TEST(GPU_Rng, CudaHistogramEqualsCpuHistogram) {
  const auto cpu = bd::rng_histogram(99, 20000, 16, 64, bd::Device::cpu, 2);
  const auto gpu = bd::rng_histogram(99, 20000, 16, 64, bd::Device::cuda);
  EXPECT_EQ(cpu, gpu);
}

}  // namespace
