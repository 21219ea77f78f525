// Counter-based random numbers: Random123 Philox4x32-10 (Salmon et al., SC'11,
// "Parallel random numbers: as easy as 1, 2, 3").
// A stream is fully determined by (run seed, history index, lineage): the key holds the
// seed, the counter holds the history index, the lineage (0 = the primary; a secondary's is a
// function of its place in the history's tree, child_lineage in kernels/secondary_queue.hh)
// and a block counter. No state is stored between histories, so
// results cannot depend on thread count, batch split or device.
#pragma once

#include <cstdint>

#include <Random123/philox.h>

#include "kernels/macros.hh"
#include "kernels/physics_model.hh"

namespace bd {

inline constexpr PhysicsModel kRandomNumberModel{
    "random numbers",
    "Random123 Philox4x32-10, counter-based, keyed by (run seed, history index, lineage): "
    "results independent of threads, batches and device",
    "Salmon et al., Proc SC'11 (2011), doi:10.1145/2063384.2063405"};

class PhiloxEngine {
 public:
  using Generator = r123::Philox4x32;  // 10 rounds
  using result_type = std::uint32_t;

  BD_FUNCTION PhiloxEngine(std::uint64_t seed, std::uint64_t history, std::uint32_t lineage = 0) {
    key_ = {{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
    ctr_ = {{static_cast<std::uint32_t>(history), static_cast<std::uint32_t>(history >> 32),
             lineage, 0u}};
    next_ = 4;
  }

  // Next raw 32-bit draw.
  BD_FUNCTION std::uint32_t operator()() {
    if (next_ == 4) {
      out_ = Generator()(ctr_, key_);
      ++ctr_.v[3];
      next_ = 0;
    }
    return out_.v[next_++];
  }

  // Uniform float in the open interval (0, 1): safe for log() and division.
  BD_FUNCTION float uniform() {
    return (static_cast<float>((*this)() >> 8) + 0.5f) * (1.0f / 16777216.0f);
  }

  // Uniform double in (0, 1) with 53 random bits, for sampling that needs resolution
  // beyond float (alias-table column choice over millions of voxels).
  BD_FUNCTION double uniform_double() {
    const std::uint64_t hi = (*this)() >> 5;  // 27 bits
    const std::uint64_t lo = (*this)() >> 6;  // 26 bits
    return (static_cast<double>((hi << 26) | lo) + 0.5) * (1.0 / 9007199254740992.0);
  }

  // Engine for the n-th secondary of the same history: an independent stream.
  BD_FUNCTION PhiloxEngine spawn(std::uint32_t lineage) const {
    PhiloxEngine child = *this;
    child.ctr_.v[2] = lineage;
    child.ctr_.v[3] = 0;
    child.next_ = 4;
    return child;
  }

  BD_FUNCTION std::uint32_t lineage() const { return ctr_.v[2]; }

 private:
  Generator::key_type key_;
  Generator::ctr_type ctr_;
  Generator::ctr_type out_;
  unsigned next_;
};

}  // namespace bd
