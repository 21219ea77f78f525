// `betadose spheres`: microsphere deposition (glass vs resin, ...) and micro-scale dose
// (DESIGN.md §4; the work: include/betadose/microsphere_study.hh). Box mode: a periodic tissue
// box; patient mode: --roi NAME inside a case (CT/labels, activity map, masks).
#include <CLI/CLI.hpp>
#include <omp.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

#include "betadose/case.hh"
#include "betadose/case_options.hh"
#include "betadose/case_output.hh"
#include "betadose/cli_commands.hh"
#include "betadose/data_paths.hh"
#include "betadose/errors.hh"
#include "betadose/microsphere_study.hh"
#include "betadose/nuclide.hh"
#include "betadose/option_checks.hh"
#include "betadose/output_file.hh"
#include "betadose/spheres_file.hh"
#include "betadose/subprocess.hh"
#include "betadose/json_writer.hh"

namespace bd::cli {

namespace {

struct SpheresArgs {
  std::vector<std::string> products;
  double mean_dose_gy = 0;
  std::string model = "poisson";
  double box_mm = 20, voxel_um = 100;
  int realisations = 10;
  std::uint64_t seed = 1;
  double days = 0;
  bool size_spread = false;
  double tree_p = 0.6, lobule_mm3 = 1.5;
  int cluster_max = 453;
  double cluster_exponent = 2.0;
  std::string tissue = "liver";
  std::uint64_t kernel_histories = 1000000;
  std::string kernel_cache;
  bool no_kernel_cache = false, no_self_dose = false;
  std::string png;
  bool json = false, save_dose = false, sphere_list = false;
  int threads = 0;
  ProductOverrides custom;
  // Patient mode: the shared case options (case_options.hh); `case_spec.out` is --out.
  std::string roi;
  CaseSpec in;
  bool export_given = false, thresholds_given = false, nuclide_given = false;
};

std::string default_kernel_cache() {
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::string(x) + "/betadose/kernels";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/betadose/kernels";
  return "";
}

std::string number_key(double x) {
  std::ostringstream os;
  os << x;
  return os.str();
}

// Mean over realisations (and sd) of each contracted key.
JsonObject result_json(const ProductRun& p, const std::string& model) {
  auto stat = [&](auto f) {
    std::vector<double> v;
    for (const auto& m : p.metrics) v.push_back(f(m));
    return mean_and_sd(v);
  };
  JsonObject o, sd, below, below_sd;
  o.add("product", p.product.name);
  o.add("model", model);
  const auto spm = mean_and_sd(p.spheres_per_ml);
  o.add("spheres_per_ml", spm.first);
  sd.add("spheres_per_ml", spm.second);
  const auto act = mean_and_sd(p.activity_used_bq);
  o.add("activity_per_sphere_bq", act.first);
  const auto mean = stat([](const MicroDoseMetrics& m) { return m.mean_gy; });
  o.add("mean_dose_gy", mean.first);
  sd.add("mean_dose_gy", mean.second);
  for (double x : {98.0, 90.0, 70.0, 50.0, 10.0, 2.0}) {
    const auto d = stat([x](const MicroDoseMetrics& m) { return m.d(x); });
    const std::string key = "d" + number_key(x) + "_gy";
    o.add(key, d.first);
    sd.add(key, d.second);
  }
  const auto cv = stat([](const MicroDoseMetrics& m) { return m.cv; });
  o.add("cv", cv.first);
  sd.add("cv", cv.second);
  for (double x : {30.0, 40.0, 70.0}) {
    const auto f = stat([x](const MicroDoseMetrics& m) { return m.below(x); });
    below.add(number_key(x), f.first);
    below_sd.add(number_key(x), f.second);
  }
  o.add("fraction_below_gy", below);
  sd.add("fraction_below_gy", below_sd);
  if (!p.metrics.empty() && p.metrics[0].lobules_below_fraction >= 0) {
    const auto l = stat([](const MicroDoseMetrics& m) { return m.lobules_below_fraction; });
    o.add("lobules_below_40gy_fraction", l.first);
    sd.add("lobules_below_40gy_fraction", l.second);
  }
  o.add("realisations", static_cast<double>(p.metrics.size()));
  o.add("sd", sd);
  return o;
}

void print_table(const SpheresStudyResult& r, const std::string& model) {
  std::cout << "betadose spheres --model " << model << ": " << r.grid.describe() << ", "
            << (r.periodic ? "periodic box" : "ROI") << " of " << std::setprecision(4) << r.region_volume_ml
            << " mL of " << r.tissue_material << " (" << r.tissue_density_g_cm3 << " g/cm3)\n";
  for (const auto& k : r.kernels)
    std::cout << "  kernel " << k.nuclide << ": " << k.histories << " histories, " << k.total_MeV()
              << " MeV deposited per decay within " << k.reach_mm() << " mm"
              << (k.file.empty() ? "" : (k.from_cache ? " (cached: " : " (written to the cache: ") + k.file + ")")
              << "\n";
  std::cout << "  product       spheres/mL  Bq/sphere   mean     D90     D50     D10   CV    <30Gy  <40Gy  <70Gy\n";
  for (const auto& p : r.products) {
    auto avg = [&](auto f) {
      std::vector<double> v;
      for (const auto& m : p.metrics) v.push_back(f(m));
      return mean_and_sd(v).first;
    };
    char line[256];
    std::snprintf(line, sizeof line, "  %-12s %10.4g %10.4g %7.1f %7.1f %7.1f %7.1f %5.3f %6.3f %6.3f %6.3f", p.product.name.c_str(),
                  mean_and_sd(p.spheres_per_ml).first, mean_and_sd(p.activity_used_bq).first,
                  avg([](const MicroDoseMetrics& m) { return m.mean_gy; }),
                  avg([](const MicroDoseMetrics& m) { return m.d(90); }),
                  avg([](const MicroDoseMetrics& m) { return m.d(50); }),
                  avg([](const MicroDoseMetrics& m) { return m.d(10); }), avg([](const MicroDoseMetrics& m) { return m.cv; }),
                  avg([](const MicroDoseMetrics& m) { return m.below(30); }),
                  avg([](const MicroDoseMetrics& m) { return m.below(40); }),
                  avg([](const MicroDoseMetrics& m) { return m.below(70); }));
    std::cout << line;
    if (!p.metrics.empty() && p.metrics[0].lobules_below_fraction >= 0)
      std::cout << "  lobules <40 Gy " << avg([](const MicroDoseMetrics& m) { return m.lobules_below_fraction; });
    std::cout << "\n";
  }
  std::cout << "  " << r.products.front().metrics.size() << " realisations in " << std::setprecision(3) << r.wall_time_s
            << " s\n";
}

void run_spheres(const SpheresArgs& a) {
  const bool roi_mode = !a.roi.empty();
  BD_VALIDATE(!a.products.empty(), "--product: give at least one product (e.g. glass,resin)");
  BD_VALIDATE(a.voxel_um >= 25 && a.voxel_um <= 1000,
              "--voxel-um " << a.voxel_um << " (expected 25-1000; 25-250 for micro-dosimetry, coarser for lobule-scale studies)");
  BD_VALIDATE(a.realisations >= 1 && a.realisations <= 10000, "--realisations " << a.realisations << " (expected 1-10000)");
  BD_VALIDATE(std::isfinite(a.days) && a.days >= 0, "--days-after-calibration " << a.days << " (expected >= 0)");
  BD_VALIDATE(a.threads >= 0, "--threads " << a.threads << " (expected >= 0)");
  if (!roi_mode) BD_VALIDATE(a.mean_dose_gy > 0, "--mean-dose-gy " << a.mean_dose_gy << " is required in box mode (expected > 0)");
  BD_VALIDATE(a.mean_dose_gy >= 0 && std::isfinite(a.mean_dose_gy), "--mean-dose-gy " << a.mean_dose_gy << " (expected > 0)");
  if (roi_mode) BD_VALIDATE(!a.in.activity.empty(), "--roi " << a.roi << " needs the case inputs: --activity (and --ct, --labels or --uniform)");
  if (!roi_mode)
    BD_VALIDATE(a.in.activity.empty() && a.in.ct.empty() && a.in.labels.empty() && a.in.uniform.empty(),
                "--activity/--ct/--labels/--uniform are the patient-mode inputs: give --roi NAME as well");
  BD_VALIDATE(!a.export_given, "--export: betadose spheres writes no dose image (--save-dose keeps a map in --out)");
  BD_VALIDATE(!a.thresholds_given, "--v-thresholds-gy: not used by betadose spheres (fraction_below_gy is reported)");
  BD_VALIDATE(!a.nuclide_given, "--nuclide: each product names its nuclide (materials/microspheres)");
  const std::string& out = a.in.out;
  SpheresStudySpec spec;
  bool custom_seen = false;
  for (const auto& name : a.products) {
    const bool custom = name == "custom";
    custom_seen = custom_seen || custom;
    spec.products.push_back(load_microsphere_product(name, custom ? a.custom : ProductOverrides{}));
    for (std::size_t i = 0; i + 1 < spec.products.size(); ++i)
      BD_VALIDATE(spec.products[i].name != spec.products.back().name, "--product " << name << " given twice");
  }
  BD_VALIDATE(custom_seen || (a.custom.activity_bq <= 0 && a.custom.diameter_um <= 0 && a.custom.density_g_cm3 <= 0 &&
                              a.custom.diameter_sd_um < 0 && a.custom.nuclide.empty()),
              "--sphere-* options describe the `custom` product: add custom to --product");
  for (const auto& p : spec.products) load_nuclide(p.nuclide);  // fail before any work
  spec.deposition.model = parse_deposition_model(a.model);
  spec.deposition.seed = a.seed;
  spec.deposition.size_spread = a.size_spread;
  spec.deposition.tree.split_probability = a.tree_p;
  spec.deposition.tree.lobule_volume_mm3 = a.lobule_mm3;
  spec.deposition.cluster.size_max = a.cluster_max;
  spec.deposition.cluster.size_exponent = a.cluster_exponent;
  BD_VALIDATE(a.tree_p >= 0 && a.tree_p <= 1, "--tree-p " << a.tree_p << " (expected in [0, 1])");
  BD_VALIDATE(a.lobule_mm3 > 0, "--lobule-volume-mm3 " << a.lobule_mm3 << " (expected > 0)");
  cluster_size_pmf(spec.deposition.cluster);  // validates --cluster-size-*
  spec.realisations = a.realisations;
  spec.mean_dose_gy = a.mean_dose_gy;
  spec.days_after_calibration = a.days;
  spec.box_mm = a.box_mm;
  spec.voxel_mm = a.voxel_um * 1e-3;
  spec.kernel.material = a.tissue;
  spec.kernel.histories = a.kernel_histories;
  spec.kernel.seed = a.seed;
  spec.kernel.threads = a.threads;
  spec.kernel_cache_dir = a.no_kernel_cache ? "" : (a.kernel_cache.empty() ? default_kernel_cache() : a.kernel_cache);
  spec.self_dose = !a.no_self_dose;
  spec.keep_first_dose = a.save_dose;
  spec.keep_first_spheres = a.sphere_list;
  if (isatty(2)) spec.progress = [](const std::string& s) { std::fprintf(stderr, "spheres: %s\n", s.c_str()); };
  if (!roi_mode) uniform_box_region(a.box_mm, spec.voxel_mm, 1.0);  // validates --box-mm/--voxel-um

  if (roi_mode) check_case_outputs(a.in);
  std::vector<OutputTarget> outputs{{"--out", out}};
  if (!a.png.empty()) outputs.push_back({"--png", a.png});
  check_outputs(outputs, roi_mode ? case_input_paths(a.in) : std::vector<std::string>{});
  if (a.threads > 0) omp_set_num_threads(a.threads);

  RoiRegion roi;
  if (roi_mode) {
    // The one case pipeline (src/case); its lines go to stderr so that --json stays clean.
    CaseNeeds needs;
    const DoseCase dc = load_case(a.in, needs, [&](const std::string& line) {
      if (!a.in.quiet) std::cerr << line << "\n";
    });
    const auto* mask = dc.rois.find(a.roi);
    if (!mask) throw InputError("--roi " + a.roi + ": no such ROI (the case has: " + dc.rois.list() + ")");
    auto padding = [&](const std::string& material, double density) {
      double mm = 0;
      for (const auto& p : spec.products) mm = std::max(mm, micro_kernel_rmax_mm(p.nuclide, material, density));
      return mm;
    };
    roi = make_roi_region(dc.phantom, dc.source.activity_bq, *mask, dc.rois.name_of(a.roi), spec.voxel_mm, padding);
    spec.roi = &roi;
  }
  const SpheresStudyResult res = run_spheres_study(spec);

  SpheresFileMeta meta;
  meta.mode = roi_mode ? "roi" : "box";
  meta.model = a.model;
  meta.seed = a.seed;
  meta.realisations = a.realisations;
  meta.mean_dose_gy = a.mean_dose_gy;
  meta.days_after_calibration = a.days;
  meta.self_dose = spec.self_dose;
  meta.size_spread = a.size_spread;
  StagedOutput h5(out, "--out");
  write_spheres_file_to(h5.path(), res, meta);
  std::unique_ptr<StagedOutput> png;
  if (!a.png.empty()) {
    png = std::make_unique<StagedOutput>(a.png, "--png");
    const auto r = run_program({"/usr/bin/python3", tools_script("plot_spheres.py"), h5.path(), png->path()});
    if (r.exit_code != 0)
      throw InputError("--png " + a.png + ": the plot script failed (exit " + std::to_string(r.exit_code) +
                       "; needs /usr/bin/python3 with numpy, h5py and matplotlib): " + r.output);
  }
  std::vector<StagedOutput*> all{&h5};
  if (png) all.push_back(png.get());
  commit_all(all);

  for (const auto& n : res.notes) std::cerr << "note: " << n << "\n";
  for (const auto& p : res.products)
    for (const auto& n : p.notes) std::cerr << "note: " << n << "\n";
  if (a.json) {
    std::vector<JsonObject> results;
    for (const auto& p : res.products) results.push_back(result_json(p, a.model));
    JsonObject root;
    root.add("results", results);
    std::cout << root.str() << "\n";
  } else if (!a.in.quiet) {
    print_table(res, a.model);
    std::cout << "  output: " << out << (a.png.empty() ? "" : ", " + a.png) << "\n";
  }
}

}  // namespace

void add_spheres_command(CLI::App& app) {
  auto a = std::make_shared<SpheresArgs>();
  auto* cmd = app.add_subcommand("spheres", "Microsphere deposition (glass vs resin) and micro-scale dose on a fine grid");
  cmd->add_option("--product", a->products, "Products, comma-separated: glass, resin, ho166-plla, custom, or .sphere files")
      ->delimiter(',')
      ->required();
  cmd->add_option("--mean-dose-gy", a->mean_dose_gy,
                  "Mean absorbed dose every product delivers [Gy] (box: required; --roi: rescales the map)");
  cmd->add_option("--model", a->model, "Deposition model: lattice | poisson | cluster | tree")->capture_default_str();
  cmd->add_option("--box-mm", a->box_mm, "Side of the periodic tissue box [mm] (box mode)")->capture_default_str();
  cmd->add_option("--voxel-um", a->voxel_um, "Fine grid voxel [µm] (25-250 micro-dosimetry; up to 1000)")->capture_default_str();
  cmd->add_option("--realisations", a->realisations, "Independent depositions per product")->capture_default_str();
  cmd->add_option("--seed", a->seed, "Random seed (deposition and kernel Monte Carlo)")->capture_default_str();
  cmd->add_option("--days-after-calibration", a->days, "Implantation this many days after calibration (activity per sphere decays)")
      ->capture_default_str();
  cmd->add_flag("--size-spread", a->size_spread, "Draw diameters from the product's size distribution (activity follows)");
  cmd->add_option("--tree-p", a->tree_p, "Tree model: split probability p per bifurcation")->capture_default_str();
  cmd->add_option("--lobule-volume-mm3", a->lobule_mm3, "Tree model: lobule volume (leaf level) [mm3]")->capture_default_str();
  cmd->add_option("--cluster-size-max", a->cluster_max, "Cluster model: largest cluster (spheres)")->capture_default_str();
  cmd->add_option("--cluster-size-exponent", a->cluster_exponent, "Cluster model: P(S = s) ∝ s^-alpha")->capture_default_str();
  cmd->add_option("--tissue", a->tissue, "Tissue material of the box (canonical name)")->capture_default_str();
  cmd->add_option("--kernel-histories", a->kernel_histories, "Decays of the kernel's Monte Carlo (DPK)")->capture_default_str();
  cmd->add_option("--kernel-cache", a->kernel_cache, "Kernel cache directory (default $XDG_CACHE_HOME/betadose/kernels)");
  cmd->add_flag("--no-kernel-cache", a->no_kernel_cache, "Neither read nor write cached kernels");
  cmd->add_flag("--no-self-dose", a->no_self_dose, "Skip the sub-voxel self-dose correction of voxels holding spheres");
  cmd->add_option("--png", a->png, "Plot of the micro-DVH bands of the products (PNG)");
  cmd->add_flag("--json", a->json, "Print one JSON object {\"results\": [...]} on stdout");
  cmd->add_flag("--save-dose", a->save_dose, "Store the dose map of realisation 0 of each product");
  cmd->add_flag("--sphere-list", a->sphere_list, "Store the spheres of realisation 0 (x, y, z, activity, diameter, cluster id)");
  cmd->add_option("--threads", a->threads, "CPU threads (0 = all)")->capture_default_str();
  auto* custom = cmd->add_option_group("custom product", "Values of --product custom");
  custom->add_option("--sphere-activity-bq", a->custom.activity_bq, "Activity per sphere at calibration [Bq]")
      ->check(real_check(ValueRange::positive()));
  custom->add_option("--sphere-diameter-um", a->custom.diameter_um, "Mean diameter [µm]")
      ->check(real_check(ValueRange::positive()));
  custom->add_option("--sphere-diameter-sd-um", a->custom.diameter_sd_um, "Diameter standard deviation [µm]")
      ->check(real_check(ValueRange::non_negative()));
  custom->add_option("--sphere-density-g-cm3", a->custom.density_g_cm3, "Sphere density [g/cm3]")
      ->check(real_check(ValueRange::positive()));
  custom->add_option("--sphere-nuclide", a->custom.nuclide, "Nuclide (default Y-90)");
  // Patient mode: the case options shared with mc/kernel/plan; --out is this command's result.
  cmd->add_option("--roi", a->roi, "Patient mode: the ROI (a --mask/--segmentation/--rtstruct name) the spheres lodge in")
      ->group("Patient mode");
  add_case_options(*cmd, a->in, CaseOptionSet::dose);
  cmd->get_option("--out")->required()->description("Result file (HDF5: micro-DVHs and metrics per realisation)");
  // --config: declared for every command by add_all_commands (config_file.hh).
  cmd->callback([a, cmd]() {
    a->export_given = cmd->get_option("--export")->count() > 0;
    a->thresholds_given = cmd->get_option("--v-thresholds-gy")->count() > 0;
    a->nuclide_given = cmd->get_option("--nuclide")->count() > 0;
    run_spheres(*a);
  });
}

}  // namespace bd::cli
