// FFT-friendly grid sizes (shared by the FFT convolutions and the grids built for them).
#pragma once

#include <cstddef>

namespace bd {

// Smallest n' >= n whose prime factors are 2, 3, 5, 7 (fast FFTW sizes).
std::size_t fft_friendly_size(std::size_t n);

}  // namespace bd
