// Kernel-methods study (issue 7 item 3): Monte Carlo vs local deposition, DPK and VSV
// convolution (with and without density correction) on the liver–tumour–lung–rib phantom of
// kernel_study.hh. Writes OUT/kernel_study.md (tables) and OUT/kernel_study.csv.
//
// Published anchors for the trend: kernel methods within ~5 % of Monte Carlo for tumour and
// normal-liver mean doses, lung dose off by tens of per cent (Mikell et al., EJNMMI Phys 2:16,
// 2015; d'Andrea et al. 2024). The checks returned here are those two statements.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <sstream>

#include "betadose/compare.hh"
#include "betadose/data_paths.hh"
#include "betadose/errors.hh"
#include "betadose/text_file.hh"
#include "betadose/kernel_methods.hh"
#include "betadose/kernel_study.hh"
#include "betadose/nuclide.hh"
#include "betadose/text_file.hh"
#include "validation_support.hh"

namespace bd::validation {

namespace {

double roi_mean(const std::vector<double>& dose, const std::vector<std::uint8_t>& mask) {
  double s = 0;
  std::size_t n = 0;
  for (std::size_t v = 0; v < dose.size(); ++v)
    if (mask[v]) {
      s += dose[v];
      ++n;
    }
  return n ? s / n : 0.0;
}

std::vector<float> to_float(const std::vector<double>& v) { return {v.begin(), v.end()}; }

}  // namespace

std::vector<ValidationResult> kernel_study_case(const ValidationContext& ctx) {
  LiverLungPhantomSpec spec;
  const GeneratedDoseCase pc = make_liver_lung_phantom(spec);
  const Grid& grid = pc.phantom.grid;
  const Nuclide y90 = load_nuclide("Y-90");
  const DecayData decay{y90.electron_energy_per_decay_MeV, y90.half_life_s};
  const double histories = ctx.quick ? 2e6 : 2e7;
  if (ctx.log) ctx.log("kernel_study: Monte Carlo, " + std::to_string(static_cast<long long>(histories)) + " decays");
  const auto runs = run_replicas(pc.phantom, pc.source, histories, ctx, "kernel_study");
  std::vector<double> mc(grid.voxel_count(), 0.0);
  for (const auto& r : runs)
    for (std::size_t v = 0; v < mc.size(); ++v) mc[v] += r.dose_gy[v] / runs.size();

  // Kernel methods.
  if (ctx.log) ctx.log("kernel_study: LDM, DPK and VSV convolution");
  std::vector<std::pair<std::string, std::vector<double>>> methods;
  methods.emplace_back("LDM", local_deposition_dose(pc.phantom, pc.source, decay).dose_gy);
  const PointKernel dpk = read_point_kernel_csv(materials_dir() + "/kernels/dpk_y90_water_graves2019.csv");
  const VoxelKernel dpk_vox = voxelize_point_kernel(dpk, grid.spacing_mm);
  methods.emplace_back("DPK water, no correction",
                       convolution_dose(pc.phantom, pc.source, decay, dpk_vox, nullptr, DensityCorrection::none).dose_gy);
  methods.emplace_back("DPK water, density-scaled",
                       convolution_dose(pc.phantom, pc.source, decay, dpk_vox, nullptr, DensityCorrection::density).dose_gy);
  const VoxelKernel soft = read_lanconelli_vsv(default_lanconelli_path(), "soft", spec.voxel_mm);
  const VoxelKernel bone = read_lanconelli_vsv(default_lanconelli_path(), "bone", spec.voxel_mm);
  methods.emplace_back("VSV soft tissue, no correction",
                       convolution_dose(pc.phantom, pc.source, decay, soft, nullptr, DensityCorrection::none).dose_gy);
  methods.emplace_back("VSV soft tissue, density-scaled",
                       convolution_dose(pc.phantom, pc.source, decay, soft, nullptr, DensityCorrection::density).dose_gy);
  methods.emplace_back("VSV soft/bone per voxel + density",
                       convolution_dose(pc.phantom, pc.source, decay, soft, &bone, DensityCorrection::material).dose_gy);

  // MC ROI means with the replica spread as uncertainty.
  std::map<std::string, double> mc_mean, mc_se;
  for (const auto& [name, mask] : pc.roi) {
    std::vector<double> per;
    for (const auto& r : runs) per.push_back(roi_mean(r.dose_gy, mask));
    mc_mean[name] = mean_of(per);
    mc_se[name] = standard_error_of(per);
  }
  GammaOptions g33;  // 3 %/3 mm global, 10 % threshold
  GammaOptions g22;
  g22.dose_difference = 0.02;
  g22.dta_mm = 2.0;
  const auto mc_f = to_float(mc);

  std::ostringstream md, csv;
  md << "## Kernel methods vs Monte Carlo (liver + tumour at the lung base, lung 0.26 g/cm3, rib)\n\n"
     << "Phantom: " << grid.describe() << "; tumour radius " << spec.tumour_radius_mm
     << " mm touching the lung base, T/N " << spec.tn_ratio << ", lung shunt "
     << 100 * spec.lung_shunt << " %, " << spec.total_activity_bq / 1e9 << " GBq 90Y. Monte Carlo: "
     << histories << " decays in 5 replicas (uncertainty = standard error of the replicas).\n\n"
     << "| method | tumour [Gy] | normal liver [Gy] | lung [Gy] | rib [Gy] | gamma 3%/3mm | gamma 2%/2mm |\n"
     << "| --- | --- | --- | --- | --- | --- | --- |\n";
  md << std::fixed << std::setprecision(2) << "| Monte Carlo | " << mc_mean["tumour"] << " ± "
     << mc_se["tumour"] << " | " << mc_mean["normal_liver"] << " ± " << mc_se["normal_liver"]
     << " | " << mc_mean["lung"] << " ± " << mc_se["lung"] << " | " << mc_mean["rib"] << " ± "
     << mc_se["rib"] << " | — | — |\n";
  std::vector<ValidationResult> results;
  for (const auto& [mname, dose] : methods) {
    const auto df = to_float(dose);
    const double p33 = gamma_index(grid, mc_f, df, g33).pass_rate;
    const double p22 = gamma_index(grid, mc_f, df, g22).pass_rate;
    md << "| " << mname;
    for (const auto& [rname, mask] : pc.roi) {
      const double m = roi_mean(dose, mask);
      const double ratio = m / mc_mean[rname];
      md << " | " << m << " (" << std::showpos << 100 * (ratio - 1) << std::noshowpos << " %)";
      csv << csv_field(mname) << "," << rname << "," << m << "," << mc_mean[rname] << "," << mc_se[rname] << ","
          << ratio << "," << p33 << "," << p22 << "\n";
      const double sigma_rel = mc_se[rname] / mc_mean[rname];
      ValidationResult res;
      res.name = "kernel_study: " + mname + ", " + rname + " mean / MC";
      res.reference = "Monte Carlo (betadose mc engine) on the same phantom";
      res.reference_value = mc_mean[rname];
      res.value = m;
      res.sigma = mc_se[rname];
      res.difference = ratio - 1;
      const bool corrected = mname.find("density") != std::string::npos;
      if (corrected && (rname == "tumour" || rname == "normal_liver")) {
        res.tolerance = "[-5 %, +5 %] + kσ (Mikell 2015: kernels within ~5 % in tumour/liver)";
        res.dof = kReplicaDof;
        res.passed = within_band(ratio - 1, sigma_rel, -0.05, 0.05, kReplicaDof);
        results.push_back(res);
      } else if (rname == "lung" && !corrected && mname != "LDM") {
        // Kernels without density correction deposit soft-tissue energy per soft-tissue mass
        // in lung: the published failure (lung dose off by tens of per cent) must show.
        res.tolerance = "|difference| >= 20 % (published trend: lung off by tens of %)";
        res.passed = std::abs(ratio - 1) - 3 * sigma_rel >= 0.20;
        res.notes = "the check is that the known kernel failure in lung is reproduced";
        results.push_back(res);
      }
    }
    md << std::setprecision(1) << " | " << 100 * p33 << " % | " << 100 * p22 << " % |\n"
       << std::setprecision(2);
  }
  md << "\nPercentages in brackets: difference of the ROI mean from Monte Carlo. Gamma: global, "
        "Monte Carlo as reference, voxels above 10 % of its maximum.\n";
  std::filesystem::create_directories(ctx.out_dir);
  write_text_file_atomic((std::filesystem::path(ctx.out_dir) / "kernel_study.md").string(), md.str());
  append_csv(ctx, "kernel_study.csv", "method,roi,mean_gy,mc_mean_gy,mc_se_gy,ratio_to_mc,gamma33_pass,gamma22_pass",
             csv.str());
  if (ctx.log) ctx.log(md.str());
  return results;
}

}  // namespace bd::validation
