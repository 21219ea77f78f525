// `betadose compare A.h5 B.h5`: voxelwise differences, 3-D gamma index, per-ROI metrics and
// DVH overlays of two dose files (A = reference, B = evaluated). Definitions: compare.hh,
// dose_metrics.hh.
#include <CLI/CLI.hpp>

#include <cmath>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>
#include <memory>

#include "betadose/cli_commands.hh"
#include "betadose/compare.hh"
#include "betadose/data_paths.hh"
#include "betadose/comparison_file.hh"
#include "betadose/case_options.hh"
#include "betadose/dose_file.hh"
#include "betadose/dose_metrics.hh"
#include "betadose/errors.hh"
#include "betadose/option_checks.hh"
#include "betadose/output_file.hh"
#include "betadose/subprocess.hh"
#include "betadose/image_io.hh"
#include "betadose/resample.hh"
#include "betadose/json_writer.hh"

namespace bd::cli {

namespace {

struct CompareOptions {
  std::string a, b;
  std::string gamma = "3%/3mm";
  bool local = false;
  std::string threshold = "10%";
  double search_radius_mm = 0;
  RoiInputs rois;
  std::string out;
  bool json = false;
  bool strict_grid = false;
  std::vector<double> v_gy{100.0};
  double dvh_bin_gy = 1.0;
  std::string dvh_csv, dvh_png;
};


bool is_png(const std::string& path) {
  return path.size() > 4 && (path.compare(path.size() - 4, 4, ".png") == 0 || path.compare(path.size() - 4, 4, ".PNG") == 0);
}

// Before reading: every output writable, of its kind, and none of them an input.
void check_compare_outputs(const CompareOptions& o) {
  BD_VALIDATE(o.out.empty() || has_dose_file_extension(o.out),
              "--out " << o.out << ": the comparison file must end in .h5 or .hdf5");
  BD_VALIDATE(o.dvh_png.empty() || is_png(o.dvh_png), "--dvh-png " << o.dvh_png << ": the plot must end in .png");
  std::vector<std::string> inputs = roi_input_paths(o.rois);
  inputs.push_back(o.a);
  inputs.push_back(o.b);
  check_outputs({{"--out", o.out}, {"--dvh-csv", o.dvh_csv}, {"--dvh-png", o.dvh_png}}, inputs);
}

void run_compare(const CompareOptions& o) {
  check_compare_outputs(o);
  GammaOptions g;
  parse_gamma_criterion(o.gamma, g);
  g.local = o.local;
  g.threshold = parse_percent(o.threshold, "--threshold");
  g.search_radius_mm = o.search_radius_mm;
  BD_VALIDATE(o.dvh_bin_gy > 0, "--dvh-bin-gy " << o.dvh_bin_gy << " (expected > 0)");
  const DoseFile fa = read_dose_file(o.a);
  const DoseFile fb = read_dose_file(o.b);
  const Grid& grid = fa.grid;
  std::vector<float> db = fb.dose_gy;
  bool resampled = false;
  if (!fb.grid.same_geometry(grid)) {
    BD_VALIDATE(!o.strict_grid, "grids differ: " << o.a << " has " << grid.describe() << ", "
                                                 << o.b << " has " << fb.grid.describe()
                                                 << " (--strict-grid: resample one of them first)");
    require_overlap(fb.grid, o.b, grid, o.a);
    std::cerr << "warning: grids differ (" << o.a << ": " << grid.describe() << "; " << o.b
              << ": " << fb.grid.describe() << "); " << o.b
              << " is resampled onto the grid of " << o.a << " (trilinear)\n";
    Volume<float> vb(fb.grid);
    vb.data = fb.dose_gy;
    db = resample_linear(vb, grid, 0.0f).data;
    resampled = true;
  }
  const std::vector<float>& da = fa.dose_gy;

  // ROIs: A's, then B's (moved onto A's grid), then --mask/--segmentation/--rtstruct.
  std::map<std::string, std::vector<std::uint8_t>> file_rois = fa.roi;
  for (const auto& [name, m] : fb.roi) {
    if (file_rois.count(name)) continue;
    if (!resampled) {
      file_rois[name] = m;
    } else {
      Volume<std::uint8_t> vm(fb.grid);
      vm.data = m;
      file_rois[name] = resample_nearest(vm, grid, 0).data;
    }
  }
  const std::map<std::string, std::vector<std::uint8_t>> roi =
      add_roi_inputs(file_rois, o.rois, grid, [](const std::string& line) { std::cerr << line << "\n"; }).masks;

  const DoseDifference diff = dose_difference(grid, da, db, g.threshold);
  const GammaResult gam = gamma_index(grid, da, db, g);

  DoseMetricsOptions mo;
  mo.d_percent = {70.0, 90.0};
  mo.v_gy = o.v_gy;
  std::vector<std::pair<std::string, RoiDoseMetrics>> ma, mb;
  std::vector<std::pair<std::string, DoseDistribution>> dists;
  // per ROI: gamma-evaluated voxels (above the threshold) and how many pass
  std::map<std::string, std::pair<std::size_t, std::size_t>> roi_gamma;
  for (const auto& [name, mask] : roi) {
    std::size_t inside = 0;
    for (auto x : mask) inside += x;
    if (inside == 0) {
      std::cerr << "warning: ROI " << name << " is empty on the dose grid; skipped\n";
      continue;
    }
    std::size_t g_eval = 0, g_pass = 0;
    for (std::size_t v = 0; v < mask.size(); ++v)
      if (mask[v] && gam.gamma[v] >= 0) {
        ++g_eval;
        if (gam.gamma[v] <= 1.0f) ++g_pass;
      }
    roi_gamma[name] = {g_eval, g_pass};
    ma.emplace_back(name, compute_roi_metrics(name, grid, da, {}, mask, {}, mo));
    mb.emplace_back(name, compute_roi_metrics(name, grid, db, {}, mask, {}, mo));
    dists.emplace_back(name + "_A", make_roi_distribution(grid, da, mask, {}, DoseWeighting::volume, name));
    dists.emplace_back(name + "_B", make_roi_distribution(grid, db, mask, {}, DoseWeighting::volume, name));
  }
  // All outputs staged, then committed together (nothing under a final name before the end).
  OutputSet outputs;
  if (!o.dvh_csv.empty() || !o.dvh_png.empty()) {
    BD_VALIDATE(!dists.empty(), "--dvh-csv/--dvh-png need ROIs (masks in the dose files or --mask)");
    const auto dvh = cumulative_dvh(dists, o.dvh_bin_gy, DoseWeighting::volume);
    if (!o.dvh_csv.empty()) write_dvh_csv(outputs.stage(o.dvh_csv, "--dvh-csv"), dvh);
    if (!o.dvh_png.empty()) {
      // The plot script reads a CSV staged beside the PNG (removed before the commit).
      const std::string png = outputs.stage(o.dvh_png, "--dvh-png");
      const std::string csv = png + ".dvh.csv";
      write_dvh_csv(csv, dvh);
      const auto r = run_program({"/usr/bin/python3", tools_script("plot_dvh_compare.py"), csv, png, o.a, o.b});
      std::remove(csv.c_str());
      if (r.exit_code != 0)
        throw InputError("--dvh-png " + o.dvh_png + ": the plot script failed (exit " +
                         std::to_string(r.exit_code) + "; needs /usr/bin/python3 with matplotlib): " +
                         r.output);
    }
  }
  if (!o.out.empty()) {
    ComparisonFile cf;
    cf.grid = grid;
    cf.maps["dose_a"] = da;
    cf.maps["dose_b"] = db;
    cf.maps["difference_gy"] = diff.absolute_gy;
    cf.maps["relative_difference"] = diff.relative;
    cf.maps["gamma"] = gam.gamma;
    cf.texts["file_a"] = o.a;
    cf.texts["file_b"] = o.b;
    cf.texts["gamma_criterion"] = o.gamma + (o.local ? " local" : " global");
    cf.numbers["gamma_pass_rate"] = gam.pass_rate;
    cf.numbers["gamma_mean"] = gam.mean_gamma;
    cf.numbers["threshold_fraction"] = g.threshold;
    cf.numbers["mean_relative_difference"] = diff.mean_relative_difference;
    write_comparison_file(outputs.stage(o.out, "--out"), cf);
  }
  outputs.commit();

  if (o.json) {
    JsonObject j;
    j.add("file_a", o.a).add("file_b", o.b).add("method_a", fa.method).add("method_b", fb.method);
    j.add("resampled", resampled);
    JsonObject gj;
    gj.add("dose_difference_percent", 100 * g.dose_difference).add("dta_mm", g.dta_mm)
        .add("local", g.local).add("threshold_percent", 100 * g.threshold)
        .add("evaluated_voxels", static_cast<double>(gam.evaluated));
    j.add("gamma", gj);
    j.add("gamma_pass_rate", gam.pass_rate).add("gamma_mean", gam.mean_gamma);
    j.add("mean_relative_difference", diff.mean_relative_difference)
        .add("mean_absolute_difference_gy", diff.mean_absolute_difference_gy)
        .add("max_absolute_difference_gy", diff.max_absolute_difference_gy);
    JsonObject rj;
    for (std::size_t r = 0; r < ma.size(); ++r) {
      const auto& a = ma[r].second;
      const auto& b = mb[r].second;
      JsonObject one;
      one.add("voxels", static_cast<double>(a.voxel_count)).add("volume_ml", a.volume_ml);
      one.add("mean_a", a.mean_dose_gy).add("mean_b", b.mean_dose_gy);
      one.add("d70_a", a.d(70)).add("d70_b", b.d(70)).add("d90_a", a.d(90)).add("d90_b", b.d(90));
      const auto rg = roi_gamma[ma[r].first];
      one.add("gamma_evaluated_voxels", static_cast<double>(rg.first));
      one.add("gamma_pass_rate", rg.first ? static_cast<double>(rg.second) / rg.first : NAN);
      for (double v : o.v_gy) {
        std::ostringstream key;
        key << v;
        one.add("v" + key.str() + "_a", a.v(v)).add("v" + key.str() + "_b", b.v(v));
      }
      rj.add(ma[r].first, one);
    }
    j.add("roi", rj);
    std::cout << j.str() << "\n";
    return;
  }
  std::cout << std::setprecision(4) << "A: " << o.a << " (" << fa.method << ")\nB: " << o.b << " ("
            << fb.method << ")" << (resampled ? " resampled onto A's grid" : "") << "\n"
            << "gamma " << o.gamma << (g.local ? " local" : " global") << ", threshold "
            << 100 * g.threshold << " %: pass rate " << 100 * gam.pass_rate << " % of "
            << gam.evaluated << " voxels (mean gamma " << gam.mean_gamma << ")\n"
            << "mean relative difference (B-A)/A above threshold: "
            << 100 * diff.mean_relative_difference << " %\n";
  if (!ma.empty()) {
    std::cout << std::left << std::setw(16) << "ROI" << std::right << std::setw(11) << "mean A"
              << std::setw(11) << "mean B" << std::setw(11) << "D70 A" << std::setw(11) << "D70 B"
              << std::setw(11) << "D90 A" << std::setw(11) << "D90 B" << "  [Gy]  gamma pass\n";
    for (std::size_t r = 0; r < ma.size(); ++r) {
      const auto& a = ma[r].second;
      const auto& b = mb[r].second;
      std::cout << std::left << std::setw(16) << ma[r].first << std::right << std::setw(11)
                << a.mean_dose_gy << std::setw(11) << b.mean_dose_gy << std::setw(11) << a.d(70)
                << std::setw(11) << b.d(70) << std::setw(11) << a.d(90) << std::setw(11) << b.d(90);
      const auto rg = roi_gamma[ma[r].first];
      if (rg.first)
        std::cout << "        " << 100.0 * rg.second / rg.first << " % of " << rg.first << "\n";
      else
        std::cout << "        (below threshold)\n";
    }
  }
}

}  // namespace

void add_compare_command(CLI::App& app) {
  auto opt = std::make_shared<CompareOptions>();
  auto* cmd = app.add_subcommand("compare", "Compare two dose files: differences, 3-D gamma, ROI metrics, DVHs");
  cmd->add_option("a", opt->a, "Reference dose file A (HDF5)")->required();
  cmd->add_option("b", opt->b, "Evaluated dose file B (HDF5)")->required();
  cmd->add_option("--gamma", opt->gamma, "Gamma criterion DD%/DTAmm (default 3%/3mm)");
  cmd->add_flag("--local", opt->local, "Local gamma (DD relative to the voxel's dose)");
  cmd->add_option("--threshold", opt->threshold, "Low-dose threshold, % of max A (default 10%)");
  cmd->add_option("--search-radius-mm", opt->search_radius_mm, "Gamma search radius [mm] (default 2 DTA)")
      ->check(real_check(ValueRange::non_negative()));
  add_roi_options(*cmd, opt->rois);  // in addition to the files' ROIs
  cmd->add_option("--out", opt->out, "Write difference and gamma maps (HDF5)");
  cmd->add_flag("--json", opt->json, "Print one JSON object on stdout");
  cmd->add_flag("--strict-grid", opt->strict_grid, "Refuse differing grids instead of resampling B");
  cmd->add_option("--v-gy", opt->v_gy, "V_x to report, x in Gy (default 100)")
      ->check(real_check(ValueRange::non_negative()));
  cmd->add_option("--dvh-bin-gy", opt->dvh_bin_gy, "DVH dose step [Gy] (default 1)")
      ->check(real_check(ValueRange::positive()));
  cmd->add_option("--dvh-csv", opt->dvh_csv, "Write DVHs of A and B per ROI (CSV)");
  cmd->add_option("--dvh-png", opt->dvh_png, "Plot DVH overlays (PNG, via tools/plot_dvh_compare.py)");
  cmd->callback([opt]() { run_compare(*opt); });
}

}  // namespace bd::cli
