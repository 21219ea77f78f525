// The one numeric validator (value_checks.hh): counts never wrap, reals are finite and in
// range, outputs refuse NaN/Inf with the first voxel named.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "betadose/errors.hh"
#include "betadose/value_checks.hh"
#include "support/error_message.hh"

TEST(ValueChecks, CountsAreWholeNumbersWithoutWrapAround) {
  EXPECT_EQ(bd::parse_count("2000", "--histories"), 2000u);
  EXPECT_EQ(bd::parse_count("2e7", "--histories"), 20000000u);
  EXPECT_EQ(bd::parse_count("2.5E3", "--histories"), 2500u);
  EXPECT_EQ(bd::parse_count("010", "--seed"), 10u);  // decimal, not octal
  EXPECT_EQ(bd::parse_count("18446744073709551615", "--seed"), std::numeric_limits<std::uint64_t>::max());
  for (const char* bad : {"-1", "-0", "1.5", "0x10", "nan", "inf", "", " 5", "5 ", "1e", "e5", "++1", "1,000"}) {
    const std::string e = bd::test::error_message([&] { bd::parse_count(bad, "--histories"); });
    EXPECT_NE(e.find("--histories"), std::string::npos) << bad << ": " << e;
    EXPECT_NE(e.find("not a whole number"), std::string::npos) << bad << ": " << e;
  }
  EXPECT_NE(bd::test::error_message([] { bd::parse_count("18446744073709551616", "--seed"); }).find("out of range"),
            std::string::npos);
  EXPECT_NE(bd::test::error_message([] { bd::parse_count("1e300", "--seed"); }).find("out of range"), std::string::npos);
  EXPECT_NE(bd::test::error_message([] { bd::parse_count("0", "--histories", 1, 10); }).find("from 1 to 10"), std::string::npos);
}

TEST(ValueChecks, SignedWholeNumbersAndThreads) {
  EXPECT_EQ(bd::parse_whole("-3", "--x", -5, 5), -3);
  EXPECT_EQ(bd::parse_whole("+3", "--x", -5, 5), 3);
  EXPECT_THROW(bd::parse_whole("-6", "--x", -5, 5), bd::InputError);
  EXPECT_EQ(bd::parse_threads("0"), 0);
  EXPECT_EQ(bd::parse_threads(std::to_string(bd::kMaxThreads)), bd::kMaxThreads);
  for (const char* bad : {"-1", "100000", "2.5", "many"})
    EXPECT_NE(bd::test::error_message([&] { bd::parse_threads(bad); }).find("--threads"), std::string::npos) << bad;
  EXPECT_THROW(bd::check_threads(-2), bd::InputError);
  EXPECT_NO_THROW(bd::check_threads(4));
}

TEST(ValueChecks, RealsAreFiniteAndInRange) {
  EXPECT_DOUBLE_EQ(bd::parse_real("0.25", "--lung-shunt", bd::ValueRange::half_open(0, 1)), 0.25);
  EXPECT_DOUBLE_EQ(bd::parse_real("-1e-3", "--x"), -1e-3);
  for (const char* bad : {"nan", "NaN", "inf", "-inf", "1e999", "0x1p3", "1.2.3", ""})
    EXPECT_THROW(bd::parse_real(bad, "--x"), bd::InputError) << bad;
  const std::string e = bd::test::error_message([] { bd::parse_real("1", "--lung-shunt", bd::ValueRange::half_open(0, 1)); });
  EXPECT_NE(e.find("in [0, 1)"), std::string::npos) << e;
  EXPECT_THROW(bd::parse_real("0", "--voxel", bd::ValueRange::positive()), bd::InputError);
  EXPECT_NO_THROW(bd::parse_real("0", "--v", bd::ValueRange::non_negative()));
  EXPECT_THROW(bd::check_real(std::nan(""), "--x", bd::ValueRange::any()), bd::InputError);
  EXPECT_EQ(bd::ValueRange::positive().describe(), "> 0");
}

TEST(ValueChecks, NonFiniteOutputIsRefusedWithCountAndFirstVoxel) {
  bd::Grid g;
  g.size = {{3, 2, 2}};
  std::vector<float> v(12, 1.0f);
  EXPECT_NO_THROW(bd::require_finite_output(v.data(), v.size(), &g, "dose.h5: /dose"));
  v[7] = std::numeric_limits<float>::infinity();  // (1, 0, 1)
  v[10] = std::nanf("");
  try {
    bd::require_finite_output(v.data(), v.size(), &g, "dose.h5: /dose");
    FAIL() << "no error";
  } catch (const bd::CheckFailed& e) {  // exit code 1
    const std::string m = e.what();
    EXPECT_NE(m.find("dose.h5: /dose"), std::string::npos) << m;
    EXPECT_NE(m.find("2 of 12"), std::string::npos) << m;
    EXPECT_NE(m.find("voxel (1, 0, 1)"), std::string::npos) << m;
  }
}
