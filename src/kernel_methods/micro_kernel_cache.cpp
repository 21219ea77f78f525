// The microsphere study's tissue kernel: betadose's own DPK, cached on disk
// (include/betadose/microsphere_study.hh).
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <sstream>

#include "betadose/errors.hh"
#include "betadose/kernel_methods.hh"
#include "betadose/materials.hh"
#include "betadose/microsphere_study.hh"
#include "betadose/nuclide.hh"
#include "betadose/point_kernels.hh"
#include "betadose/text_file.hh"
#include "src/kernel_methods/csv_table.hh"

namespace bd {

namespace fs = std::filesystem;

double MicroKernel::total_MeV() const {
  double s = 0;
  for (double e : energy_MeV) s += e;
  return s;
}

namespace {

double tissue_density(const MicroKernelSpec& spec) {
  return spec.density_g_cm3 > 0 ? spec.density_g_cm3
                                : find_material(load_materials(), spec.material).density_g_cm3;
}

}  // namespace

std::string micro_kernel_cache_name(const MicroKernelSpec& spec) {
  const double rho = tissue_density(spec);
  const double shell_um = micro_kernel_shell_mm(spec.voxel_mm) * 1e3;
  const double rmax = micro_kernel_rmax_mm(spec.nuclide, spec.material, rho);
  std::ostringstream os;
  os << "dpk_" << spec.nuclide << "_" << spec.material << "_" << std::fixed << std::setprecision(4) << rho << "gcm3_"
     << std::setprecision(3) << shell_um << "um_" << std::setprecision(1) << rmax << "mm_" << spec.histories
     << "h_seed" << spec.seed << ".csv";
  return os.str();
}

MicroKernel obtain_micro_kernel(const MicroKernelSpec& spec, const std::string& cache_dir) {
  BD_VALIDATE(spec.histories >= 1000, "--kernel-histories " << spec.histories << " (expected >= 1000)");
  const Nuclide nu = load_nuclide(spec.nuclide);
  const double rho = tissue_density(spec);
  const double shell = micro_kernel_shell_mm(spec.voxel_mm);
  const double rmax = micro_kernel_rmax_mm(spec.nuclide, spec.material, rho);
  MicroKernel k;
  k.nuclide = nu.name;
  k.material = spec.material;
  k.density_g_cm3 = rho;
  k.tau_s = nu.tau_s();
  k.histories = spec.histories;
  std::string path;
  if (!cache_dir.empty()) {
    std::error_code ec;
    fs::create_directories(cache_dir, ec);
    BD_VALIDATE(fs::is_directory(cache_dir),
                "--kernel-cache " << cache_dir << ": cannot create the directory (" << ec.message() << ")");
    path = (fs::path(cache_dir) / micro_kernel_cache_name(spec)).string();
  }
  if (!path.empty() && fs::is_regular_file(path)) {
    const PointKernel pk = read_point_kernel_csv(path);
    BD_VALIDATE(pk.material == spec.material && std::abs(pk.density_g_cm3 - rho) <= 1e-4 * rho,
                path << ": cached kernel is for " << pk.material << " at " << pk.density_g_cm3
                     << " g/cm3, expected " << spec.material << " at " << rho << " g/cm3 (delete the file)");
    for (const auto& c : detail::read_csv_table(path).comments) {
      std::istringstream is(c);
      std::string key;
      if (is >> key && key == "emitted_per_decay_MeV") is >> k.emitted_per_decay_MeV;
    }
    BD_VALIDATE(k.emitted_per_decay_MeV > 0, path << ": no '# emitted_per_decay_MeV' line (not a betadose dpk CSV?)");
    k.r_inner_mm = pk.r_inner_mm;
    k.r_outer_mm = pk.r_outer_mm;
    k.energy_MeV = pk.energy_MeV;
    k.file = path;
    k.from_cache = true;
    return k;
  }
  KernelRunOptions opt;
  opt.histories = spec.histories;
  opt.batches = 10;
  opt.seed = spec.seed;
  opt.device = spec.device;
  opt.threads = spec.threads;
  opt.progress = spec.progress;
  EmissionSpec em;
  em.nuclide = spec.nuclide;
  const DpkResult r = run_dpk(em, spec.material, shell, rmax, opt, rho);
  for (const auto& s : r.shells) {
    k.r_inner_mm.push_back(s.r_inner_mm);
    k.r_outer_mm.push_back(s.r_outer_mm);
    k.energy_MeV.push_back(s.energy_per_decay_MeV);
  }
  k.emitted_per_decay_MeV = r.emitted_per_decay_MeV;
  if (!path.empty()) {
    write_text_file_atomic(path, format_dpk_csv(r, spec.seed, to_string(spec.device)));
    // Use what was written (8 significant digits), so a first and a cached run agree exactly.
    MicroKernel cached = obtain_micro_kernel(spec, cache_dir);
    cached.from_cache = false;
    return cached;
  }
  return k;
}

}  // namespace bd
