// `betadose analyze`: per-ROI dose metrics (mean, min/max, D_x, V_x, mean relative uncertainty),
// cumulative DVH CSV, and BED/EQD2 maps and ROI means for a permanent 90Y implant (Dale 1985).
// Definitions: include/betadose/dose_metrics.hh and include/betadose/radiobiology.hh.
#include <CLI/CLI.hpp>

#include <cmath>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>

#include "betadose/case_options.hh"
#include "betadose/cli_commands.hh"
#include "betadose/dose_analysis.hh"
#include "betadose/dose_file.hh"
#include "betadose/dose_metrics.hh"
#include "betadose/errors.hh"
#include "betadose/number_format.hh"
#include "betadose/image_io.hh"
#include "betadose/nuclide.hh"
#include "betadose/option_checks.hh"
#include "betadose/output_file.hh"
#include "betadose/radiobiology.hh"
#include "betadose/resample.hh"
#include "src/cli/analysis_args.hh"

namespace bd::cli {

namespace {

struct AnalyzeOptions {
  std::string dose_path;
  RoiInputs rois;  // --mask, --segmentation, --rtstruct
  AnalysisArgs analysis;
  double dvh_bin_gy = 1.0;
  std::string dvh_csv, bed_out, eqd2_out;
  bool json = false;
};

// First-order propagation of the dose's relative uncertainty to BED (and EQD2, a multiple of
// BED): with x = D G/(α/β), BED = D (1 + x), dBED/dD = 1 + 2x, so
// σ_BED/BED = σ_D/D · (1 + 2x)/(1 + x).
std::vector<float> bed_rel_uncertainty(const std::vector<float>& dose,
                                       const std::vector<float>& rel, const PermanentImplantLq& lq) {
  if (rel.empty()) return {};
  const double g = lq.repair_half_time_h / (lq.repair_half_time_h + lq.physical_half_life_h);
  std::vector<float> out(rel.size());
  for (std::size_t i = 0; i < rel.size(); ++i) {
    const double x = double(dose[i]) * g / lq.alpha_beta_gy;
    out[i] = float(rel[i] * (1.0 + 2.0 * x) / (1.0 + x));
  }
  return out;
}

void write_map(const std::string& path, const DoseFile& src, std::vector<float> values,
               const PermanentImplantLq& lq, const char* method) {
  DoseFile out;
  out.grid = src.grid;
  out.dose_gy = std::move(values);
  out.dose_rel_uncertainty = bed_rel_uncertainty(src.dose_gy, src.dose_rel_uncertainty, lq);
  out.density_g_cm3 = src.density_g_cm3;
  out.roi = src.roi;
  out.nuclide = src.nuclide;
  out.method = method;
  out.device = src.device;
  out.total_activity_bq = src.total_activity_bq;
  out.histories = src.histories;
  out.seed = src.seed;
  out.extra = src.extra;
  out.text = src.text;
  out.provenance = src.provenance;
  out.provenance.section("post_processing", "Postprocessing")
      .add("derived_map", std::string(method) + " of the dose voxel by voxel (Dale 1985 permanent implant)")
      .add("alpha_beta_Gy", lq.alpha_beta_gy)
      .add("repair_half_time_h", lq.repair_half_time_h);
  out.extra["alpha_beta_Gy"] = lq.alpha_beta_gy;
  out.extra["repair_half_time_h"] = lq.repair_half_time_h;
  out.extra["physical_half_life_h"] = lq.physical_half_life_h;
  write_dose_file(path, out);
}

std::string fmt(double x, int decimals) { return fixed_or_dash(x, decimals); }

// Before reading: the outputs are writable, dose files where dose files go, and none of them
// is an input (check_outputs: path, symlink, hard link).
void check_analyze_outputs(const AnalyzeOptions& o) {
  for (const auto& [option, path] : {std::pair<const char*, const std::string&>{"--bed-out", o.bed_out},
                                     {"--eqd2-out", o.eqd2_out}})
    BD_VALIDATE(path.empty() || has_dose_file_extension(path),
                option << " " << path << ": a dose file must end in .h5 or .hdf5");
  std::vector<std::string> inputs = roi_input_paths(o.rois);
  inputs.push_back(o.dose_path);
  check_outputs({{"--dvh-csv", o.dvh_csv}, {"--bed-out", o.bed_out}, {"--eqd2-out", o.eqd2_out}}, inputs);
}

void run_analyze(const AnalyzeOptions& o) {
  check_analyze_outputs(o);
  const DoseAnalysisOptions opts = analysis_options(o.analysis);
  const DoseFile file = read_dose_file(o.dose_path);

  // ROIs: the dose file's /roi masks, then --mask/--segmentation/--rtstruct (onto the dose grid).
  std::vector<std::string> notes;
  const RoiSet roi_set =
      add_roi_inputs(file.roi, o.rois, file.grid, [&](const std::string& line) { notes.push_back(line); });
  // --roi-lq may name an ROI in either spelling (roi_set.hh).
  DoseAnalysisOptions resolved = opts;
  resolved.roi_lq.clear();
  for (const auto& [ref, lq] : opts.roi_lq) {
    const std::string name = roi_set.name_of(ref);
    BD_VALIDATE(!name.empty(), "--roi-lq " << ref << "=" << lq.first << "," << lq.second
                                           << ": no ROI named '" << ref << "' (ROIs: " << roi_set.list() << ")");
    resolved.roi_lq[name] = lq;
  }
  DoseAnalysis a = analyze_dose(file, roi_set.masks, resolved);
  a.notes.insert(a.notes.begin(), notes.begin(), notes.end());

  // Every output staged, then committed together: all of them or none.
  OutputSet outputs;
  if (!o.dvh_csv.empty())
    write_dvh_csv(outputs.stage(o.dvh_csv, "--dvh-csv"), cumulative_dvh(a.distributions, o.dvh_bin_gy, a.weighting));
  if (!o.bed_out.empty())
    write_map(outputs.stage(o.bed_out, "--bed-out"), file, bed_map_gy(file.dose_gy, a.lq), a.lq, "bed");
  if (!o.eqd2_out.empty())
    write_map(outputs.stage(o.eqd2_out, "--eqd2-out"), file, eqd2_map_gy(file.dose_gy, a.lq), a.lq, "eqd2");
  outputs.commit();

  if (o.json) {
    std::cout << dose_analysis_json(a, o.dose_path).str() << "\n";
    return;
  }
  std::ostringstream table;
  table << std::left << std::setw(16) << "ROI" << std::right << std::setw(10) << "vol [ml]"
        << std::setw(10) << "mean Gy" << std::setw(9) << "min" << std::setw(9) << "max";
  for (double x : opts.d_percent) table << std::setw(9) << d_key(x);
  for (double x : opts.v_gy) table << std::setw(10) << v_key(x);
  table << std::setw(9) << "unc %" << std::setw(10) << "BED Gy" << std::setw(10) << "EQD2 Gy"
        << std::setw(7) << "a/b" << "\n";
  for (const auto& r : a.rois) {
    const RoiDoseMetrics& m = r.metrics;
    table << std::left << std::setw(16) << m.roi << std::right << std::setw(10) << fmt(m.volume_ml, 1)
          << std::setw(10) << fmt(m.mean_dose_gy, 2) << std::setw(9) << fmt(m.min_dose_gy, 1)
          << std::setw(9) << fmt(m.max_dose_gy, 1);
    for (const auto& p : m.d_percent_gy) table << std::setw(9) << fmt(p.second, 1);
    for (const auto& p : m.v_gy_fraction) table << std::setw(10) << fmt(100 * p.second, 1);
    table << std::setw(9) << (m.mean_rel_uncertainty >= 0 ? fmt(100 * m.mean_rel_uncertainty, 2) : "-")
          << std::setw(10) << fmt(r.mean_bed_gy, 2) << std::setw(10) << fmt(r.mean_eqd2_gy, 2)
          << std::setw(7) << fmt(r.lq.alpha_beta_gy, 1) << "\n";
  }
  std::cout << "betadose analyze " << o.dose_path << " (" << file.grid.describe() << ")\n"
            << "weighting: " << to_string(a.weighting) << " (D_x in Gy, V_x in % of the ROI, unc = "
            << "mean voxel relative uncertainty)\n"
            << "BED/EQD2: Dale 1985 permanent implant, alpha/beta " << a.lq.alpha_beta_gy
            << " Gy, T_rep " << a.lq.repair_half_time_h << " h, T1/2 " << a.lq.physical_half_life_h
            << " h (" << a.half_life_source << "); ROI means of the voxel BED\n"
            << table.str();
  for (const auto& n : a.notes) std::cout << "note: " << n << "\n";
  if (!o.dvh_csv.empty()) std::cout << "DVH written to " << o.dvh_csv << "\n";
  if (!o.bed_out.empty()) std::cout << "BED map written to " << o.bed_out << "\n";
  if (!o.eqd2_out.empty()) std::cout << "EQD2 map written to " << o.eqd2_out << "\n";
}

}  // namespace

void add_analyze_command(CLI::App& app) {
  auto opt = std::make_shared<AnalyzeOptions>();
  auto* cmd = app.add_subcommand(
      "analyze", "Per-ROI dose metrics, DVH and BED/EQD2 (permanent 90Y implant) of a dose file");
  cmd->add_option("dose", opt->dose_path, "Dose file (HDF5, betadose format)")->required();
  add_roi_options(*cmd, opt->rois);  // extra ROIs onto the dose grid; the file's /roi masks too
  add_analysis_options(cmd, opt->analysis);
  cmd->add_option("--dvh-bin-gy", opt->dvh_bin_gy, "DVH dose step [Gy] (default 1)")
      ->check(real_check(ValueRange::positive()));
  cmd->add_option("--dvh-csv", opt->dvh_csv, "Write the cumulative DVH of every ROI (CSV)");
  cmd->add_option("--bed-out", opt->bed_out, "Write the BED map as a dose file (HDF5, method=bed)");
  cmd->add_option("--eqd2-out", opt->eqd2_out, "Write the EQD2 map as a dose file (method=eqd2)");
  cmd->add_flag("--json", opt->json, "Print one JSON object on stdout instead of the table");
  cmd->callback([opt]() { run_analyze(*opt); });
}

}  // namespace bd::cli
