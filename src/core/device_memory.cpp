// Device memory and GPU queries. Compiled by the host compiler; uses only the CUDA runtime C
// API, so no .cu file is needed. Without CUDA every device entry point reports that the
// backend is not configured.
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <string>

#include "betadose/device.hh"
#include "betadose/device_array.hh"
#include "betadose/errors.hh"
#include "betadose/parallel.hh"

#if defined(BETADOSE_HAVE_CUDA)
#include <cuda_runtime_api.h>
#endif

namespace bd {

Device parse_device(const std::string& name) {
  if (name == "cpu") return Device::cpu;
  if (name == "cuda" || name == "gpu") return Device::cuda;
  throw InputError("--device: unknown device '" + name + "' (expected cpu or cuda)");
}

std::string to_string(Device device) { return device == Device::cpu ? "cpu" : "cuda"; }

bool cuda_compiled() {
#if defined(BETADOSE_HAVE_CUDA)
  return true;
#else
  return false;
#endif
}

int cuda_device_count() {
#if defined(BETADOSE_HAVE_CUDA)
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky "no driver" error
    return 0;
  }
  return n;
#else
  return 0;
#endif
}

std::string cuda_device_summary() {
#if defined(BETADOSE_HAVE_CUDA)
  std::ostringstream os;
  const int n = cuda_device_count();
  for (int i = 0; i < n; ++i) {
    cudaDeviceProp p{};
    if (cudaGetDeviceProperties(&p, i) != cudaSuccess) continue;
    os << (i ? "; " : "") << "GPU " << i << ": " << p.name << ", " << p.multiProcessorCount
       << " SMs, " << static_cast<double>(p.totalGlobalMem) / (1024.0 * 1024.0 * 1024.0)
       << " GiB, sm_" << p.major << p.minor;
  }
  return n ? os.str() : "no GPU visible";
#else
  return "CUDA backend not compiled";
#endif
}

void require_device(Device device) {
  if (device == Device::cpu) return;
  if (!cuda_compiled())
    throw InputError(
        "--device cuda: this betadose was built without the CUDA backend (rebuild with nvcc "
        "available or -DBETADOSE_CUDA=ON), or use --device cpu");
  const int n = cuda_device_count();
  if (n == 0)
    throw InputError("--device cuda: no CUDA GPU is visible on this machine; use --device cpu");
#if defined(BETADOSE_HAVE_CUDA)
  // One rank per GPU (issue 15): the local rank on this node picks the device, before any
  // CUDA context exists. With one visible GPU per rank (Slurm --gpus-per-task=1) that is 0.
  const int gpu = ranks().local_rank() % n;
  if (cudaSetDevice(gpu) != cudaSuccess)
    throw InputError("--device cuda: cannot use GPU " + std::to_string(gpu) + " (local rank " +
                     std::to_string(ranks().local_rank()) + " of this node)");
#endif
}

namespace detail {

#if defined(BETADOSE_HAVE_CUDA)
static void check(cudaError_t err, const char* what) {
  if (err != cudaSuccess)
    throw std::runtime_error(std::string("CUDA ") + what + " failed: " + cudaGetErrorString(err));
}
void* device_malloc(std::size_t bytes) {
  void* p = nullptr;
  check(cudaMalloc(&p, bytes), "cudaMalloc");
  return p;
}
void device_free(void* ptr) noexcept {
  if (ptr) cudaFree(ptr);
}
void copy_host_to_device(void* dst, const void* src, std::size_t bytes) {
  check(cudaMemcpy(dst, src, bytes, cudaMemcpyHostToDevice), "cudaMemcpy to device");
}
void copy_device_to_host(void* dst, const void* src, std::size_t bytes) {
  check(cudaMemcpy(dst, src, bytes, cudaMemcpyDeviceToHost), "cudaMemcpy to host");
}
void device_memset_zero(void* dst, std::size_t bytes) {
  check(cudaMemset(dst, 0, bytes), "cudaMemset");
}
#else
[[noreturn]] static void not_configured() {
  throw std::runtime_error("CUDA backend not configured in this build");
}
void* device_malloc(std::size_t) { not_configured(); }
void device_free(void*) noexcept {}
void copy_host_to_device(void*, const void*, std::size_t) { not_configured(); }
void copy_device_to_host(void*, const void*, std::size_t) { not_configured(); }
void device_memset_zero(void*, std::size_t) { not_configured(); }
#endif

}  // namespace detail
}  // namespace bd
