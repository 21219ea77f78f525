// Runs the betadose program as a user would and checks exit codes and messages.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <memory>
#include <string>

#include "cli_runner.hh"

TEST(Cli, VersionAndInfo) {
  auto r = bd::test::run_cli("--version");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("betadose"), std::string::npos);
  r = bd::test::run_cli("info");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("CUDA backend"), std::string::npos);
}

TEST(Cli, BadInvocationExitsWithTwoAndOneLineReason) {
  auto r = bd::test::run_cli("info --no-such-option");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("no-such-option"), std::string::npos);
  r = bd::test::run_cli("frobnicate");
  EXPECT_EQ(r.exit_code, 2);
}
