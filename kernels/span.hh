// Minimal non-owning view of contiguous data, usable on host and device (std::span is C++20
// and not device-callable). Trivially copyable so views can be passed to kernels by value.
#pragma once

#include <cstddef>
#include <type_traits>

#include "kernels/assert.hh"
#include "kernels/macros.hh"

namespace bd {

template <class T>
struct Span {
  T* data_ = nullptr;
  std::size_t size_ = 0;

  BD_FUNCTION constexpr Span() = default;
  BD_FUNCTION constexpr Span(T* data, std::size_t size) : data_(data), size_(size) {}

  BD_FUNCTION constexpr T* data() const { return data_; }
  BD_FUNCTION constexpr std::size_t size() const { return size_; }
  BD_FUNCTION constexpr bool empty() const { return size_ == 0; }
  BD_FUNCTION T& operator[](std::size_t i) const {
    BD_ASSERT(i < size_);
    return data_[i];
  }
  BD_FUNCTION T* begin() const { return data_; }
  BD_FUNCTION T* end() const { return data_ + size_; }
};

template <class T>
using ConstSpan = Span<const T>;

static_assert(std::is_trivially_copyable<Span<double>>::value, "views must be trivially copyable");

}  // namespace bd
