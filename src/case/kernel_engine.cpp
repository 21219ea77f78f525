// Kernel-method dose of a loaded case (include/betadose/case_engines.hh; methods:
// include/betadose/kernel_methods.hh).
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <sstream>

#include "betadose/case_engines.hh"
#include "betadose/case_output.hh"
#include "betadose/data_paths.hh"
#include "betadose/errors.hh"
#include "betadose/text_parse.hh"
#include "betadose/kernel_methods.hh"
#include "betadose/materials.hh"
#include "betadose/nuclide.hh"
#include "betadose/provenance.hh"

namespace bd {
namespace {

std::string fmt(double v, int precision = 6) { return format_g(v, precision); }

double material_density(const std::string& name) { return find_material(load_materials(), name).density_g_cm3; }

std::string default_dpk_path() { return materials_dir() + "/kernels/dpk_y90_water_graves2019.csv"; }

double cubic_voxel_mm(const Grid& grid) {
  const auto& s = grid.spacing_mm;
  BD_VALIDATE(std::abs(s[0] - s[1]) <= 1e-3 * s[0] && std::abs(s[0] - s[2]) <= 1e-3 * s[0],
              "--method vsv needs cubic voxels; the dose grid has " << s[0] << "x" << s[1] << "x" << s[2]
                                                                    << " mm (use --voxel-mm S)");
  return s[0];
}

// A `betadose vsv` CSV states its medium and voxel size in its header; they win over
// --vsv-material, and the voxel size must be the dose grid's.
VoxelKernel read_user_vsv(const std::string& path, const std::string& material, double voxel) {
  const KernelCsvMedium m = read_kernel_csv_medium(path);
  if (m.voxel_mm > 0)
    BD_VALIDATE(std::abs(m.voxel_mm - voxel) <= 1e-3 * voxel,
                path << ": S values for " << m.voxel_mm << " mm voxels, the dose grid has " << voxel
                     << " mm (use --voxel-mm " << m.voxel_mm << " or generate a kernel for " << voxel << " mm)");
  if (!m.material.empty() && m.density_g_cm3 > 0) return read_vsv_csv(path, voxel, m.material, m.density_g_cm3);
  return read_vsv_csv(path, voxel, material, material_density(material));
}

// A kernel is one nuclide's: the shipped DPK (Graves 2019) and VSV (Lanconelli 2012) are
// 90Y's, a `betadose dpk|vsv` CSV names its emitter in its header ("# betadose dpk: Ho-166
// in water ...", KernelCsvMedium::emitter). Used with another nuclide (the 90Y kernels with --nuclide Ho-166 gave +35 %,
// more energy deposited than emitted) it is refused.
void require_kernel_of(const std::string& nuclide, const std::string& file, const std::string& option) {
  if (file.empty()) {
    BD_VALIDATE(nuclide == "Y-90", "--nuclide " << nuclide << ": the shipped " << option
                                                << " kernels are 90Y's; give " << option << "-file with a kernel of "
                                                << nuclide << " (e.g. from betadose " << (option.rfind("--vsv", 0) == 0 ? "vsv" : "dpk")
                                                << " --nuclide " << nuclide << ")");
    return;
  }
  const std::string emitter = read_kernel_csv_medium(file).emitter;
  BD_VALIDATE(emitter.empty() || emitter == nuclide, option << "-file " << file << " is a kernel of " << emitter
                                                            << ", the source is " << nuclide << " (--nuclide)");
}

}  // namespace

void check_kernel_settings(const KernelSettings& k) {
  BD_VALIDATE(!k.method.empty(), "--method is required (ldm, dpk or vsv)");
  BD_VALIDATE(k.method == "ldm" || k.method == "dpk" || k.method == "vsv",
              "--method '" << k.method << "' (expected ldm, dpk or vsv)");
  parse_density_correction(k.density_correction);
  std::error_code ec;
  for (const auto& [option, path] : {std::pair<const char*, const std::string*>{"--dpk-file", &k.dpk_file},
                                     {"--vsv-file", &k.vsv_file}, {"--vsv-bone-file", &k.vsv_bone_file}})
    BD_VALIDATE(path->empty() || std::filesystem::is_regular_file(*path, ec), option << " " << *path << ": no such file");
  // A malformed point kernel fails before the images are read.
  if (k.method == "dpk") read_point_kernel_csv(k.dpk_file.empty() ? default_dpk_path() : k.dpk_file);
}

EngineRun run_kernel_case(const DoseCase& dc, const KernelSettings& k) {
  const auto t0 = std::chrono::steady_clock::now();
  const DensityCorrection corr = parse_density_correction(k.density_correction);
  const Nuclide nuc = load_nuclide(dc.source.nuclide);
  const DecayData decay{nuc.electron_energy_per_decay_MeV, nuc.half_life_s};
  const Grid& grid = dc.grid;
  EngineRun run;
  DoseFile& f = run.file;
  f = case_dose_file(dc);
  KernelDoseResult r;
  f.extra["density_correction_code"] = static_cast<double>(corr);  // 0 none, 1 density, 2 material
  if (k.method == "ldm") {
    r = local_deposition_dose(dc.phantom, dc.source, decay);
  } else {
    require_kernel_of(nuc.name, k.method == "dpk" ? k.dpk_file : k.vsv_file, k.method == "dpk" ? "--dpk" : "--vsv");
    if (k.method == "vsv" && corr == DensityCorrection::material) require_kernel_of(nuc.name, k.vsv_bone_file, "--vsv-bone");
    VoxelKernel soft, bone;
    bool have_bone = false;
    if (k.method == "dpk") {
      const PointKernel dpk = read_point_kernel_csv(k.dpk_file.empty() ? default_dpk_path() : k.dpk_file);
      soft = voxelize_point_kernel(dpk, grid.spacing_mm);
      if (corr == DensityCorrection::material) {
        // bone kernel: the water DPK range-scaled to the mean density of the bone voxels
        double sum = 0;
        std::size_t n = 0;
        for (std::size_t v = 0; v < grid.voxel_count(); ++v) {
          const auto m = dc.phantom.material_id[v];
          if (m < dc.phantom.material_names.size() &&
              kernel_tissue_of(dc.phantom.material_names[m]) == KernelTissue::bone) {
            sum += dc.phantom.density_g_cm3[v];
            ++n;
          }
        }
        const double rho = n ? sum / double(n) : material_density("cortical-bone");
        bone = voxelize_point_kernel(scale_point_kernel(dpk, rho, "cortical-bone"), grid.spacing_mm);
        have_bone = true;
        f.extra["bone_kernel_density_g_cm3"] = rho;
      }
    } else {
      const double voxel = cubic_voxel_mm(grid);
      soft = k.vsv_file.empty() ? read_lanconelli_vsv(default_lanconelli_path(), "soft", voxel)
                                : read_user_vsv(k.vsv_file, k.vsv_material, voxel);
      if (corr == DensityCorrection::material) {
        bone = k.vsv_bone_file.empty() ? read_lanconelli_vsv(default_lanconelli_path(), "bone", voxel)
                                       : read_user_vsv(k.vsv_bone_file, k.vsv_bone_material, voxel);
        have_bone = true;
      }
    }
    // Energy conservation: a kernel cannot deposit more per decay than the nuclide emits.
    const double emitted = nuc.electron_energy_per_decay_MeV + nuc.photon_energy_per_decay_MeV;
    BD_VALIDATE(soft.total_energy_MeV() <= 1.02 * emitted,
                soft.source << ": the kernel deposits " << fmt(soft.total_energy_MeV()) << " MeV per decay, more than the "
                            << fmt(emitted) << " MeV " << nuc.name << " emits: a kernel of another emitter");
    f.extra["kernel_energy_per_decay_MeV"] = soft.total_energy_MeV();
    f.extra["kernel_density_g_cm3"] = soft.density_g_cm3;
    run.lines.push_back("kernel    " + soft.source + ", " + std::to_string(soft.size()[0]) + "x" +
                        std::to_string(soft.size()[1]) + "x" + std::to_string(soft.size()[2]) + " voxels, " +
                        fmt(soft.total_energy_MeV()) + " MeV per decay in " + soft.material + " (" +
                        fmt(soft.density_g_cm3) + " g/cm3)");
    r = convolution_dose(dc.phantom, dc.source, decay, soft, have_bone ? &bone : nullptr, corr);
  }
  const double method_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  f.extra["method_time_s"] = method_s;
  f.dose_gy.assign(r.dose_gy.begin(), r.dose_gy.end());
  f.dose_rel_uncertainty.assign(grid.voxel_count(), 0.0f);  // deterministic method
  f.nuclide = nuc.name;
  f.method = k.method;
  f.device = "cpu";
  f.wall_time_s = method_s;
  f.energy_emitted_J = r.energy_emitted_MeV * kJoulePerMeV;
  f.energy_deposited_J = r.energy_deposited_MeV * kJoulePerMeV;
  f.energy_escaped_J = std::max(0.0, f.energy_emitted_J - f.energy_deposited_J);
  const std::string kernel = k.method == "ldm" ? std::string("none (local deposition of E tau per decay)")
                             : k.method == "dpk" ? (k.dpk_file.empty() ? default_dpk_path() : k.dpk_file)
                                                 : (k.vsv_file.empty() ? default_lanconelli_path() : k.vsv_file);
  f.provenance = kernel_method_provenance(case_run_description(dc), nuc, case_materials(dc), k.method,
                                          kernel, to_string(corr), method_s, validation_case_summaries());
  std::string method = "method    " + k.method;
  if (k.method != "ldm") method += ", --density-correction " + std::string(to_string(corr));
  run.lines.push_back(method + ", " + fmt(method_s, 3) + " s");
  run.lines.push_back("energy    emitted " + fmt(f.energy_emitted_J, 4) + " J, deposited in grid " +
                      fmt(f.energy_deposited_J, 4) + " J");
  return run;
}

}  // namespace bd
