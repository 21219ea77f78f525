// Local deposition and FFT convolution dose (FFTW3, double precision).
#include <algorithm>
#include <cmath>

#include "betadose/errors.hh"
#include "betadose/kernel_methods.hh"
#include "src/kernel_methods/cyclic_convolver.hh"

namespace bd {

namespace {

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
  const std::size_t px = fft_friendly_size(nx + static_cast<std::size_t>(hw[0]));
  const std::size_t py = fft_friendly_size(ny + static_cast<std::size_t>(hw[1]));
  const std::size_t pz = fft_friendly_size(nz + static_cast<std::size_t>(hw[2]));
  const std::size_t nreal = px * py * pz;
  std::vector<double> a(nreal, 0.0), k(nreal, 0.0);
  for (std::size_t z = 0; z < nz; ++z)
    for (std::size_t y = 0; y < ny; ++y)
      for (std::size_t x = 0; x < nx; ++x) a[x + px * (y + py * z)] = decays[grid.linear_index(x, y, z)];
  for (int dk = -hw[2]; dk <= hw[2]; ++dk)
    for (int dj = -hw[1]; dj <= hw[1]; ++dj)
      for (int di = -hw[0]; di <= hw[0]; ++di) {
        const std::size_t x = static_cast<std::size_t>((di + static_cast<long>(px)) % static_cast<long>(px));
        const std::size_t y = static_cast<std::size_t>((dj + static_cast<long>(py)) % static_cast<long>(py));
        const std::size_t z = static_cast<std::size_t>((dk + static_cast<long>(pz)) % static_cast<long>(pz));
        k[x + px * (y + py * z)] = kernel.at(di, dj, dk);
      }
  detail::CyclicConvolver conv({px, py, pz}, k);
  conv.convolve(a.data(), a.data());
  std::vector<double> out(nvox);
  double max_e = 0;
  for (std::size_t z = 0; z < nz; ++z)
    for (std::size_t y = 0; y < ny; ++y)
      for (std::size_t x = 0; x < nx; ++x) {
        const double e = a[x + px * (y + py * z)];
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
