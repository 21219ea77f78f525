// Host-owned tables mirrored to the GPU once (the "Params" side of the Celeritas data model):
// the host keeps a std::vector, the device a copy; kernels see only a trivially copyable
// Span of either. Without CUDA the device side is never allocated.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

#include "kernels/span.hh"

namespace bd {

namespace detail {
// Raw device memory helpers (src/core/device_memory.cpp); throw std::runtime_error on failure.
void* device_malloc(std::size_t bytes);
void device_free(void* ptr) noexcept;
void copy_host_to_device(void* dst, const void* src, std::size_t bytes);
void copy_device_to_host(void* dst, const void* src, std::size_t bytes);
void device_memset_zero(void* dst, std::size_t bytes);
}  // namespace detail

// Owning device allocation of n elements of a trivially copyable T.
template <class T>
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  explicit DeviceBuffer(std::size_t n) : size_(n) {
    if (n) ptr_ = static_cast<T*>(detail::device_malloc(n * sizeof(T)));
  }
  ~DeviceBuffer() { detail::device_free(ptr_); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  DeviceBuffer(DeviceBuffer&& o) noexcept { swap(o); }
  DeviceBuffer& operator=(DeviceBuffer&& o) noexcept {
    swap(o);
    return *this;
  }

  void upload(const T* src, std::size_t n) {
    if (n != size_) *this = DeviceBuffer(n);
    if (n) detail::copy_host_to_device(ptr_, src, n * sizeof(T));
  }
  void upload(const std::vector<T>& v) { upload(v.data(), v.size()); }
  std::vector<T> download() const {
    std::vector<T> out(size_);
    if (size_) detail::copy_device_to_host(out.data(), ptr_, size_ * sizeof(T));
    return out;
  }
  void zero() {
    if (size_) detail::device_memset_zero(ptr_, size_ * sizeof(T));
  }
  T* data() const { return ptr_; }
  std::size_t size() const { return size_; }
  Span<T> view() const { return {ptr_, size_}; }

 private:
  void swap(DeviceBuffer& o) noexcept {
    std::swap(ptr_, o.ptr_);
    std::swap(size_, o.size_);
  }
  T* ptr_ = nullptr;
  std::size_t size_ = 0;
};

// Immutable table with a host copy and, after mirror_to_device(), a device copy.
template <class T>
class MirroredArray {
 public:
  MirroredArray() = default;
  explicit MirroredArray(std::vector<T> host) : host_(std::move(host)) {}

  const std::vector<T>& host() const { return host_; }
  ConstSpan<T> host_view() const { return {host_.data(), host_.size()}; }
  void mirror_to_device() { device_.upload(host_); }
  ConstSpan<T> device_view() const { return {device_.data(), device_.size()}; }
  std::size_t size() const { return host_.size(); }

 private:
  std::vector<T> host_;
  DeviceBuffer<T> device_;
};

}  // namespace bd
