// Host random streams for the deposition models (private to src/microspheres): a Philox
// stream keyed by (run key, index, purpose), usable with <random> distributions. The same
// (key, index, purpose) gives the same numbers on any thread, in any order.
#pragma once

#include <cstdint>
#include <limits>

#include "kernels/rng.hh"

namespace bd::detail {

// What a stream is used for: independent streams of one index.
enum class Purpose : std::uint32_t {
  split = 1,      // binomial split of a node's spheres
  tree_side = 2,  // which daughter gets p
  diameter = 3,   // diameters of the spheres of a voxel
  position = 4,   // positions inside a voxel
  cluster_size = 5,
  offspring = 6,  // positions of a cluster's spheres
  rounding = 7,   // stochastic rounding of a macro voxel's count
  lattice = 8,    // lattice offset
};

// SplitMix64 finaliser (Steele, Lea & Flood, OOPSLA 2014): decorrelates user seeds.
inline std::uint64_t mix64(std::uint64_t z) {
  z += 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

inline std::uint64_t run_key(std::uint64_t seed, std::uint64_t realisation, std::uint64_t stream) {
  return mix64(mix64(mix64(seed) ^ realisation) ^ (stream + 0x51ed2701u));
}

// A UniformRandomBitGenerator over PhiloxEngine.
class KeyedStream {
 public:
  using result_type = std::uint32_t;
  KeyedStream(std::uint64_t key, std::uint64_t index, Purpose purpose)
      : engine_(key, index, static_cast<std::uint32_t>(purpose)) {}
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }
  result_type operator()() { return engine_(); }
  double uniform() { return engine_.uniform_double(); }  // in (0, 1)

 private:
  PhiloxEngine engine_;
};

}  // namespace bd::detail
