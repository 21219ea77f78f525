// DICOM RT structure sets (read_rtstruct, DCMTK dcmrt).
#include "betadose/rtstruct_io.hh"
#include "fuzz_support.hh"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = bd::fuzz::write_file("in.dcm", data, size);
  bd::fuzz::expect_reader([&] { bd::read_rtstruct(path); });
  return 0;
}
