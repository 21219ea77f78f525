// NRRD through betadose's image reader: .nrrd (attached data) or .nhdr whose "data file" may
// name data.raw, which holds the same bytes (first input byte decides).
#include "betadose/image_io.hh"
#include "fuzz_support.hh"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const bool detached = data[0] & 1;
  if (detached) bd::fuzz::write_file("data.raw", data + 1, size - 1);
  const std::string path = bd::fuzz::write_file(detached ? "in.nhdr" : "in.nrrd", data + 1, size - 1);
  bd::fuzz::expect_reader([&] { bd::read_image(path); });
  return 0;
}
