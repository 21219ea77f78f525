// The tiny case of the mc CLI tests: a 16^3 CT at 3 mm (soft tissue 40 HU in a water-like block
// with air around, a "liver" cube 60 HU and its mask), and an activity map in counts on a
// coarser 6 mm grid with another origin (dose grid 9^3).
#pragma once

#include <filesystem>
#include <string>

#include "betadose/image_io.hh"

namespace bd::test {

struct TinyMcCase {
  std::string ct, liver, activity;
  Volume<float> counts;  // the activity map as written
};

inline TinyMcCase write_tiny_mc_case(const std::filesystem::path& dir) {
  TinyMcCase c;
  Grid g;
  g.size = {{16, 16, 16}};
  g.spacing_mm = {{3, 3, 3}};
  g.origin_mm = {{-22.5, -22.5, -22.5}};
  Volume<float> hu(g, -1000.0f);
  Volume<std::uint8_t> liv(g, 0);
  for (std::size_t k = 2; k < 14; ++k)
    for (std::size_t j = 2; j < 14; ++j)
      for (std::size_t i = 2; i < 14; ++i) {
        hu(i, j, k) = 40.0f;
        if (i >= 4 && i < 12 && j >= 4 && j < 12 && k >= 4 && k < 12) {
          hu(i, j, k) = 60.0f;
          liv(i, j, k) = 1;
        }
      }
  c.ct = (dir / "ct.nii.gz").string();
  c.liver = (dir / "liver.nii.gz").string();
  write_image(c.ct, hu);
  write_image(c.liver, liv);
  Grid ga;
  ga.size = {{9, 9, 9}};
  ga.spacing_mm = {{6, 6, 6}};
  ga.origin_mm = {{-25, -24, -23}};
  c.counts = Volume<float>(ga, 0.0f);
  for (std::size_t k = 3; k < 6; ++k)
    for (std::size_t j = 3; j < 6; ++j)
      for (std::size_t i = 3; i < 6; ++i) c.counts(i, j, k) = 100.0f + 10.0f * static_cast<float>(i);
  c.activity = (dir / "spect.mha").string();
  write_image(c.activity, c.counts);
  return c;
}

}  // namespace bd::test
