// Walker alias table construction (Vose's method, IEEE TSE 17 (1991) 972) for the decay
// position samplers of kernels/source_sampling.hh.
#pragma once

#include <cstdint>
#include <vector>

namespace bd {

struct AliasTable {
  std::vector<float> probability;      // acceptance probability per column
  std::vector<std::uint32_t> alias;    // alias column
};

// Table sampling index i with probability weight[i] / Σ weight. Throws InputError when a
// weight is negative or not finite, or all are zero.
AliasTable build_alias_table(const std::vector<double>& weight);

// Probability of each index implied by a table (tests).
std::vector<double> alias_table_probabilities(const AliasTable& table);

}  // namespace bd
