// 3D Slicer .seg.nrrd segmentations (read_segmentation).
#include "betadose/segmentation_io.hh"
#include "fuzz_support.hh"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = bd::fuzz::write_file("in.seg.nrrd", data, size);
  bd::fuzz::expect_reader([&] { bd::read_segmentation(path); });
  return 0;
}
