// Cyclic 3-D convolution by FFT (FFTW3 r2c/c2r, double) with a kernel whose spectrum is
// computed once and reused (private to the kernel-methods library). A linear convolution is
// a cyclic one on a grid padded by at least the kernel's reach.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <vector>

#include "betadose/fft_size.hh"

namespace bd::detail {

class CyclicConvolver {
 public:
  // `n` = {nx, ny, nz}; `kernel` has nx·ny·nz values, x fastest, offset (0,0,0) at index 0 and
  // negative offsets wrapped (index (n − d) mod n). Uses the OpenMP threads when FFTW has them.
  CyclicConvolver(const std::array<std::size_t, 3>& n, const std::vector<double>& kernel);
  ~CyclicConvolver();
  CyclicConvolver(const CyclicConvolver&) = delete;
  CyclicConvolver& operator=(const CyclicConvolver&) = delete;

  // out[x] = Σ_y in[y] K[(x − y) mod n] for arrays of nx·ny·nz values (out may be in).
  // Not reentrant: one call at a time per convolver.
  void convolve(const double* in, double* out);
  std::size_t size() const { return nreal_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::size_t nreal_ = 0;
};

}  // namespace bd::detail
