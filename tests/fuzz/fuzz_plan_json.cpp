// `report --plan plan.json` (the output of `betadose plan --json`).
#include "betadose/report.hh"
#include "fuzz_support.hh"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = bd::fuzz::write_file("in.json", data, size);
  bd::fuzz::expect_reader([&] { bd::read_plan_summary(path); });
  return 0;
}
