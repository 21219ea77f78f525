// The decay-history functors the engine instantiates, and their launchers: the CPU twin is
// kernels/transport.cpp (OpenMP, launch_cpu.hh), the CUDA one kernels/transport.cu
// (launch_cuda.cuh). Both run the very same functor objects (decay_history.hh).
#pragma once

#include <algorithm>
#include <cstdint>

#include "betadose/device.hh"
#include "kernels/decay_history.hh"
#include "kernels/geometry.hh"
#include "kernels/source_sampling.hh"
#include "kernels/spectrum_sampler.hh"
#include "kernels/tallies.hh"

namespace bd {

// Primary energy: monoenergetic when mono_MeV > 0, else the beta spectrum.
struct PrimaryEnergy {
  float mono_MeV = 0;
  SpectrumSamplerData spectrum;
  BD_FUNCTION float sample(PhiloxEngine& rng) const {
    return mono_MeV > 0.0f ? mono_MeV : static_cast<float>(spectrum_inverse_cdf(spectrum, rng.uniform_double()));
  }
};

// Voxel phantom, voxel tally, decays from a voxel alias table.
using VoxelDecayHistory = DecayHistory<VoxelGeometry, VoxelTally, VoxelSourceSampler, PrimaryEnergy>;
// Voxel phantom, voxel tally, decays at explicit points (microspheres).
using VoxelPointDecayHistory = DecayHistory<VoxelGeometry, VoxelTally, PointSourceSampler, PrimaryEnergy>;
// Infinite homogeneous medium, spherical shells, decays at points (the origin for kernels).
using PointDecayHistory = DecayHistory<InfiniteMedium, ShellTally, PointSourceSampler, PrimaryEnergy>;

// Secondary-queue capacity (particles per buffer) of a launch of `histories`: -1 = the
// device's default (CPU: none; GPU: 4 per history, at most kMaxDefaultQueueCuda), 0 = none
// (every secondary on the thread's stack), n > 0 = n. The dose does not depend on it
// (kernels/secondary_queue.hh).
inline constexpr std::int64_t kMaxDefaultQueueCuda = 1ll << 20;  // 4 buffers × 59 MB
inline std::int64_t secondary_queue_capacity(std::int64_t requested, Device device, std::uint64_t histories) {
  if (requested >= 0) return requested;
  if (device != Device::cuda) return 0;  // depth first on the stack: as fast, no passes
  const std::uint64_t cap = static_cast<std::uint64_t>(kMaxDefaultQueueCuda);
  return static_cast<std::int64_t>(histories < cap / 4 ? std::min<std::uint64_t>(4 * histories + 1024, cap) : cap);
}

// Run histories [begin, end) of `f` on `device` (threads: CPU only, 0 = OpenMP default;
// secondary_queue: see above). For Device::cuda every span in `f` must point to device
// memory; returns after completion.
void launch_histories(const VoxelDecayHistory& f, std::uint64_t begin, std::uint64_t end,
                      Device device, int threads, std::int64_t secondary_queue = -1);
void launch_histories(const PointDecayHistory& f, std::uint64_t begin, std::uint64_t end,
                      Device device, int threads, std::int64_t secondary_queue = -1);
void launch_histories(const VoxelPointDecayHistory& f, std::uint64_t begin, std::uint64_t end,
                      Device device, int threads, std::int64_t secondary_queue = -1);

namespace detail {
// kernels/transport.cu (throw when CUDA is not compiled); queue_capacity >= 0.
void launch_histories_cuda(const VoxelDecayHistory& f, std::uint64_t begin, std::uint64_t end,
                           std::int64_t queue_capacity);
void launch_histories_cuda(const PointDecayHistory& f, std::uint64_t begin, std::uint64_t end,
                           std::int64_t queue_capacity);
void launch_histories_cuda(const VoxelPointDecayHistory& f, std::uint64_t begin, std::uint64_t end,
                           std::int64_t queue_capacity);
// Theoretical occupancy of the voxel decay-history kernel on the current GPU (resident warps
// per SM / the SM's maximum, from its registers, shared memory and launch bounds); throws
// without CUDA.
double voxel_history_kernel_occupancy();
}  // namespace detail

}  // namespace bd
