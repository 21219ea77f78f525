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
#include "betadose/dose_file.hh"
#include "betadose/dose_metrics.hh"
#include "betadose/errors.hh"
#include "betadose/image_io.hh"
#include "betadose/nuclide.hh"
#include "betadose/option_checks.hh"
#include "betadose/output_file.hh"
#include "betadose/radiobiology.hh"
#include "betadose/resample.hh"
#include "json_writer.hh"

namespace bd::cli {

namespace {

struct AnalyzeOptions {
  std::string dose_path;
  RoiInputs rois;                   // --mask, --segmentation, --rtstruct
  std::vector<std::string> roi_lq;  // name=alpha_beta_gy,repair_half_time_h
  std::string weighting = "volume";
  std::vector<double> d_percent{2, 50, 70, 90, 98};
  std::vector<double> v_gy;
  double dvh_bin_gy = 1.0;
  std::string dvh_csv, bed_out, eqd2_out;
  PermanentImplantLq lq = PermanentImplantLq::tumour();
  double half_life_h = std::nan("");
  bool json = false;
};

std::pair<std::string, std::string> split_name_value(const std::string& spec, const char* option,
                                                     const char* expected) {
  const auto eq = spec.find('=');
  BD_VALIDATE(eq != std::string::npos && eq > 0 && eq + 1 < spec.size(),
              option << " '" << spec << "' (expected " << expected << ")");
  return {spec.substr(0, eq), spec.substr(eq + 1)};
}

double parse_number(const std::string& text, const std::string& context) {
  std::size_t used = 0;
  double x = 0;
  try {
    x = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  BD_VALIDATE(used == text.size() && used > 0, context << ": '" << text << "' is not a number");
  return x;
}

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
  out.extra["alpha_beta_Gy"] = lq.alpha_beta_gy;
  out.extra["repair_half_time_h"] = lq.repair_half_time_h;
  out.extra["physical_half_life_h"] = lq.physical_half_life_h;
  write_dose_file(path, out);
}

std::string fmt(double x, int decimals) {
  if (!std::isfinite(x)) return "-";
  std::ostringstream os;
  os << std::fixed << std::setprecision(decimals) << x;
  return os.str();
}

std::string label(const char* prefix, double x, const char* unit) {
  std::ostringstream os;
  os << prefix << x << unit;
  return os.str();
}

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

void run_analyze(AnalyzeOptions& o) {
  check_analyze_outputs(o);
  const DoseFile file = read_dose_file(o.dose_path);
  const DoseWeighting weighting = parse_dose_weighting(o.weighting, "--weighting");

  // Decay half-life for Dale's formula: the dose file's nuclide unless --half-life-h is given.
  std::string half_life_source = "--half-life-h";
  if (std::isnan(o.half_life_h)) {
    const Nuclide nuc = load_nuclide(file.nuclide);
    o.lq.physical_half_life_h = nuc.half_life_s / 3600.0;
    half_life_source = file.nuclide + " nuclide data";
  } else {
    o.lq.physical_half_life_h = o.half_life_h;
  }
  validate(o.lq);

  // ROIs: the dose file's /roi masks, then --mask/--segmentation/--rtstruct (onto the dose grid).
  std::vector<std::string> notes;
  const RoiSet roi_set =
      add_roi_inputs(file.roi, o.rois, file.grid, [&](const std::string& line) { notes.push_back(line); });
  std::map<std::string, std::vector<std::uint8_t>> rois = roi_set.masks;
  if (rois.empty()) {
    rois["grid"] = {};  // whole grid
    notes.push_back("no ROI in the dose file and no --mask: metrics over the whole grid");
  }

  std::map<std::string, PermanentImplantLq> roi_lq;
  for (const auto& spec : o.roi_lq) {
    const auto nv = split_name_value(spec, "--roi-lq", "NAME=ALPHA_BETA_GY,REPAIR_HALF_TIME_H");
    const auto comma = nv.second.find(',');
    BD_VALIDATE(comma != std::string::npos,
                "--roi-lq '" << spec << "' (expected NAME=ALPHA_BETA_GY,REPAIR_HALF_TIME_H, e.g. "
                             << "liver=2.5,2.5)");
    PermanentImplantLq lq = o.lq;
    lq.alpha_beta_gy = parse_number(nv.second.substr(0, comma), "--roi-lq " + spec);
    lq.repair_half_time_h = parse_number(nv.second.substr(comma + 1), "--roi-lq " + spec);
    validate(lq);
    const std::string name = roi_set.name_of(nv.first);
    BD_VALIDATE(!name.empty(), "--roi-lq " << spec << ": no ROI named '" << nv.first << "' (ROIs: "
                                           << roi_set.list() << ")");
    roi_lq[name] = lq;
  }

  DoseMetricsOptions mopt;
  mopt.weighting = weighting;
  mopt.d_percent = o.d_percent;
  mopt.v_gy = o.v_gy;
  std::vector<JsonObject> json_rois;
  std::vector<std::pair<std::string, DoseDistribution>> dvh_rois;
  std::ostringstream table;
  table << std::left << std::setw(16) << "ROI" << std::right << std::setw(10) << "vol [ml]"
        << std::setw(10) << "mean Gy" << std::setw(9) << "min" << std::setw(9) << "max";
  for (double x : o.d_percent) table << std::setw(9) << label("D", x, "");
  for (double x : o.v_gy) table << std::setw(10) << label("V", x, "Gy");
  table << std::setw(9) << "unc %" << std::setw(10) << "BED Gy" << std::setw(10) << "EQD2 Gy"
        << std::setw(7) << "a/b" << "\n";
  for (const auto& [name, mask] : rois) {
    const RoiDoseMetrics m = compute_roi_metrics(name, file.grid, file.dose_gy,
                                                 file.dose_rel_uncertainty, mask,
                                                 file.density_g_cm3, mopt);
    const PermanentImplantLq lq = roi_lq.count(name) ? roi_lq[name] : o.lq;
    // ROI mean of the voxel BED (not the BED of the mean dose: BED is convex in D), with the
    // same weighting as the dose metrics.
    double bed_sum = 0, weight_sum = 0;
    for (std::size_t i = 0; i < file.dose_gy.size(); ++i) {
      if (!mask.empty() && mask[i] == 0) continue;
      const double w = weighting == DoseWeighting::mass ? double(file.density_g_cm3[i]) : 1.0;
      bed_sum += w * bed_gy(file.dose_gy[i], lq);
      weight_sum += w;
    }
    const double mean_bed = bed_sum / weight_sum;
    const double mean_eqd2 = eqd2_from_bed_gy(mean_bed, lq.alpha_beta_gy);
    dvh_rois.emplace_back(name, make_roi_distribution(file.grid, file.dose_gy, mask,
                                                      file.density_g_cm3, weighting, name));
    table << std::left << std::setw(16) << name << std::right << std::setw(10) << fmt(m.volume_ml, 1)
          << std::setw(10) << fmt(m.mean_dose_gy, 2) << std::setw(9) << fmt(m.min_dose_gy, 1)
          << std::setw(9) << fmt(m.max_dose_gy, 1);
    for (const auto& p : m.d_percent_gy) table << std::setw(9) << fmt(p.second, 1);
    for (const auto& p : m.v_gy_fraction) table << std::setw(10) << fmt(100 * p.second, 1);
    table << std::setw(9) << (m.mean_rel_uncertainty >= 0 ? fmt(100 * m.mean_rel_uncertainty, 2) : "-")
          << std::setw(10) << fmt(mean_bed, 2) << std::setw(10) << fmt(mean_eqd2, 2) << std::setw(7)
          << fmt(lq.alpha_beta_gy, 1) << "\n";
    JsonObject j;
    j.add("name", name)
        .add("voxel_count", double(m.voxel_count))
        .add("volume_ml", m.volume_ml)
        .add("mass_g", m.mass_g >= 0 ? m.mass_g : std::nan(""))
        .add("mean_dose_gy", m.mean_dose_gy)
        .add("min_dose_gy", m.min_dose_gy)
        .add("max_dose_gy", m.max_dose_gy)
        .add("mean_rel_uncertainty", m.mean_rel_uncertainty >= 0 ? m.mean_rel_uncertainty : std::nan(""));
    JsonObject d, v;
    for (const auto& p : m.d_percent_gy) d.add(label("D", p.first, ""), p.second);
    for (const auto& p : m.v_gy_fraction) v.add(label("V", p.first, "Gy"), p.second);
    j.add("d_gy", d).add("v_fraction", v);
    j.add("mean_bed_gy", mean_bed).add("mean_eqd2_gy", mean_eqd2)
        .add("alpha_beta_gy", lq.alpha_beta_gy).add("repair_half_time_h", lq.repair_half_time_h);
    json_rois.push_back(j);
  }

  // Every output staged, then committed together: all of them or none.
  OutputSet outputs;
  if (!o.dvh_csv.empty())
    write_dvh_csv(outputs.stage(o.dvh_csv, "--dvh-csv"), cumulative_dvh(dvh_rois, o.dvh_bin_gy, weighting));
  if (!o.bed_out.empty())
    write_map(outputs.stage(o.bed_out, "--bed-out"), file, bed_map_gy(file.dose_gy, o.lq), o.lq, "bed");
  if (!o.eqd2_out.empty())
    write_map(outputs.stage(o.eqd2_out, "--eqd2-out"), file, eqd2_map_gy(file.dose_gy, o.lq), o.lq, "eqd2");
  outputs.commit();

  if (o.json) {
    JsonObject top;
    JsonObject lq;
    lq.add("model", "Dale 1985 permanent implant")
        .add("alpha_beta_gy", o.lq.alpha_beta_gy)
        .add("repair_half_time_h", o.lq.repair_half_time_h)
        .add("physical_half_life_h", o.lq.physical_half_life_h)
        .add("half_life_source", half_life_source);
    top.add("dose_file", o.dose_path).add("weighting", to_string(weighting)).add("bed", lq)
        .add("rois", json_rois).add("notes", notes);
    std::cout << top.str() << "\n";
    return;
  }
  std::cout << "betadose analyze " << o.dose_path << " (" << file.grid.describe() << ")\n"
            << "weighting: " << to_string(weighting) << " (D_x in Gy, V_x in % of the ROI, unc = "
            << "mean voxel relative uncertainty)\n"
            << "BED/EQD2: Dale 1985 permanent implant, alpha/beta " << o.lq.alpha_beta_gy
            << " Gy, T_rep " << o.lq.repair_half_time_h << " h, T1/2 " << o.lq.physical_half_life_h
            << " h (" << half_life_source << "); ROI means of the voxel BED\n"
            << table.str();
  for (const auto& n : notes) std::cout << "note: " << n << "\n";
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
  cmd->add_option("--weighting", opt->weighting,
                  "volume (clinical DVH, default) | mass (needs /density_g_cm3; MIRD mean dose)");
  cmd->add_option("--d-percent", opt->d_percent, "D_x to report, x in % (default 2 50 70 90 98)")
      ->check(real_check(ValueRange::closed(0, 100)));
  cmd->add_option("--v-gy", opt->v_gy, "V_x to report, x in Gy (e.g. 50 100 205)")
      ->check(real_check(ValueRange::non_negative()));
  cmd->add_option("--dvh-bin-gy", opt->dvh_bin_gy, "DVH dose step [Gy] (default 1)")
      ->check(real_check(ValueRange::positive()));
  cmd->add_option("--dvh-csv", opt->dvh_csv, "Write the cumulative DVH of every ROI (CSV)");
  cmd->add_option("--alpha-beta", opt->lq.alpha_beta_gy,
                  "alpha/beta [Gy] (default 10, tumour; normal liver 2.5: Strigari 2010)")
      ->check(real_check(ValueRange::positive()));
  cmd->add_option("--repair-half-time-h", opt->lq.repair_half_time_h,
                  "Sublethal-damage repair half-time [h] (default 1.5, tumour; liver 2.5)")
      ->check(real_check(ValueRange::positive()));
  cmd->add_option("--half-life-h", opt->half_life_h,
                  "Physical half-life [h] (default: the dose file's nuclide, 90Y 64.1 h)")
      ->check(real_check(ValueRange::positive()));
  cmd->add_option("--roi-lq", opt->roi_lq,
                  "Per-ROI BED parameters NAME=ALPHA_BETA_GY,REPAIR_HALF_TIME_H (e.g. liver=2.5,2.5)")
      ->allow_extra_args(false);
  cmd->add_option("--bed-out", opt->bed_out, "Write the BED map as a dose file (HDF5, method=bed)");
  cmd->add_option("--eqd2-out", opt->eqd2_out, "Write the EQD2 map as a dose file (method=eqd2)");
  cmd->add_flag("--json", opt->json, "Print one JSON object on stdout instead of the table");
  cmd->callback([opt]() { run_analyze(*opt); });
}

}  // namespace bd::cli
