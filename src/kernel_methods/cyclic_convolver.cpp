#include "src/kernel_methods/cyclic_convolver.hh"

#include <fftw3.h>
#include <omp.h>

#include <algorithm>
#include <mutex>
#include <new>

#include "betadose/errors.hh"

namespace bd::detail {

namespace {

struct FftwFree {
  void operator()(void* p) const { fftw_free(p); }
};

// FFTW's planner is not thread-safe; its thread support is set up once.
std::mutex& planner_mutex() {
  static std::mutex m;
  return m;
}

void plan_threads() {
#ifdef BETADOSE_FFTW_THREADS
  static const bool ok = fftw_init_threads() != 0;
  if (ok) fftw_plan_with_nthreads(std::max(1, omp_get_max_threads()));
#endif
}

}  // namespace

struct CyclicConvolver::Impl {
  std::unique_ptr<double, FftwFree> real;
  std::unique_ptr<fftw_complex, FftwFree> spectrum, kernel;
  fftw_plan forward = nullptr, backward = nullptr;
  std::size_t ncplx = 0;
};

CyclicConvolver::CyclicConvolver(const std::array<std::size_t, 3>& n, const std::vector<double>& kernel)
    : impl_(new Impl) {
  nreal_ = n[0] * n[1] * n[2];
  BD_VALIDATE(nreal_ > 0 && kernel.size() == nreal_,
              "convolution: kernel of " << kernel.size() << " values for a grid of " << nreal_);
  Impl& m = *impl_;
  m.ncplx = (n[0] / 2 + 1) * n[1] * n[2];
  m.real.reset(fftw_alloc_real(nreal_));
  m.spectrum.reset(fftw_alloc_complex(m.ncplx));
  m.kernel.reset(fftw_alloc_complex(m.ncplx));
  if (!m.real || !m.spectrum || !m.kernel) throw std::bad_alloc();
  {
    std::lock_guard<std::mutex> lock(planner_mutex());
    plan_threads();
    const int n0 = static_cast<int>(n[2]), n1 = static_cast<int>(n[1]), n2 = static_cast<int>(n[0]);
    m.forward = fftw_plan_dft_r2c_3d(n0, n1, n2, m.real.get(), m.spectrum.get(), FFTW_ESTIMATE);
    m.backward = fftw_plan_dft_c2r_3d(n0, n1, n2, m.spectrum.get(), m.real.get(), FFTW_ESTIMATE);
  }
  if (!m.forward || !m.backward) throw std::runtime_error("FFTW: planning failed");
  std::copy(kernel.begin(), kernel.end(), m.real.get());
  fftw_execute_dft_r2c(m.forward, m.real.get(), m.kernel.get());
  // The 1/N of the unnormalised inverse transform goes into the kernel once.
  const double norm = 1.0 / static_cast<double>(nreal_);
  for (std::size_t i = 0; i < m.ncplx; ++i) {
    m.kernel.get()[i][0] *= norm;
    m.kernel.get()[i][1] *= norm;
  }
}

CyclicConvolver::~CyclicConvolver() {
  std::lock_guard<std::mutex> lock(planner_mutex());
  if (impl_->forward) fftw_destroy_plan(impl_->forward);
  if (impl_->backward) fftw_destroy_plan(impl_->backward);
}

void CyclicConvolver::convolve(const double* in, double* out) {
  Impl& m = *impl_;
  std::copy(in, in + nreal_, m.real.get());
  fftw_execute(m.forward);
  fftw_complex* A = m.spectrum.get();
  const fftw_complex* K = m.kernel.get();
  const std::ptrdiff_t nc = static_cast<std::ptrdiff_t>(m.ncplx);
#pragma omp parallel for schedule(static)
  for (std::ptrdiff_t i = 0; i < nc; ++i) {
    const double re = A[i][0] * K[i][0] - A[i][1] * K[i][1];
    const double im = A[i][0] * K[i][1] + A[i][1] * K[i][0];
    A[i][0] = re;
    A[i][1] = im;
  }
  fftw_execute(m.backward);
  std::copy(m.real.get(), m.real.get() + nreal_, out);
}

}  // namespace bd::detail
