// `betadose kernel --method ldm|dpk|vsv`: dose by local deposition or kernel convolution, with
// the inputs and the output file of `betadose mc` (methods: include/betadose/kernel_methods.hh).
#include <CLI/CLI.hpp>

#include <chrono>
#include <filesystem>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <memory>

#include "betadose/cli_commands.hh"
#include "betadose/data_paths.hh"
#include "betadose/dose_case.hh"
#include "betadose/dose_file.hh"
#include "betadose/dose_metrics.hh"
#include "betadose/errors.hh"
#include "betadose/image_io.hh"
#include "betadose/kernel_methods.hh"
#include "betadose/materials.hh"
#include "betadose/nuclide.hh"
#include "betadose/output_file.hh"
#include "betadose/provenance.hh"
#include "src/cli/run_record.hh"

namespace bd::cli {

namespace {

struct KernelOptions {
  DoseCaseInputs in;
  std::string method;
  std::string dpk_file;
  std::string vsv_file;
  std::string vsv_material = "soft-tissue";
  std::string vsv_bone_file;
  std::string vsv_bone_material = "cortical-bone";
  std::string density_correction = "none";
  std::string out;
  std::string export_path;
  std::string export_rtdose;
};

double material_density(const std::string& name) {
  return find_material(load_materials(), name).density_g_cm3;
}

std::string default_dpk_path() { return materials_dir() + "/kernels/dpk_y90_water_graves2019.csv"; }

double cubic_voxel_mm(const Grid& grid) {
  const auto& s = grid.spacing_mm;
  BD_VALIDATE(std::abs(s[0] - s[1]) <= 1e-3 * s[0] && std::abs(s[0] - s[2]) <= 1e-3 * s[0],
              "--method vsv needs cubic voxels; the dose grid has " << s[0] << "x" << s[1] << "x"
                                                                    << s[2]
                                                                    << " mm (use --voxel-mm S)");
  return s[0];
}

void run_kernel(const KernelOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  BD_VALIDATE(o.method == "ldm" || o.method == "dpk" || o.method == "vsv",
              "--method '" << o.method << "' (expected ldm, dpk or vsv)");
  const DensityCorrection corr = parse_density_correction(o.density_correction);
  BD_VALIDATE(!o.out.empty(), "--out dose.h5 is required");
  if (!o.export_path.empty()) {
    BD_VALIDATE(is_writable_image_path(o.export_path),
                "--export " << o.export_path << ": unsupported image format (expected .nii, "
                                                 ".nii.gz, .mhd, .mha or .nrrd)");
  }
  const Nuclide nuc = load_nuclide(o.in.nuclide);
  const DecayData decay{nuc.electron_energy_per_decay_MeV, nuc.half_life_s};
  // Kernels are read before the images so that a missing kernel file fails fast.
  PointKernel dpk;
  if (o.method == "dpk") dpk = read_point_kernel_csv(o.dpk_file.empty() ? default_dpk_path() : o.dpk_file);

  const DoseCase dc = load_dose_case(o.in);
  for (const auto& n : dc.notes) std::cerr << "note: " << n << "\n";
  const Grid& grid = dc.phantom.grid;
  RtDoseExportOptions rtdose;
  if (!o.export_rtdose.empty()) {
    std::vector<OutputTarget> outs{{"--out", o.out}, {"--export-rtdose", o.export_rtdose},
                                   {"--export-rtdose (its RT Plan)", rtplan_path_for(o.export_rtdose)}};
    if (!o.export_path.empty()) outs.push_back({"--export", o.export_path});
    check_outputs(outs, {o.in.activity, o.in.ct.empty() ? o.in.labels : o.in.ct});
    rtdose = prepare_rtdose_export(o.in.ct, grid, o.export_rtdose);
  }
  const auto t1 = std::chrono::steady_clock::now();

  KernelDoseResult r;
  DoseFile f;
  f.extra["density_correction_code"] = static_cast<double>(corr);  // 0 none, 1 density, 2 material
  if (o.method == "ldm") {
    r = local_deposition_dose(dc.phantom, dc.source, decay);
  } else {
    VoxelKernel soft, bone;
    bool have_bone = false;
    if (o.method == "dpk") {
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
        const double rho = n ? sum / n : material_density("cortical-bone");
        bone = voxelize_point_kernel(scale_point_kernel(dpk, rho, "cortical-bone"), grid.spacing_mm);
        have_bone = true;
        f.extra["bone_kernel_density_g_cm3"] = rho;
      }
    } else {
      const double voxel = cubic_voxel_mm(grid);
      // A `betadose vsv` CSV states its medium and voxel size in its header; they win over
      // --vsv-material, and the voxel size must be the dose grid's.
      auto read_user_vsv = [&](const std::string& path, const std::string& material) {
        const KernelCsvMedium m = read_kernel_csv_medium(path);
        if (m.voxel_mm > 0) {
          BD_VALIDATE(std::abs(m.voxel_mm - voxel) <= 1e-3 * voxel,
                      path << ": S values for " << m.voxel_mm << " mm voxels, the dose grid has "
                           << voxel << " mm (use --voxel-mm " << m.voxel_mm
                           << " or generate a kernel for " << voxel << " mm)");
        }
        if (!m.material.empty() && m.density_g_cm3 > 0)
          return read_vsv_csv(path, voxel, m.material, m.density_g_cm3);
        return read_vsv_csv(path, voxel, material, material_density(material));
      };
      soft = o.vsv_file.empty() ? read_lanconelli_vsv(default_lanconelli_path(), "soft", voxel)
                                : read_user_vsv(o.vsv_file, o.vsv_material);
      if (corr == DensityCorrection::material) {
        bone = o.vsv_bone_file.empty()
                   ? read_lanconelli_vsv(default_lanconelli_path(), "bone", voxel)
                   : read_user_vsv(o.vsv_bone_file, o.vsv_bone_material);
        have_bone = true;
      }
    }
    f.extra["kernel_energy_per_decay_MeV"] = soft.total_energy_MeV();
    f.extra["kernel_density_g_cm3"] = soft.density_g_cm3;
    std::cerr << "kernel: " << soft.source << ", " << soft.size()[0] << "x" << soft.size()[1] << "x"
              << soft.size()[2] << " voxels, " << soft.total_energy_MeV() << " MeV per decay in "
              << soft.material << " (" << soft.density_g_cm3 << " g/cm3)\n";
    r = convolution_dose(dc.phantom, dc.source, decay, soft, have_bone ? &bone : nullptr, corr);
  }
  const auto t2 = std::chrono::steady_clock::now();
  const double wall = std::chrono::duration<double>(t2 - t0).count();
  const double method_s = std::chrono::duration<double>(t2 - t1).count();
  f.extra["method_time_s"] = method_s;

  f.grid = grid;
  f.dose_gy.assign(r.dose_gy.begin(), r.dose_gy.end());
  f.dose_rel_uncertainty.assign(grid.voxel_count(), 0.0f);  // deterministic method
  f.activity_bq.assign(dc.source.activity_bq.begin(), dc.source.activity_bq.end());
  f.density_g_cm3 = dc.phantom.density_g_cm3;
  f.material_id = dc.phantom.material_id;
  f.material_names = dc.phantom.material_names;
  f.roi = dc.roi;
  f.nuclide = nuc.name;
  f.method = o.method;
  f.device = "cpu";
  f.total_activity_bq = dc.source.total_activity_bq();
  f.wall_time_s = wall;
  f.energy_emitted_J = r.energy_emitted_MeV * kJoulePerMeV;
  f.energy_deposited_J = r.energy_deposited_MeV * kJoulePerMeV;
  f.energy_escaped_J = std::max(0.0, f.energy_emitted_J - f.energy_deposited_J);
  {
    RunCaseDescription rc;
    rc.geometry = (o.in.ct.empty() ? "labels " + o.in.labels + " with material table " + o.in.material_table
                                   : "CT " + o.in.ct + " (HU), default HU calibration") +
                  "; dose grid " + grid.describe();
    rc.activity_image = o.in.activity;
    rc.activity_units = o.in.activity_units;
    rc.units_conversion = activity_conversion(parse_activity_units(o.in.activity_units), o.in.total_activity_gbq);
    rc.total_activity_bq = f.total_activity_bq;
    rc.lung_shunt_fraction = o.in.lung_shunt;
    rc.lung_shunt_mode = o.in.lung_shunt_mode;
    rc.activity_mask = o.in.activity_mask;
    const std::string kernel = o.method == "ldm" ? "none (local deposition of E tau per decay)"
                               : o.method == "dpk" ? (o.dpk_file.empty() ? default_dpk_path() : o.dpk_file)
                                                   : (o.vsv_file.empty() ? default_lanconelli_path() : o.vsv_file);
    f.provenance = kernel_method_provenance(rc, nuc, run_materials(dc.phantom.material_names), nullptr,
                                            o.method, kernel, to_string(corr), wall,
                                            validation_case_summaries());
  }
  write_run_outputs(f, o.out, o.export_path, o.export_rtdose, rtdose);

  std::cout << "betadose kernel --method " << o.method;
  if (o.method != "ldm") std::cout << " --density-correction " << to_string(corr);
  std::cout << "\n  grid: " << grid.describe() << "\n  total activity: " << std::setprecision(6)
            << f.total_activity_bq / 1e9 << " GBq, emitted " << f.energy_emitted_J
            << " J, deposited in grid " << f.energy_deposited_J << " J\n"
            << "  wall time: " << std::setprecision(3) << wall << " s (method " << method_s
            << " s, the rest reading inputs)\n  output: " << o.out << "\n";
  for (const auto& [name, mask] : dc.roi) {
    const auto m = compute_roi_metrics(name, grid, f.dose_gy, {}, mask, {}, {});
    std::cout << "  " << name << ": mean " << std::setprecision(4) << m.mean_dose_gy << " Gy, D70 "
              << m.d(70) << " Gy, D90 " << m.d(90) << " Gy\n";
  }
}

}  // namespace

void add_kernel_command(CLI::App& app) {
  auto opt = std::make_shared<KernelOptions>();
  auto* cmd = app.add_subcommand(
      "kernel", "Dose by local deposition (ldm), DPK or VSV convolution; inputs/outputs as `mc`");
  cmd->add_option("--method", opt->method, "ldm | dpk | vsv")->required();
  cmd->add_option("--ct", opt->in.ct, "CT image in HU (geometry)");
  cmd->add_option("--labels", opt->in.labels, "Label image (geometry, with --material-table)");
  cmd->add_option("--material-table", opt->in.material_table, "CSV label,material,density_g_cm3");
  cmd->add_option("--activity", opt->in.activity, "Activity image")->required();
  cmd->add_option("--activity-units", opt->in.activity_units, "bq | bq-per-ml | counts");
  cmd->add_option("--total-activity-gbq", opt->in.total_activity_gbq,
                  "Administered activity [GBq]: normalise the map to it");
  cmd->add_option("--activity-mask", opt->in.activity_mask, "Remove activity outside this mask");
  cmd->add_option("--lung-shunt", opt->in.lung_shunt, "Lung shunt fraction (with --lung-mask)");
  cmd->add_option("--lung-mask", opt->in.lung_mask, "Lung mask image");
  cmd->add_option("--lung-shunt-mode", opt->in.lung_shunt_mode, "uniform | map");
  cmd->add_flag("--clamp-negative", opt->in.clamp_negative, "Set negative/NaN activity to 0");
  cmd->add_option("--mask", opt->in.masks, "ROI NAME=FILE (repeatable), stored in the dose file");
  cmd->add_option("--voxel-mm", opt->in.voxel_mm, "Dose grid voxel size [mm] (default: geometry grid)");
  cmd->add_option("--nuclide", opt->in.nuclide, "Nuclide (default Y-90)");
  cmd->add_option("--dpk-file", opt->dpk_file,
                  "Point kernel CSV (`betadose dpk` or Graves 2019 format; default: 90Y water, "
                  "Graves 2019)");
  cmd->add_option("--vsv-file", opt->vsv_file,
                  "`betadose vsv` CSV for the grid's voxel size (default: Lanconelli 2012 soft tissue)");
  cmd->add_option("--vsv-material", opt->vsv_material, "Material of --vsv-file when its header names none (default soft-tissue)");
  cmd->add_option("--vsv-bone-file", opt->vsv_bone_file,
                  "Bone `betadose vsv` CSV for --density-correction material (default: Lanconelli bone)");
  cmd->add_option("--vsv-bone-material", opt->vsv_bone_material,
                  "Material of --vsv-bone-file (default cortical-bone)");
  cmd->add_option("--density-correction", opt->density_correction,
                  "none | density (scale by rho_kernel/rho_voxel) | material (soft/bone kernels "
                  "per voxel + density scaling)");
  cmd->add_option("--out", opt->out, "Output dose file (HDF5)")->required();
  cmd->add_option("--export", opt->export_path, "Also write the dose as an image (.nii.gz, .mhd, ...)");
  cmd->add_option("--export-rtdose", opt->export_rtdose,
                  "DICOM RT Dose (+ its RT Plan beside it); identity from --ct when it is a DICOM directory");
  cmd->callback([opt]() { run_kernel(*opt); });
}

}  // namespace bd::cli
