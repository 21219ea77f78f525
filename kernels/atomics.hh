// Portable atomic addition for tallies. Integer (fixed-point) addition is associative, so
// tallies are bitwise identical whatever the order threads add in (GPU.md item 4).
#pragma once

#include <cstdint>

#include "kernels/macros.hh"

namespace bd {

BD_FUNCTION BD_FORCEINLINE void atomic_add(unsigned long long* target, unsigned long long value) {
#if BD_DEVICE_COMPILE
  atomicAdd(target, value);
#else
  __atomic_fetch_add(target, value, __ATOMIC_RELAXED);
#endif
}


}  // namespace bd
