// CPU backend launcher: runs a history functor f(i) for i in [begin, end) with OpenMP.
// The functor is the very same object the CUDA launcher (launch_cuda.cuh) runs, so the CPU
// tests exercise the GPU physics. A C++ exception thrown inside one history is captured with
// its history index and rethrown on the calling thread (OpenMP forbids letting it escape).
#pragma once

#include <cstdint>
#include <exception>
#include <stdexcept>
#include <string>

#include <omp.h>

namespace bd {

class HistoryError : public std::runtime_error {
 public:
  HistoryError(std::uint64_t index, const std::string& what)
      : std::runtime_error("history " + std::to_string(index) + ": " + what), index_(index) {}
  std::uint64_t index() const { return index_; }

 private:
  std::uint64_t index_;
};

// threads <= 0 means the OpenMP default. Dynamic scheduling with small chunks balances the
// very uneven cost of histories (a 2 MeV electron vs a 10 keV one).
template <class F>
void launch_cpu(std::uint64_t begin, std::uint64_t end, const F& f, int threads = 0) {
  if (end <= begin) return;
  const int nthreads = threads > 0 ? threads : omp_get_max_threads();
  std::exception_ptr error;
  std::uint64_t error_index = 0;
  const auto n = static_cast<std::int64_t>(end - begin);
#pragma omp parallel for schedule(dynamic, 64) num_threads(nthreads)
  for (std::int64_t k = 0; k < n; ++k) {
    const std::uint64_t i = begin + static_cast<std::uint64_t>(k);
    try {
      f(i);
    } catch (...) {
#pragma omp critical(bd_launch_error)
      {
        if (!error || i < error_index) {
          error = std::current_exception();
          error_index = i;
        }
      }
    }
  }
  if (error) {
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      throw HistoryError(error_index, e.what());
    }
  }
}

}  // namespace bd
