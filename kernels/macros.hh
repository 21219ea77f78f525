// Host/device portability macros: the same inline physics compiles under g++ (CPU backend)
// and nvcc (CUDA backend). Pattern after Celeritas corecel/Macros.hh.
#pragma once

#if defined(__CUDACC__)
#define BD_FUNCTION __host__ __device__
#define BD_FORCEINLINE __forceinline__
#else
#define BD_FUNCTION
#define BD_FORCEINLINE inline __attribute__((always_inline))
#endif

// True while compiling device code (the second nvcc pass), false on the host.
#if defined(__CUDA_ARCH__)
#define BD_DEVICE_COMPILE 1
#else
#define BD_DEVICE_COMPILE 0
#endif
