// CUDA launch of the decay histories (same functors as transport.cpp).
#include <cstdio>
#include <stdexcept>
#include <string>

#include "kernels/launch_cuda.cuh"
#include "kernels/secondary_queue.hh"
#include "kernels/transport_launch.hh"

namespace bd::detail {
namespace {
void check(cudaError_t err, const char* what) {
  if (err != cudaSuccess) throw std::runtime_error(std::string(what) + ": " + cudaGetErrorString(err));
}

// The secondary-queue backend of run_with_secondary_queue on the GPU: the device buffers
// and their claim counters (freed on every path out). claimed() copies a counter back,
// which waits for the pass that fills it. allocated() is false when the device had no room
// for the buffers (the launch then keeps every secondary on the stack: the same histories).
template <class History>
class CudaQueueOps {
 public:
  CudaQueueOps(unsigned long long capacity, const char* what) : capacity_(capacity), what_(what) {
    for (int b = 0; b < kQueueBuffers && allocated_; ++b) {
      allocated_ = cudaMalloc(reinterpret_cast<void**>(&items_[b]), capacity * sizeof(QueuedParticle)) == cudaSuccess &&
                   cudaMalloc(reinterpret_cast<void**>(&claimed_[b]), sizeof(unsigned long long)) == cudaSuccess;
    }
    if (!allocated_) cudaGetLastError();  // clear the allocation error: nothing is left in a bad state
  }
  bool allocated() const { return allocated_; }
  ~CudaQueueOps() {
    for (int b = 0; b < kQueueBuffers; ++b) {
      if (items_[b]) cudaFree(items_[b]);
      if (claimed_[b]) cudaFree(claimed_[b]);
    }
  }
  CudaQueueOps(const CudaQueueOps&) = delete;
  CudaQueueOps& operator=(const CudaQueueOps&) = delete;

  unsigned long long capacity() const { return capacity_; }
  void clear(int b) { check(cudaMemset(claimed_[b], 0, sizeof(unsigned long long)), what_); }
  unsigned long long claimed(int b) const {
    unsigned long long n = 0;
    check(cudaMemcpy(&n, claimed_[b], sizeof n, cudaMemcpyDeviceToHost), what_);
    return n;
  }
  SecondaryQueue queue(int b) { return SecondaryQueue{items_[b], claimed_[b], capacity_}; }
  void launch_primaries(const History& f, std::uint64_t lo, std::uint64_t hi) {
    check(launch_cuda_reduced(lo, hi, QueuedPrimaries<History>(f)), what_);
  }
  void launch_queued(const History& f, std::uint64_t n) {
    check(launch_cuda_reduced(0, n, QueuedSecondaries<History>(f)), what_);
  }

 private:
  unsigned long long capacity_;
  const char* what_;
  bool allocated_ = true;
  QueuedParticle* items_[kQueueBuffers] = {};
  unsigned long long* claimed_[kQueueBuffers] = {};
};

template <class History>
void launch(const History& f, std::uint64_t begin, std::uint64_t end, std::int64_t queue_capacity, const char* what) {
  bool queued = false;
  if (queue_capacity > 0) {
    CudaQueueOps<History> ops(static_cast<unsigned long long>(queue_capacity), what);
    if (ops.allocated()) {
      run_with_secondary_queue(f, begin, end, ops);
      queued = true;
    } else {
      static bool told = false;
      if (!told) {
        std::fprintf(stderr, "betadose: no device memory for the secondary queue (%llu particles per buffer); "
                             "secondaries stay on the per-thread stack (same histories)\n",
                     static_cast<unsigned long long>(queue_capacity));
        told = true;
      }
    }
  }
  if (!queued) check(launch_cuda_reduced(begin, end, f), what);
  check(cudaDeviceSynchronize(), what);
}
}  // namespace

void launch_histories_cuda(const VoxelDecayHistory& f, std::uint64_t begin, std::uint64_t end,
                           std::int64_t queue_capacity) {
  launch(f, begin, end, queue_capacity, "voxel transport");
}

void launch_histories_cuda(const PointDecayHistory& f, std::uint64_t begin, std::uint64_t end,
                           std::int64_t queue_capacity) {
  launch(f, begin, end, queue_capacity, "point-kernel transport");
}

void launch_histories_cuda(const VoxelPointDecayHistory& f, std::uint64_t begin, std::uint64_t end,
                           std::int64_t queue_capacity) {
  launch(f, begin, end, queue_capacity, "point-source voxel transport");
}

// Of the kernel that transports the primaries of the voxel runs (the default, queued mode).
double voxel_history_kernel_occupancy() {
  int device = 0, blocks = 0, max_threads = 0;
  check(cudaGetDevice(&device), "cudaGetDevice");
  check(cudaDeviceGetAttribute(&max_threads, cudaDevAttrMaxThreadsPerMultiProcessor, device), "device attributes");
  check(cudaOccupancyMaxActiveBlocksPerMultiprocessor(
            &blocks, reduced_history_kernel<QueuedPrimaries<VoxelDecayHistory>>, kHistoryBlockSize, 0),
        "occupancy");
  return static_cast<double>(blocks * kHistoryBlockSize) / max_threads;
}

}  // namespace bd::detail
