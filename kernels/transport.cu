// CUDA launch of the decay histories (same functors as transport.cpp).
#include <stdexcept>
#include <string>

#include "kernels/launch_cuda.cuh"
#include "kernels/transport_launch.hh"

namespace bd::detail {
namespace {
void check(cudaError_t err, const char* what) {
  if (err != cudaSuccess) throw std::runtime_error(std::string(what) + ": " + cudaGetErrorString(err));
}
}  // namespace

void launch_histories_cuda(const VoxelDecayHistory& f, std::uint64_t begin, std::uint64_t end) {
  check(launch_cuda_reduced(begin, end, f), "voxel transport launch");
  check(cudaDeviceSynchronize(), "voxel transport");
}

void launch_histories_cuda(const PointDecayHistory& f, std::uint64_t begin, std::uint64_t end) {
  check(launch_cuda_reduced(begin, end, f), "point-kernel transport launch");
  check(cudaDeviceSynchronize(), "point-kernel transport");
}

void launch_histories_cuda(const VoxelPointDecayHistory& f, std::uint64_t begin, std::uint64_t end) {
  check(launch_cuda_reduced(begin, end, f), "point-source voxel transport launch");
  check(cudaDeviceSynchronize(), "point-source voxel transport");
}

double voxel_history_kernel_occupancy() {
  int device = 0, blocks = 0, max_threads = 0;
  check(cudaGetDevice(&device), "cudaGetDevice");
  check(cudaDeviceGetAttribute(&max_threads, cudaDevAttrMaxThreadsPerMultiProcessor, device), "device attributes");
  check(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, reduced_history_kernel<VoxelDecayHistory>,
                                                      kHistoryBlockSize, 0),
        "occupancy");
  return static_cast<double>(blocks * kHistoryBlockSize) / max_threads;
}

}  // namespace bd::detail
