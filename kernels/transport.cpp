// CPU launch of the decay histories; the CUDA twin is transport.cu.
#include <stdexcept>
#include <vector>

#include "kernels/launch_cpu.hh"
#include "kernels/secondary_queue.hh"
#include "kernels/transport_launch.hh"

namespace bd {

namespace {

// The secondary-queue backend of run_with_secondary_queue on the CPU: host buffers, OpenMP
// passes (the claim counters are read after each parallel loop, i.e. after its barrier).
template <class History>
class CpuQueueOps {
 public:
  CpuQueueOps(unsigned long long capacity, int threads) : capacity_(capacity), threads_(threads) {
    for (auto& b : buffer_) b.resize(capacity);
  }
  unsigned long long capacity() const { return capacity_; }
  void clear(int b) { claimed_[b] = 0; }
  unsigned long long claimed(int b) const { return claimed_[b]; }
  SecondaryQueue queue(int b) { return SecondaryQueue{buffer_[b].data(), &claimed_[b], capacity_}; }
  void launch_primaries(const History& f, std::uint64_t lo, std::uint64_t hi) {
    launch_cpu(lo, hi, QueuedPrimaries<History>(f), threads_);
  }
  void launch_queued(const History& f, std::uint64_t n) {
    launch_cpu(0, n, QueuedSecondaries<History>(f), threads_);
  }

 private:
  unsigned long long capacity_;
  int threads_;
  std::vector<QueuedParticle> buffer_[kQueueBuffers];
  unsigned long long claimed_[kQueueBuffers] = {};
};

// The same dispatch for every history functor: CUDA twin in transport.cu, else OpenMP.
template <class History>
void dispatch(const History& f, std::uint64_t begin, std::uint64_t end, Device device, int threads,
              std::int64_t secondary_queue) {
  const std::int64_t capacity = secondary_queue_capacity(secondary_queue, device, end - begin);
  if (device == Device::cuda) {
    require_device(device);
    detail::launch_histories_cuda(f, begin, end, capacity);
    return;
  }
  if (capacity > 0) {
    CpuQueueOps<History> ops(static_cast<unsigned long long>(capacity), threads);
    run_with_secondary_queue(f, begin, end, ops);
    return;
  }
  launch_cpu(begin, end, f, threads);
}
}  // namespace

void launch_histories(const VoxelDecayHistory& f, std::uint64_t begin, std::uint64_t end,
                      Device device, int threads, std::int64_t secondary_queue) {
  dispatch(f, begin, end, device, threads, secondary_queue);
}

void launch_histories(const PointDecayHistory& f, std::uint64_t begin, std::uint64_t end,
                      Device device, int threads, std::int64_t secondary_queue) {
  dispatch(f, begin, end, device, threads, secondary_queue);
}

void launch_histories(const VoxelPointDecayHistory& f, std::uint64_t begin, std::uint64_t end,
                      Device device, int threads, std::int64_t secondary_queue) {
  dispatch(f, begin, end, device, threads, secondary_queue);
}

#if !defined(BETADOSE_HAVE_CUDA)
namespace detail {
void launch_histories_cuda(const VoxelDecayHistory&, std::uint64_t, std::uint64_t, std::int64_t) {
  throw std::runtime_error("CUDA backend not configured in this build");
}
void launch_histories_cuda(const PointDecayHistory&, std::uint64_t, std::uint64_t, std::int64_t) {
  throw std::runtime_error("CUDA backend not configured in this build");
}
void launch_histories_cuda(const VoxelPointDecayHistory&, std::uint64_t, std::uint64_t, std::int64_t) {
  throw std::runtime_error("CUDA backend not configured in this build");
}
double voxel_history_kernel_occupancy() { throw std::runtime_error("CUDA backend not configured in this build"); }
}  // namespace detail
#endif

}  // namespace bd
