// betadose HDF5 dose files. Fuzzing runs the reader in this process
// (read_dose_file_in_this_process), so that libFuzzer sees the coverage of betadose's checks;
// tools/fuzz.sh runs this harness in libFuzzer's fork mode, keeps going past crashes, and sorts
// each crash: inside libhdf5 and refused cleanly by the product's reader (which rehearses the
// read in a child process) is a library defect the product contains; anything else a finding.
// With BETADOSE_FUZZ_PRODUCT_READER=1 the harness calls the product's read_dose_file instead
// (the sort's second test).
#include <cstdlib>

#include "betadose/dose_file.hh"
#include "fuzz_support.hh"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool product = std::getenv("BETADOSE_FUZZ_PRODUCT_READER") != nullptr;
  const std::string path = bd::fuzz::write_file("in.h5", data, size);
  if (product) {
    bd::fuzz::expect_reader([&] { bd::read_dose_file(path); });
  } else {
    bd::fuzz::expect_reader([&] { bd::read_dose_file_in_this_process(path); });
  }
  return 0;
}
