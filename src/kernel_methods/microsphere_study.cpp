// `betadose spheres` study runner (include/betadose/microsphere_study.hh).
#include "betadose/microsphere_study.hh"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <numeric>
#include <sstream>

#include "betadose/errors.hh"
#include "betadose/materials.hh"
#include "betadose/nuclide.hh"
#include "betadose/text_parse.hh"
#include "src/kernel_methods/cyclic_convolver.hh"

namespace bd {
namespace {

constexpr double kMaxSphereVolumeFraction = 0.05;
constexpr double kMinExpectedSpheres = 10;
constexpr double kJoulePerMeV = 1.602176634e-13;  // CODATA 2018 (exact)

// One nuclide's kernel on the study's grid with its FFT.
struct KernelOnGrid {
  MicroKernel kernel;
  std::unique_ptr<detail::CyclicConvolver> conv;
};

}  // namespace

std::pair<double, double> mean_and_sd(const std::vector<double>& v) {
  if (v.empty()) return {0.0, 0.0};
  const double n = static_cast<double>(v.size());
  const double mean = std::accumulate(v.begin(), v.end(), 0.0) / n;
  if (v.size() < 2) return {mean, 0.0};
  double ss = 0;
  for (double x : v) ss += (x - mean) * (x - mean);
  return {mean, std::sqrt(ss / (n - 1))};
}

SpheresStudyResult run_spheres_study(const SpheresStudySpec& spec) {
  const auto t0 = std::chrono::steady_clock::now();
  BD_VALIDATE(!spec.products.empty(), "--product: no product given");
  BD_VALIDATE(spec.realisations >= 1 && spec.realisations <= 10000,
              "--realisations " << spec.realisations << " (expected 1-10000)");
  BD_VALIDATE(std::isfinite(spec.mean_dose_gy) && spec.mean_dose_gy >= 0,
              "--mean-dose-gy " << spec.mean_dose_gy << " (expected > 0)");
  BD_VALIDATE(spec.roi || spec.mean_dose_gy > 0, "--mean-dose-gy is required in box mode (expected > 0)");
  BD_VALIDATE(spec.dvh_bins >= 10 && spec.dvh_bins <= 100000, "DVH bins " << spec.dvh_bins);

  SpheresStudyResult res;
  DepositionRegion region;
  MicroKernelSpec kspec = spec.kernel;
  if (spec.roi) {
    region = spec.roi->region;
    res.mask = spec.roi->mask;
    res.periodic = false;
    kspec.material = spec.roi->tissue_material;
    kspec.density_g_cm3 = spec.roi->tissue_density_g_cm3;
    const auto& s = region.grid.spacing_mm;
    kspec.voxel_mm = std::min({s[0], s[1], s[2]});  // the DPK's shells follow the finest axis
    res.notes.insert(res.notes.end(), spec.roi->notes.begin(), spec.roi->notes.end());
  } else {
    region = uniform_box_region(spec.box_mm, spec.voxel_mm, 1.0);
    kspec.voxel_mm = spec.voxel_mm;
  }
  const Grid& grid = region.grid;
  res.grid = grid;
  const double rho = kspec.density_g_cm3 > 0 ? kspec.density_g_cm3
                                             : find_material(load_materials(), kspec.material).density_g_cm3;
  kspec.density_g_cm3 = rho;
  res.tissue_density_g_cm3 = rho;
  res.tissue_material = kspec.material;
  const std::size_t nvox = grid.voxel_count();
  const std::size_t region_voxels =
      res.mask.empty() ? nvox : static_cast<std::size_t>(std::count_if(res.mask.begin(), res.mask.end(),
                                                                       [](std::uint8_t m) { return m != 0; }));
  BD_VALIDATE(region_voxels > 0, "spheres: the region has no voxel");
  res.region_volume_ml = region_voxels * grid.voxel_volume_ml();
  res.region_mass_g = res.region_volume_ml * rho;
  const double region_mass_kg = res.region_mass_g * 1e-3;

  // Kernels, one per nuclide, each with its FFT on the grid.
  std::map<std::string, KernelOnGrid> kernels;
  for (const auto& p : spec.products) {
    if (kernels.count(p.nuclide)) continue;
    MicroKernelSpec ks = kspec;
    ks.nuclide = p.nuclide;
    if (spec.progress) spec.progress("kernel " + p.nuclide + " in " + ks.material + " at " + std::to_string(ks.voxel_mm * 1e3) + " um");
    KernelOnGrid kg;
    kg.kernel = obtain_micro_kernel(ks, spec.kernel_cache_dir);
    if (spec.roi) {
      // Nothing may wrap into the ROI: the padding must cover the kernel's reach.
      BD_VALIDATE(spec.roi->region.macro_offset[0] * grid.spacing_mm[0] >= kg.kernel.reach_mm() - 1e-9,
                  "spheres: ROI padding " << spec.roi->region.macro_offset[0] * grid.spacing_mm[0]
                                          << " mm is shorter than the kernel's reach " << kg.kernel.reach_mm() << " mm");
    }
    const auto K = voxel_kernel_on_grid(kg.kernel.r_inner_mm, kg.kernel.r_outer_mm, kg.kernel.energy_MeV, grid);
    kg.conv = std::make_unique<detail::CyclicConvolver>(grid.size, K);
    res.kernels.push_back(kg.kernel);
    kernels.emplace(p.nuclide, std::move(kg));
  }

  // Reference dose of the DVH axis.
  double total_roi_bq = 0;
  if (spec.roi) total_roi_bq = std::accumulate(spec.roi->activity_bq.begin(), spec.roi->activity_bq.end(), 0.0);
  BD_VALIDATE(!spec.roi || total_roi_bq > 0, "spheres: no activity in the ROI");
  auto map_mean_dose = [&](const MicroKernel& k) {
    return total_roi_bq * k.tau_s * k.total_MeV() * kJoulePerMeV / region_mass_kg;
  };
  const double d_ref = spec.mean_dose_gy > 0 ? spec.mean_dose_gy : map_mean_dose(kernels.at(spec.products[0].nuclide).kernel);
  res.dvh_bin_gy = 10.0 * d_ref / static_cast<double>(spec.dvh_bins);

  std::vector<double> decays(nvox), energy(nvox);
  for (std::size_t pi = 0; pi < spec.products.size(); ++pi) {
    const MicrosphereProduct& p = spec.products[pi];
    const KernelOnGrid& kg = kernels.at(p.nuclide);
    const MicroKernel& k = kg.kernel;
    const Nuclide nu = load_nuclide(p.nuclide);
    ProductRun run;
    run.product = p;
    run.activity_per_sphere_bq = decayed_activity_bq(p.activity_bq, nu.half_life_s, spec.days_after_calibration);
    const double joule_per_bq = k.tau_s * k.total_MeV() * kJoulePerMeV;  // deposited, complete decay
    if (spec.roi) {
      const double scale = spec.mean_dose_gy > 0 ? spec.mean_dose_gy / map_mean_dose(k) : 1.0;
      region.expected_spheres.resize(spec.roi->activity_bq.size());
      for (std::size_t m = 0; m < region.expected_spheres.size(); ++m)
        region.expected_spheres[m] = spec.roi->activity_bq[m] * scale / run.activity_per_sphere_bq;
      if (scale != 1.0) {
        std::ostringstream os;
        os << p.name << ": the ROI's activity (" << total_roi_bq << " Bq) scaled by " << scale << " to a mean dose of "
           << spec.mean_dose_gy << " Gy";
        run.notes.push_back(os.str());
      }
    } else {
      region.expected_spheres = {spec.mean_dose_gy * region_mass_kg / (run.activity_per_sphere_bq * joule_per_bq)};
    }
    run.expected_spheres = std::accumulate(region.expected_spheres.begin(), region.expected_spheres.end(), 0.0);
    // What tissue can hold and what a statistic needs (each gave a mean dose far from the
    // prescribed one, or 0, with exit 0): spheres filling more than 5 % of the region (resin at
    // 120 Gy fills ~0.4 %, glass ~0.01 %), a sphere wider than half the region, fewer than 10
    // spheres expected in it.
    {
      const double region_mm3 = res.region_volume_ml * 1e3;
      const double fraction = run.expected_spheres * p.volume_mm3() / region_mm3;
      BD_VALIDATE(fraction <= kMaxSphereVolumeFraction,
                  p.name << ": " << format_g(run.expected_spheres, 4) << " spheres of " << format_g(p.diameter_um, 4)
                         << " µm would fill " << format_g(100 * fraction, 3) << " % of the " << format_g(res.region_volume_ml, 4)
                         << " ml region (at most " << 100 * kMaxSphereVolumeFraction
                         << " %): check the activity per sphere and the mean dose");
      BD_VALIDATE(p.diameter_um * 1e-3 <= 0.5 * std::cbrt(region_mm3),
                  p.name << ": spheres of " << format_g(p.diameter_um, 4) << " µm in a region of "
                         << format_g(std::cbrt(region_mm3), 4) << " mm a side: a sphere may be at most half the side ("
                         << format_g(500 * std::cbrt(region_mm3), 4) << " µm)");
      BD_VALIDATE(run.expected_spheres >= kMinExpectedSpheres,
                  p.name << ": the region (" << format_g(res.region_volume_ml, 4) << " ml) holds "
                         << format_g(run.expected_spheres, 3) << " spheres on average, fewer than "
                         << kMinExpectedSpheres << ": its dose distribution says nothing; take a region of at least "
                         << format_g(std::cbrt(region_mm3 * 100.0 / std::max(run.expected_spheres, 1e-30)), 3)
                         << " mm a side (100 spheres)");
    }
    run.self_absorbed_fraction =
        sphere_self_absorbed_fraction(k.r_inner_mm, k.r_outer_mm, k.energy_MeV, rho, p.diameter_um, p.density_g_cm3);
    SelfDoseCorrection corr;
    corr.enabled = spec.self_dose;
    corr.self_absorbed_fraction = run.self_absorbed_fraction;
    for (int r = 0; r < spec.realisations; ++r) {
      DepositionSpec dep = spec.deposition;
      dep.realisation = static_cast<std::uint64_t>(r);
      dep.stream = pi;
      dep.keep_spheres = r == 0 && spec.keep_first_spheres;
      const SphereDeposit d = deposit_microspheres(region, p, run.activity_per_sphere_bq, dep);
      std::fill(decays.begin(), decays.end(), 0.0);
      double total_decays = 0;
      for (const auto& o : d.occupied) {
        decays[o.voxel] = o.activity_bq * k.tau_s;
        total_decays += decays[o.voxel];
      }
      kg.conv->convolve(decays.data(), energy.data());
      TissueDose td = tissue_dose_from_energy(grid, rho, d.occupied, energy, corr, k.total_MeV(), k.tau_s);
      run.metrics.push_back(micro_dose_metrics(td.dose_gy, res.mask, d.lobule, d.lobule_count, spec.metrics));
      run.dvh.push_back(cumulative_volume_fraction(td.dose_gy, res.mask, res.dvh_bin_gy, spec.dvh_bins));
      run.sphere_count.push_back(d.sphere_count);
      run.spheres_per_ml.push_back(static_cast<double>(d.sphere_count) / res.region_volume_ml);
      run.activity_used_bq.push_back(d.activity_per_sphere_bq);
      run.energy_emitted_MeV.push_back(total_decays * k.emitted_per_decay_MeV);
      run.energy_tissue_MeV.push_back(td.energy_tissue_MeV);
      run.energy_spheres_MeV.push_back(td.energy_spheres_MeV);
      run.lobule_depth = d.lobule_depth;
      if (r == 0) {
        run.notes.insert(run.notes.end(), d.notes.begin(), d.notes.end());
        if (td.capped_voxels) {
          std::ostringstream os;
          os << p.name << ": in " << td.capped_voxels << " voxels the spheres would fill more than "
             << 100 * corr.max_displaced_fraction << " % of the voxel (packing limit used; voxels too small?)";
          run.notes.push_back(os.str());
        }
        double sphere_mm3 = 0;
        for (const auto& o : d.occupied) sphere_mm3 += o.sphere_volume_mm3;
        if (sphere_mm3 > 0.01 * res.region_volume_ml * 1e3) {
          std::ostringstream os;
          os << p.name << ": the spheres fill " << 100 * sphere_mm3 / (res.region_volume_ml * 1e3)
             << " % of the tissue (clinical loads fill < 0.1 %); check the activity";
          run.notes.push_back(os.str());
        }
        if (spec.keep_first_dose) run.first_dose_gy = std::move(td.dose_gy);
        if (spec.keep_first_spheres) run.first_spheres = d.spheres;
      }
      if (spec.progress) {
        std::ostringstream os;
        os << p.name << " realisation " << r + 1 << "/" << spec.realisations << ": " << d.sphere_count
           << " spheres, mean " << run.metrics.back().mean_gy << " Gy";
        spec.progress(os.str());
      }
    }
    res.products.push_back(std::move(run));
  }
  res.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

}  // namespace bd
