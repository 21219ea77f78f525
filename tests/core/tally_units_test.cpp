// to_tally_units (kernels/tallies.hh): the integer-only conversion of a float energy to tally
// units is round(E · 1e9) exactly, checked against long-double arithmetic (64-bit significand:
// the products m · 1e9 < 2^54 are exact in it) over every binade of the transport's energies
// and the edge cases.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

#include "kernels/tallies.hh"

namespace {
unsigned long long reference(float e) { return static_cast<unsigned long long>(std::llroundl(static_cast<long double>(e) * 1e9L)); }
}  // namespace

TEST(TallyUnits, IsTheExactlyRoundedProduct) {
  std::mt19937_64 gen(7);
  std::uniform_real_distribution<double> log10e(-12.0, std::log10(20.0));  // 1e-12 .. 20 MeV
  std::size_t differ = 0;
  for (int i = 0; i < 300000; ++i) {
    const float e = static_cast<float>(std::pow(10.0, log10e(gen)));
    differ += bd::to_tally_units(e) != reference(e);
  }
  EXPECT_EQ(differ, 0u);
  // Exact multiples and half-unit ties (0.5e-9 MeV is not a float; 2^-k are exact).
  for (int k = 0; k < 60; ++k) {
    const float e = std::ldexp(1.0f, -k);
    EXPECT_EQ(bd::to_tally_units(e), reference(e)) << "2^-" << k;
  }
  EXPECT_EQ(bd::to_tally_units(1.0f), 1000000000ull);
  EXPECT_EQ(bd::to_tally_units(2.28f), reference(2.28f));
  EXPECT_EQ(bd::to_tally_units(0.0f), 0ull);
  EXPECT_EQ(bd::to_tally_units(-0.0f), 0ull);
  EXPECT_EQ(bd::to_tally_units(-1.0f), 0ull);
  EXPECT_EQ(bd::to_tally_units(std::numeric_limits<float>::denorm_min()), 0ull);
  EXPECT_EQ(bd::to_tally_units(std::numeric_limits<float>::quiet_NaN()), 0ull);
  EXPECT_EQ(bd::to_tally_units(std::numeric_limits<float>::infinity()), 0ull);
  // Exact up to 2^32 MeV (far beyond any deposit), saturated beyond (no shift overflow).
  for (const float big : {std::nextafter(8388608.0f, 0.0f), 8388608.0f, 4.0e9f}) {
    EXPECT_EQ(bd::to_tally_units(big), reference(big)) << big;
  }
  EXPECT_EQ(bd::to_tally_units(1e30f), ~0ull);
  EXPECT_EQ(bd::to_tally_units(std::numeric_limits<float>::max()), ~0ull);
}
