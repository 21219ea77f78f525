// CPU launch of the decay histories; the CUDA twin is transport.cu.
#include <stdexcept>

#include "kernels/launch_cpu.hh"
#include "kernels/transport_launch.hh"

namespace bd {

namespace {
// The same dispatch for every history functor: CUDA twin in transport.cu, else OpenMP.
template <class History>
void dispatch(const History& f, std::uint64_t begin, std::uint64_t end, Device device, int threads) {
  if (device == Device::cuda) {
    require_device(device);
    detail::launch_histories_cuda(f, begin, end);
    return;
  }
  launch_cpu(begin, end, f, threads);
}
}  // namespace

void launch_histories(const VoxelDecayHistory& f, std::uint64_t begin, std::uint64_t end,
                      Device device, int threads) {
  dispatch(f, begin, end, device, threads);
}

void launch_histories(const PointDecayHistory& f, std::uint64_t begin, std::uint64_t end,
                      Device device, int threads) {
  dispatch(f, begin, end, device, threads);
}

void launch_histories(const VoxelPointDecayHistory& f, std::uint64_t begin, std::uint64_t end,
                      Device device, int threads) {
  dispatch(f, begin, end, device, threads);
}

#if !defined(BETADOSE_HAVE_CUDA)
namespace detail {
void launch_histories_cuda(const VoxelDecayHistory&, std::uint64_t, std::uint64_t) {
  throw std::runtime_error("CUDA backend not configured in this build");
}
void launch_histories_cuda(const PointDecayHistory&, std::uint64_t, std::uint64_t) {
  throw std::runtime_error("CUDA backend not configured in this build");
}
void launch_histories_cuda(const VoxelPointDecayHistory&, std::uint64_t, std::uint64_t) {
  throw std::runtime_error("CUDA backend not configured in this build");
}
double voxel_history_kernel_occupancy() { throw std::runtime_error("CUDA backend not configured in this build"); }
}  // namespace detail
#endif

}  // namespace bd
