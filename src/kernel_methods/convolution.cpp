// Local deposition and FFT convolution dose (FFTW3, double precision).
#include <fftw3.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <memory>
#include <mutex>

#include "betadose/errors.hh"
#include "betadose/kernel_methods.hh"

namespace bd {

namespace {

// Smallest n' >= n whose prime factors are 2, 3, 5, 7 (fast FFTW sizes).
std::size_t fft_size(std::size_t n) {
  for (std::size_t m = std::max<std::size_t>(n, 1);; ++m) {
    std::size_t r = m;
    for (std::size_t p : {2u, 3u, 5u, 7u})
      while (r % p == 0) r /= p;
    if (r == 1) return m;
  }
}

struct FftwFree {
  void operator()(void* p) const { fftw_free(p); }
};

// FFTW's planner is not thread-safe.
std::mutex& fftw_planner_mutex() {
  static std::mutex m;
  return m;
}

void check_source(const Phantom& phantom, const VoxelSource& source) {
  BD_VALIDATE(phantom.grid.same_geometry(source.grid),
              "kernel methods: the activity grid (" << source.grid.describe()
                                                    << ") differs from the phantom grid ("
                                                    << phantom.grid.describe()
                                                    << "); resample the activity first");
  const std::size_t n = phantom.grid.voxel_count();
  BD_VALIDATE(source.activity_bq.size() == n && phantom.density_g_cm3.size() == n &&
                  phantom.material_id.size() == n,
              "kernel methods: phantom/source arrays do not match the grid's " << n << " voxels");
}

double voxel_mass_kg(const Grid& grid, double density_g_cm3) {
  return density_g_cm3 * grid.voxel_volume_mm3() * 1e-6;
}

}  // namespace

std::vector<double> convolve_decays(const Grid& grid, const std::vector<double>& decays,
                                    const VoxelKernel& kernel) {
  const std::size_t nvox = grid.voxel_count();
  BD_VALIDATE(decays.size() == nvox, "convolution: " << decays.size()
                                                     << " source values for a grid of " << nvox
                                                     << " voxels");
  for (int a = 0; a < 3; ++a) {
    BD_VALIDATE(std::abs(kernel.spacing_mm[a] - grid.spacing_mm[a]) <= 1e-3 * grid.spacing_mm[a],
                "convolution: kernel voxel " << kernel.spacing_mm[0] << "x" << kernel.spacing_mm[1]
                                             << "x" << kernel.spacing_mm[2]
                                             << " mm differs from the dose grid's "
                                             << grid.spacing_mm[0] << "x" << grid.spacing_mm[1]
                                             << "x" << grid.spacing_mm[2] << " mm ("
                                             << kernel.source << ")");
  }
  const std::size_t nx = grid.size[0], ny = grid.size[1], nz = grid.size[2];
  const auto& hw = kernel.half_width;
  // Linear convolution without wrap-around: N >= n + h on each axis (see header).
  const std::size_t px = fft_size(nx + static_cast<std::size_t>(hw[0]));
  const std::size_t py = fft_size(ny + static_cast<std::size_t>(hw[1]));
  const std::size_t pz = fft_size(nz + static_cast<std::size_t>(hw[2]));
  const std::size_t nreal = px * py * pz;
  const std::size_t pxc = px / 2 + 1;
  const std::size_t ncplx = pxc * py * pz;

  std::unique_ptr<double, FftwFree> a(fftw_alloc_real(nreal));
  std::unique_ptr<double, FftwFree> k(fftw_alloc_real(nreal));
  std::unique_ptr<fftw_complex, FftwFree> fa(fftw_alloc_complex(ncplx));
  std::unique_ptr<fftw_complex, FftwFree> fk(fftw_alloc_complex(ncplx));
  if (!a || !k || !fa || !fk) throw std::bad_alloc();

  fftw_plan plan_a, plan_k, plan_back;
  {
    std::lock_guard<std::mutex> lock(fftw_planner_mutex());
    const int n0 = static_cast<int>(pz), n1 = static_cast<int>(py), n2 = static_cast<int>(px);
    plan_a = fftw_plan_dft_r2c_3d(n0, n1, n2, a.get(), fa.get(), FFTW_ESTIMATE);
    plan_k = fftw_plan_dft_r2c_3d(n0, n1, n2, k.get(), fk.get(), FFTW_ESTIMATE);
    plan_back = fftw_plan_dft_c2r_3d(n0, n1, n2, fa.get(), a.get(), FFTW_ESTIMATE);
  }
  std::fill(a.get(), a.get() + nreal, 0.0);
  std::fill(k.get(), k.get() + nreal, 0.0);
  for (std::size_t z = 0; z < nz; ++z)
    for (std::size_t y = 0; y < ny; ++y)
      for (std::size_t x = 0; x < nx; ++x)
        a.get()[x + px * (y + py * z)] = decays[grid.linear_index(x, y, z)];
  const auto ks = kernel.size();
  for (int dk = -hw[2]; dk <= hw[2]; ++dk)
    for (int dj = -hw[1]; dj <= hw[1]; ++dj)
      for (int di = -hw[0]; di <= hw[0]; ++di) {
        const std::size_t x = static_cast<std::size_t>((di + static_cast<long>(px)) % static_cast<long>(px));
        const std::size_t y = static_cast<std::size_t>((dj + static_cast<long>(py)) % static_cast<long>(py));
        const std::size_t z = static_cast<std::size_t>((dk + static_cast<long>(pz)) % static_cast<long>(pz));
        k.get()[x + px * (y + py * z)] = kernel.at(di, dj, dk);
      }
  (void)ks;
  fftw_execute(plan_a);
  fftw_execute(plan_k);
  const double norm = 1.0 / static_cast<double>(nreal);
  fftw_complex* A = fa.get();
  const fftw_complex* K = fk.get();
  for (std::size_t i = 0; i < ncplx; ++i) {
    const double re = A[i][0] * K[i][0] - A[i][1] * K[i][1];
    const double im = A[i][0] * K[i][1] + A[i][1] * K[i][0];
    A[i][0] = re * norm;
    A[i][1] = im * norm;
  }
  fftw_execute(plan_back);
  {
    std::lock_guard<std::mutex> lock(fftw_planner_mutex());
    fftw_destroy_plan(plan_a);
    fftw_destroy_plan(plan_k);
    fftw_destroy_plan(plan_back);
  }
  std::vector<double> out(nvox);
  double max_e = 0;
  for (std::size_t z = 0; z < nz; ++z)
    for (std::size_t y = 0; y < ny; ++y)
      for (std::size_t x = 0; x < nx; ++x) {
        const double e = a.get()[x + px * (y + py * z)];
        out[grid.linear_index(x, y, z)] = e;
        max_e = std::max(max_e, e);
      }
  // The FFT's round-off (~1e-16 x log N of the largest value) leaves tiny values, of either
  // sign, where the exact convolution is 0: values below 1e-12 of the maximum are set to 0.
  const double floor_e = 1e-12 * max_e;
  for (double& e : out)
    if (e < floor_e) e = 0.0;
  return out;
}

KernelDoseResult local_deposition_dose(const Phantom& phantom, const VoxelSource& source,
                                       const DecayData& decay) {
  check_source(phantom, source);
  BD_VALIDATE(decay.energy_per_decay_MeV > 0 && decay.half_life_s > 0,
              "local deposition: nuclide energy per decay and half-life must be positive");
  const double tau = decay.decays_per_bq();
  KernelDoseResult r;
  r.dose_gy.assign(phantom.grid.voxel_count(), 0.0);
  for (std::size_t v = 0; v < r.dose_gy.size(); ++v) {
    const double n = source.activity_bq[v] * tau;
    const double e = n * decay.energy_per_decay_MeV;
    r.decays += n;
    r.energy_emitted_MeV += e;
    const double rho = phantom.density_g_cm3[v];
    if (rho > 0 && e > 0) {
      r.dose_gy[v] = e * kJoulePerMeV / voxel_mass_kg(phantom.grid, rho);
      r.energy_deposited_MeV += e;
    }
  }
  return r;
}

KernelDoseResult convolution_dose(const Phantom& phantom, const VoxelSource& source,
                                  const DecayData& decay, const VoxelKernel& soft_kernel,
                                  const VoxelKernel* bone_kernel, DensityCorrection correction) {
  check_source(phantom, source);
  BD_VALIDATE(decay.energy_per_decay_MeV > 0 && decay.half_life_s > 0,
              "convolution: nuclide energy per decay and half-life must be positive");
  const Grid& grid = phantom.grid;
  const std::size_t nvox = grid.voxel_count();
  const double tau = decay.decays_per_bq();
  KernelDoseResult r;
  std::vector<double> decays(nvox);
  for (std::size_t v = 0; v < nvox; ++v) {
    decays[v] = source.activity_bq[v] * tau;
    r.decays += decays[v];
  }
  r.energy_emitted_MeV = r.decays * decay.energy_per_decay_MeV;

  std::vector<double> e_soft = convolve_decays(grid, decays, soft_kernel);
  std::vector<double> e_bone;
  std::vector<std::uint8_t> is_bone;
  if (correction == DensityCorrection::material) {
    BD_VALIDATE(bone_kernel != nullptr,
                "--density-correction material needs a bone kernel as well as the soft-tissue"
                " one");
    is_bone.resize(phantom.material_names.size());
    bool any_bone = false;
    for (std::size_t m = 0; m < is_bone.size(); ++m) {
      is_bone[m] = kernel_tissue_of(phantom.material_names[m]) == KernelTissue::bone;
      any_bone = any_bone || is_bone[m];
    }
    if (any_bone) e_bone = convolve_decays(grid, decays, *bone_kernel);
  }
  r.dose_gy.assign(nvox, 0.0);
  const double soft_mass = voxel_mass_kg(grid, soft_kernel.density_g_cm3);
  for (std::size_t v = 0; v < nvox; ++v) {
    double e = e_soft[v];
    if (!e_bone.empty()) {
      const std::size_t m = phantom.material_id[v];
      if (m < is_bone.size() && is_bone[m]) e = e_bone[v];
    }
    r.energy_deposited_MeV += e;
    if (correction == DensityCorrection::none) {
      r.dose_gy[v] = e * kJoulePerMeV / soft_mass;
    } else {
      const double rho = phantom.density_g_cm3[v];
      r.dose_gy[v] = rho > 0 ? e * kJoulePerMeV / voxel_mass_kg(grid, rho) : 0.0;
    }
  }
  return r;
}

}  // namespace bd
