// The HDF5 file written by `betadose compare --out diff.h5` (implementation in src/io):
//   /dose_a, /dose_b [Gy], /difference_gy (B − A), /relative_difference ((B − A)/A above the
//   threshold, else 0), /gamma (−1 where not evaluated): float32 [nz][ny][nx], x fastest;
//   root attributes: filetype = "betadose-comparison", version, spacing_mm[3], origin_mm[3],
//   direction[9], file_a, file_b, and the numeric results (gamma_pass_rate, ...).
// Written atomically (temporary file + rename). Readable with h5py without betadose.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "betadose/grid.hh"

namespace bd {

struct ComparisonFile {
  Grid grid;
  std::map<std::string, std::vector<float>> maps;       // dataset name -> voxel values
  std::map<std::string, double> numbers;                // numeric root attributes
  std::map<std::string, std::string> texts;             // string root attributes
};

// Throws InputError naming the path when it cannot be written or a map has the wrong size.
void write_comparison_file(const std::string& path, const ComparisonFile& file);

}  // namespace bd
