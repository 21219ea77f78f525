// Test main shared by all betadose test binaries.
// - Suites named GPU_* need a CUDA device: they are filtered out when none is visible
//   (BETADOSE_REQUIRE_GPU=1 turns that into a failure, for tools/device-check.sh).
// - A run in which no test executed fails: a filter typo must not look like success.
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <string>

#include "betadose/device.hh"

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  const bool require_gpu = std::getenv("BETADOSE_REQUIRE_GPU") != nullptr;
  if (bd::cuda_device_count() == 0) {
    if (require_gpu) {
      std::cerr << "BETADOSE_REQUIRE_GPU is set but no CUDA GPU is visible ("
                << bd::cuda_device_summary() << ")\n";
      return 1;
    }
    std::string filter = testing::GTEST_FLAG(filter);
    filter += (filter.find('-') == std::string::npos) ? "-GPU_*" : ":GPU_*";
    testing::GTEST_FLAG(filter) = filter;
    std::cout << "[betadose] no GPU visible: GPU_* tests skipped\n";
  }
  const int rc = RUN_ALL_TESTS();
  const auto* unit = testing::UnitTest::GetInstance();
  if (unit->test_to_run_count() == 0) {
    std::cerr << "[betadose] no test ran: check the --gtest_filter\n";
    return 1;
  }
  return rc;
}
