// `betadose mc`: patient Monte Carlo dose from CT (or labels) + an activity map (issue 5).
//
//   read images -> choose the dose grid -> estimate memory -> phantom (CT/labels) -> masks ->
//   source (units, clamp, resample conserving activity, mask, lung shunt, normalise) ->
//   transport -> export + HDF5 dose file (atomic) -> per-ROI summary.
//
// Every option can also come from a TOML file: `betadose mc --config case.toml` (top-level
// keys, e.g. `ct = "ct.nii.gz"`, `mask = ["liver=liver.nii.gz"]`) or
// `betadose --config case.toml mc` (keys in an [mc] section).
#include <CLI/CLI.hpp>
#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>

#include "betadose/activity.hh"
#include "betadose/cli_commands.hh"
#include "betadose/device.hh"
#include "betadose/dose_file.hh"
#include "betadose/dose_metrics.hh"
#include "betadose/errors.hh"
#include "betadose/hu_calibration.hh"
#include "betadose/image_io.hh"
#include "betadose/phantom_builder.hh"
#include "betadose/resample.hh"
#include "betadose/nuclide.hh"
#include "betadose/output_file.hh"
#include "betadose/provenance.hh"
#include "betadose/transport.hh"
#include "src/cli/run_record.hh"

namespace fs = std::filesystem;

namespace bd::cli {
namespace {

constexpr double kJoulePerMeV = 1.602176634e-13;  // CODATA 2018 (exact)

struct McArgs {
  std::string ct, labels, material_table, hu_density_csv, hu_materials_csv;
  std::string activity, activity_units = "counts";
  double total_activity_gbq = 0;
  std::string activity_mask;
  double lung_shunt = 0;
  std::string lung_mask, lung_shunt_mode = "uniform";
  std::vector<std::string> masks;  // name=file
  std::string voxel_mm = "activity";
  std::string histories = "1e6";  // decays; "2e7" style accepted
  double target_uncertainty = 0;
  std::string uncertainty_mask;
  int batches = 10;
  std::uint64_t seed = 1;
  std::string device = "cpu";
  int threads = 0;
  std::string out = "dose.h5";
  std::string export_path;
  std::string export_rtdose;
  std::vector<double> v_thresholds_gy{100.0, 150.0};
  bool clamp_negative = false;
  bool progress = false;
  bool quiet = false;
  std::string nuclide = "Y-90";
};

struct Log {
  bool quiet;
  template <class T>
  Log& operator<<(const T& x) {
    if (!quiet) std::cout << x;
    return *this;
  }
};

std::string fmt_g(double v, int precision = 4) {
  std::ostringstream os;
  os << std::setprecision(precision) << v;
  return os.str();
}

std::string human_bytes(double b) {
  const char* unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (b >= 1024 && u < 4) {
    b /= 1024;
    ++u;
  }
  return fmt_g(b, 3) + " " + unit[u];
}

// MemAvailable from /proc/meminfo [bytes]; 0 when unknown.
double available_memory_bytes() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  double kb = 0;
  std::string unit;
  while (in >> key >> kb >> unit)
    if (key == "MemAvailable:") return kb * 1024.0;
  return 0;
}

// Parses --voxel-mm: "activity", "ct", "S" or "Sx,Sy,Sz" [mm].
Grid choose_dose_grid(const std::string& spec, const Grid& activity_grid, const Grid& geometry_grid,
                      const std::string& geometry_option) {
  if (spec == "activity") return activity_grid;
  if (spec == "ct" || spec == "labels" || spec == "geometry") return geometry_grid;
  std::vector<double> s;
  std::stringstream ss(spec);
  std::string part;
  while (std::getline(ss, part, ',')) {
    std::size_t used = 0;
    double v = 0;
    try {
      v = std::stod(part, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    BD_VALIDATE(used == part.size() && std::isfinite(v) && v > 0,
                "--voxel-mm: '" << spec << "' is not 'activity', '" << geometry_option
                                << "', a positive size in mm or three sizes 'x,y,z'");
    s.push_back(v);
  }
  BD_VALIDATE(s.size() == 1 || s.size() == 3,
              "--voxel-mm: give one size or three sizes 'x,y,z' [mm], got '" << spec << "'");
  const Vec3 sp = s.size() == 1 ? Vec3{{s[0], s[0], s[0]}} : Vec3{{s[0], s[1], s[2]}};
  // Same spacing as the geometry image: use its grid exactly (no resampling of the CT).
  bool same = true;
  for (int a = 0; a < 3; ++a) same = same && std::abs(sp[a] - geometry_grid.spacing_mm[a]) < 1e-3;
  if (same) return geometry_grid;
  return regrid(geometry_grid, sp);
}

// Reads a mask image and brings it onto the dose grid (nearest neighbour; voxels != 0 -> 1).
std::vector<std::uint8_t> load_mask(const std::string& name, const std::string& path, const Grid& grid) {
  const auto img = read_image(path);
  std::size_t non_integral = 0;
  for (float v : img.data)
    if (!std::isfinite(v) || std::nearbyint(v) != v) ++non_integral;
  BD_VALIDATE(non_integral == 0,
              path << ": mask '" << name << "' has " << non_integral
                   << " non-integral voxels; a mask/label image (0 = outside) is required");
  Volume<std::uint8_t> m(img.grid);
  for (std::size_t n = 0; n < m.data.size(); ++n) m.data[n] = img.data[n] != 0.0f ? 1 : 0;
  const bool any = std::any_of(m.data.begin(), m.data.end(), [](std::uint8_t v) { return v != 0; });
  BD_VALIDATE(any, path << ": mask '" << name << "' is empty (no voxel != 0)");
  require_overlap(img.grid, path + " (mask '" + name + "')", grid, "the dose grid");
  auto on_grid = resample_nearest(m, grid, 0);
  const bool any_on_grid =
      std::any_of(on_grid.data.begin(), on_grid.data.end(), [](std::uint8_t v) { return v != 0; });
  BD_VALIDATE(any_on_grid, path << ": mask '" << name << "' cannot be resampled onto the dose grid ("
                                << grid.describe()
                                << "): none of its voxels falls on a dose voxel centre (mask "
                                   "outside the grid, or structures smaller than a dose voxel)");
  return std::move(on_grid.data);
}

std::string check_output_path(const std::string& path, const std::string& option) {
  BD_VALIDATE(!path.empty(), option << ": empty path");
  fs::path parent = fs::path(path).parent_path();
  if (parent.empty()) parent = ".";
  std::error_code ec;
  BD_VALIDATE(fs::is_directory(parent, ec),
              option << " " << path << ": directory " << parent.string() << " does not exist");
  BD_VALIDATE(::access(parent.c_str(), W_OK) == 0,
              option << " " << path << ": directory " << parent.string() << " is not writable");
  return path;
}

class ProgressLine {
 public:
  explicit ProgressLine(bool enabled) : enabled_(enabled) {}
  void operator()(const TransportProgress& p) {
    if (!enabled_) return;
    const double rate = p.elapsed_s > 0 ? p.histories_done / p.elapsed_s : 0;
    std::ostringstream os;
    os << "\r[mc] " << std::setprecision(3) << double(p.histories_done);
    if (p.histories_planned) os << " / " << double(p.histories_planned);
    os << " decays, " << std::setprecision(3) << rate << " decays/s";
    if (p.histories_planned && rate > 0)
      os << ", ETA " << std::fixed << std::setprecision(0)
         << (double(p.histories_planned) - double(p.histories_done)) / rate << " s" << std::defaultfloat;
    if (p.mean_rel_uncertainty >= 0)
      os << ", uncertainty " << std::setprecision(3) << 100.0 * p.mean_rel_uncertainty << " %";
    os << "   ";
    std::cerr << os.str() << std::flush;
    dirty_ = true;
  }
  void finish() {
    if (dirty_) std::cerr << "\n";
    dirty_ = false;
  }

 private:
  bool enabled_;
  bool dirty_ = false;
};

void run_mc(const McArgs& a) {
  Log log{a.quiet};
  const auto t_start = std::chrono::steady_clock::now();
  // ---- options that can be checked before reading anything ----------------------------------
  BD_VALIDATE(!a.ct.empty() != !a.labels.empty(),
              "give exactly one geometry: --ct CT or --labels L --material-table T");
  BD_VALIDATE(a.labels.empty() || !a.material_table.empty(),
              "--labels " << a.labels << " needs --material-table (CSV label,material,density_g_cm3)");
  BD_VALIDATE(a.material_table.empty() || !a.labels.empty(), "--material-table needs --labels");
  BD_VALIDATE(!a.activity.empty(), "--activity is required (activity image: SPECT/PET/map)");
  std::uint64_t histories = 0;
  {
    std::size_t used = 0;
    double h = 0;
    try {
      h = std::stod(a.histories, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    BD_VALIDATE(used == a.histories.size() && std::isfinite(h) && h >= 1 && h < 1.8e19 && std::floor(h) == h,
                "--histories: '" << a.histories << "' is not a positive whole number of decays (e.g. 2e7)");
    histories = static_cast<std::uint64_t>(h);
  }
  BD_VALIDATE(std::isfinite(a.target_uncertainty) && a.target_uncertainty >= 0 && a.target_uncertainty < 1,
              "--target-uncertainty is a relative uncertainty in (0, 1), e.g. 0.02 for 2 %, got "
                  << a.target_uncertainty);
  BD_VALIDATE(a.batches >= 2, "--batches must be at least 2 (uncertainties come from batch statistics)");
  BD_VALIDATE(a.threads >= 0, "--threads must be >= 0 (0 = all cores)");
  BD_VALIDATE(std::isfinite(a.total_activity_gbq) && a.total_activity_gbq >= 0,
              "--total-activity-gbq must be positive, got " << a.total_activity_gbq);
  const ActivityUnits units = parse_activity_units(a.activity_units);
  const LungShuntMode shunt_mode = parse_lung_shunt_mode(a.lung_shunt_mode);
  // --threads also bounds the host-side preparation (resampling, phantom building).
  if (a.threads > 0) omp_set_num_threads(a.threads);
  const Device device = parse_device(a.device);
  require_device(device);
  const std::string out_lower = [&] {
    std::string s = a.out;
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
  }();
  BD_VALIDATE(out_lower.size() > 3 && (out_lower.rfind(".h5") == out_lower.size() - 3 ||
                                       (out_lower.size() > 5 && out_lower.rfind(".hdf5") == out_lower.size() - 5)),
              "--out " << a.out << ": the dose file must end in .h5 or .hdf5");
  check_output_path(a.out, "--out");
  if (!a.export_path.empty()) {
    BD_VALIDATE(is_writable_image_path(a.export_path),
                "--export " << a.export_path
                            << ": unsupported format (NIfTI .nii/.nii.gz, MetaImage .mhd/.mha, NRRD .nrrd)");
    check_output_path(a.export_path, "--export");
  }
  for (double v : a.v_thresholds_gy)
    BD_VALIDATE(std::isfinite(v) && v > 0, "--v-thresholds-gy: thresholds must be positive, got " << v);
  std::vector<std::pair<std::string, std::string>> mask_specs;
  for (const auto& m : a.masks) {
    const auto eq = m.find('=');
    BD_VALIDATE(eq != std::string::npos && eq > 0 && eq + 1 < m.size(),
                "--mask '" << m << "': expected name=file, e.g. liver=liver.nii.gz");
    const std::string name = m.substr(0, eq);
    BD_VALIDATE(name.find('/') == std::string::npos && name != "." && name != "..",
                "--mask '" << m << "': the name must not contain '/'");
    for (const auto& [n, f] : mask_specs)
      BD_VALIDATE(n != name, "--mask: name '" << name << "' given twice");
    mask_specs.emplace_back(name, m.substr(eq + 1));
  }
  if (!a.uncertainty_mask.empty()) {
    const bool known = std::any_of(mask_specs.begin(), mask_specs.end(),
                                   [&](const auto& m) { return m.first == a.uncertainty_mask; });
    BD_VALIDATE(known, "--uncertainty-mask " << a.uncertainty_mask
                                             << ": no --mask with that name (give --mask "
                                             << a.uncertainty_mask << "=file)");
  }

  // ---- images -------------------------------------------------------------------------------
  ImageMetadata act_meta;
  const Volume<float> act_img = read_image(a.activity, &act_meta);
  log << "activity  " << a.activity << ": " << act_meta.format
      << (act_meta.modality.empty() ? "" : " " + act_meta.modality)
      << (act_meta.units.empty() ? "" : " [" + act_meta.units + "]") << ", " << act_img.grid.describe()
      << "\n";
  if (act_meta.units == "BQML" && units != ActivityUnits::bq_per_ml)
    log << "  note: the DICOM units are Bq/ml; --activity-units bq-per-ml uses them as such\n";
  const std::string geom_path = a.ct.empty() ? a.labels : a.ct;
  ImageMetadata geom_meta;
  Volume<float> geom_img = read_image(geom_path, &geom_meta);
  log << (a.ct.empty() ? "labels    " : "ct        ") << geom_path << ": " << geom_meta.format << ", "
      << geom_img.grid.describe() << "\n";
  require_overlap(geom_img.grid, geom_path, act_img.grid, a.activity);

  CtRangeReport ct_report;
  if (!a.ct.empty()) ct_report = check_and_clamp_ct_hu(geom_img.data, a.ct);

  // ---- dose grid and memory estimate --------------------------------------------------------
  const Grid grid = choose_dose_grid(a.voxel_mm, act_img.grid, geom_img.grid, a.ct.empty() ? "labels" : "ct");
  validate_grid(grid, "dose grid");
  {
    const double nvox = static_cast<double>(grid.voxel_count());
    // Per dose voxel: phantom (1 + 4), source content + activity (2 x 8), result dose /
    // uncertainty / energy (3 x 8), engine tallies (sum, sum^2, batch: 3 x 8), output copies
    // (4 x 4), masks (1 each), plus 25 % for temporaries.
    const double per_voxel = 5 + 16 + 24 + 24 + 16 + double(mask_specs.size());
    const double need = 1.25 * per_voxel * nvox;
    const double avail = available_memory_bytes();
    // The voxel index space of the engine and the HDF5 writer is limited to 2^31 voxels.
    BD_VALIDATE(nvox < 2.0e9, "--voxel-mm " << a.voxel_mm << ": dose grid " << grid.describe()
                                            << " has " << fmt_g(nvox, 3) << " voxels (at most 2e9) and "
                                            << "would need about " << human_bytes(need)
                                            << " of memory; use a larger voxel size");
    BD_VALIDATE(avail <= 0 || need < avail,
                "--voxel-mm " << a.voxel_mm << ": dose grid " << grid.describe() << " ("
                              << fmt_g(nvox, 3) << " voxels) needs about " << human_bytes(need)
                              << " of memory, but only " << human_bytes(avail)
                              << " is available (MemAvailable); use a larger voxel size");
  }
  log << "dose grid " << grid.describe();
  if (!grid.direction_is_identity()) {
    log << ", direction (";
    for (int e = 0; e < 9; ++e) log << (e ? " " : "") << fmt_g(grid.direction[e], 3);
    log << ")";
  }
  log << "\n";

  // --export-rtdose: outputs and the CT's DICOM identity checked before the run.
  RtDoseExportOptions rtdose;
  if (!a.export_rtdose.empty()) {
    std::vector<OutputTarget> outs{{"--out", a.out}, {"--export-rtdose", a.export_rtdose},
                                   {"--export-rtdose (its RT Plan)", rtplan_path_for(a.export_rtdose)}};
    if (!a.export_path.empty()) outs.push_back({"--export", a.export_path});
    check_outputs(outs, {a.activity, geom_path});
    rtdose = prepare_rtdose_export(a.ct, grid, a.export_rtdose);
  }

  // ---- phantom --------------------------------------------------------------------------------
  Phantom phantom;
  std::unique_ptr<HuCalibration> calibration;
  if (!a.ct.empty()) {
    calibration = std::make_unique<HuCalibration>(load_hu_calibration(a.hu_density_csv, a.hu_materials_csv));
    const auto& cal = *calibration;
    const auto hu = resample_linear(geom_img, grid, kCtMinHu);
    phantom = build_phantom_from_ct(hu, cal);
    if (ct_report.padding_voxels || ct_report.high_voxels)
      log << "  CT: " << ct_report.padding_voxels << " voxels below -1100 HU set to " << kCtMinHu
          << " HU, " << ct_report.high_voxels << " voxels above " << kCtMaxHu << " HU clamped\n";
  } else {
    auto table = read_material_table(a.material_table);
    // Outside the label image the dose grid is air (label -1, unless the table defines it).
    if (std::none_of(table.begin(), table.end(), [](const auto& r) { return r.label == -1; })) {
      MaterialTableRow air;
      air.label = -1;
      air.material = "air";
      air.density_g_cm3 = 1.205e-3;  // dry air at 20 C, 101.325 kPa (ICRU 37 / NIST ESTAR)
      table.push_back(air);
    }
    const auto labels = resample_nearest(geom_img, grid, -1.0f);
    phantom = build_phantom_from_labels(labels, table, a.labels, a.material_table);
  }
  const Grid geom_grid = geom_img.grid;
  geom_img = Volume<float>();  // free

  // ---- masks ------------------------------------------------------------------------------------
  std::map<std::string, std::vector<std::uint8_t>> rois;
  std::map<std::string, std::string> roi_file;
  for (const auto& [name, file] : mask_specs) {
    rois[name] = load_mask(name, file, grid);
    roi_file[name] = file;
  }
  // --activity-mask / --lung-mask: the name of a --mask, or a file.
  auto resolve_mask = [&](const std::string& ref, const std::string& role, std::string* label) {
    if (rois.count(ref)) {
      *label = roi_file[ref] + " (mask '" + ref + "')";
      return rois[ref];
    }
    *label = ref;
    return load_mask(role, ref, grid);
  };

  // ---- source -----------------------------------------------------------------------------------
  ActivityCleanReport clean;
  const auto content = activity_to_extensive(act_img, units, a.clamp_negative, a.activity, &clean);
  if (clean.negative_voxels || clean.nan_voxels)
    log << "  activity: clamped " << clean.negative_voxels << " negative voxels (sum "
        << fmt_g(clean.negative_sum) << " " << to_string(units == ActivityUnits::bq_per_ml ? ActivityUnits::bq : units)
        << ", " << fmt_g(100.0 * std::abs(clean.negative_sum) / std::max(clean.total, 1e-300), 3)
        << " % of the positive total) and " << clean.nan_voxels << " NaN voxels to 0\n";
  ActivityResampleReport rs;
  const auto content_on_grid = resample_activity(content, grid, &rs);
  SourceSpec spec;
  spec.activity_name = a.activity;
  spec.units = units;
  spec.total_activity_bq = a.total_activity_gbq * 1e9;
  spec.lung_shunt_fraction = a.lung_shunt;
  spec.lung_shunt_mode = shunt_mode;
  spec.nuclide = a.nuclide;
  if (!a.activity_mask.empty())
    spec.restrict_mask = resolve_mask(a.activity_mask, "activity-mask", &spec.restrict_mask_name);
  if (!a.lung_mask.empty()) spec.lung_mask = resolve_mask(a.lung_mask, "lung", &spec.lung_mask_name);
  BD_VALIDATE(a.lung_mask.empty() || a.lung_shunt > 0,
              "--lung-mask " << a.lung_mask << " given without --lung-shunt F (the shunted fraction)");
  SourceReport srep;
  const VoxelSource source = build_voxel_source(content_on_grid, spec, &srep);
  log << "source    " << fmt_g(srep.total_activity_bq * 1e-9) << " GBq " << a.nuclide << " in "
      << srep.active_voxels << " voxels";
  if (a.lung_shunt > 0) log << ", lung shunt " << fmt_g(100 * a.lung_shunt) << " % (" << fmt_g(srep.lung_activity_bq * 1e-9) << " GBq)";
  log << "\n";
  if (rs.source_total > 0 && rs.outside_total > 1e-3 * rs.source_total)
    log << "  warning: " << fmt_g(100.0 * rs.outside_total / rs.source_total, 3)
        << " % of the activity map lies outside the dose grid and is not simulated\n";
  {
    // Activity in dose voxels whose centre lies outside the CT/label image sits in air.
    double outside_geometry_bq = 0;
    for (std::size_t k = 0, v = 0; k < grid.size[2]; ++k)
      for (std::size_t j = 0; j < grid.size[1]; ++j)
        for (std::size_t i = 0; i < grid.size[0]; ++i, ++v)
          if (source.activity_bq[v] > 0 &&
              !geom_grid.contains_index(geom_grid.physical_to_index(
                  grid.index_to_physical({{double(i), double(j), double(k)}}))))
            outside_geometry_bq += source.activity_bq[v];
    if (outside_geometry_bq > 1e-3 * srep.total_activity_bq)
      log << "  warning: " << fmt_g(100.0 * outside_geometry_bq / srep.total_activity_bq, 3)
          << " % of the activity lies outside " << geom_path << " (treated as air there)\n";
  }
  if (srep.removed_outside_mask > 0 && srep.map_total > 0)
    log << "  " << fmt_g(100.0 * srep.removed_outside_mask / srep.map_total, 3)
        << " % of the map lies outside " << spec.restrict_mask_name << " and was removed\n";

  // ---- transport ----------------------------------------------------------------------------------
  TransportOptions opt;
  opt.histories = histories;
  opt.target_rel_uncertainty = a.target_uncertainty;
  if (!a.uncertainty_mask.empty()) opt.uncertainty_mask = rois[a.uncertainty_mask];
  opt.batches = a.batches;
  opt.seed = a.seed;
  opt.device = device;
  opt.threads = a.threads;
  ProgressLine progress(!a.quiet && (a.progress || ::isatty(STDERR_FILENO)));
  opt.progress = [&progress](const TransportProgress& p) { progress(p); };
  const DoseResult result = run_voxel_transport(phantom, source, opt);
  progress.finish();

  // ---- outputs --------------------------------------------------------------------------------------
  DoseFile df;
  df.grid = grid;
  df.dose_gy.assign(result.dose_gy.begin(), result.dose_gy.end());
  df.dose_rel_uncertainty.assign(result.rel_uncertainty.begin(), result.rel_uncertainty.end());
  df.activity_bq.assign(source.activity_bq.begin(), source.activity_bq.end());
  df.density_g_cm3 = phantom.density_g_cm3;
  df.material_id = phantom.material_id;
  df.material_names = phantom.material_names;
  df.roi = rois;
  df.nuclide = result.nuclide.empty() ? a.nuclide : result.nuclide;
  df.method = "mc";
  df.device = result.device.empty() ? to_string(device) : result.device;
  df.total_activity_bq = result.total_activity_bq > 0 ? result.total_activity_bq : srep.total_activity_bq;
  df.histories = result.histories;
  df.seed = result.seed;
  df.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  const double decays = df.total_activity_bq * result.decays_per_bq;
  const auto& eb = result.balance_per_decay;
  df.energy_emitted_J = eb.emitted_MeV * decays * kJoulePerMeV;
  df.energy_deposited_J = eb.deposited_MeV * decays * kJoulePerMeV;
  df.energy_escaped_J = (eb.escaped_electron_MeV + eb.escaped_photon_MeV) * decays * kJoulePerMeV;
  df.extra["energy_escaped_electron_J"] = eb.escaped_electron_MeV * decays * kJoulePerMeV;
  df.extra["energy_escaped_photon_J"] = eb.escaped_photon_MeV * decays * kJoulePerMeV;
  df.extra["energy_below_cutoff_J"] = eb.below_cutoff_MeV * decays * kJoulePerMeV;
  df.extra["energy_balance_relative_residual"] = eb.relative_residual();
  df.extra["decays_per_bq_s"] = result.decays_per_bq;
  df.extra["transport_wall_time_s"] = result.wall_time_s;
  df.extra["lung_shunt_fraction"] = a.lung_shunt;
  df.extra["lung_activity_bq"] = srep.lung_activity_bq;
  df.extra["activity_outside_dose_grid_fraction"] =
      rs.source_total > 0 ? rs.outside_total / rs.source_total : 0.0;
  df.extra["target_rel_uncertainty"] = a.target_uncertainty;

  // Mean relative uncertainty over the stopping region (as the engine defines it).
  const std::vector<std::uint8_t>* unc_region = a.uncertainty_mask.empty() ? nullptr : &rois[a.uncertainty_mask];
  double mean_unc = NAN;
  {
    const double dmax = result.dose_gy.empty() ? 0.0 : *std::max_element(result.dose_gy.begin(), result.dose_gy.end());
    double sum = 0;
    std::size_t count = 0;
    for (std::size_t v = 0; v < result.dose_gy.size(); ++v) {
      const bool in = unc_region ? (*unc_region)[v] != 0 : result.dose_gy[v] > 0.5 * dmax;
      if (in && result.dose_gy[v] > 0) {
        sum += result.rel_uncertainty[v];
        ++count;
      }
    }
    if (count) mean_unc = sum / count;
  }
  df.extra["mean_rel_uncertainty_stop_region"] = mean_unc;

  // ---- TG-268 record ------------------------------------------------------------------------------
  {
    RunCaseDescription rc;
    rc.geometry = a.ct.empty() ? "labels " + a.labels + " with material table " + a.material_table
                               : "CT " + a.ct + " (HU) through the HU calibration below";
    rc.geometry += "; dose grid = transport grid " + grid.describe();
    rc.activity_image = a.activity;
    rc.activity_units = to_string(units);
    rc.units_conversion = activity_conversion(units, a.total_activity_gbq);
    rc.total_activity_bq = df.total_activity_bq;
    rc.lung_shunt_fraction = a.lung_shunt;
    rc.lung_shunt_mode = a.lung_shunt_mode;
    rc.lung_activity_bq = srep.lung_activity_bq;
    rc.activity_outside_grid_fraction = df.extra["activity_outside_dose_grid_fraction"];
    rc.activity_mask = spec.restrict_mask_name;
    RunTransportDescription td;
    td.histories = result.histories;
    td.batches = result.batches;
    td.seed = result.seed;
    td.device = device;
    td.threads = a.threads;
    td.wall_time_s = df.wall_time_s;
    td.transport_wall_time_s = result.wall_time_s;
    td.target_rel_uncertainty = a.target_uncertainty;
    td.mean_rel_uncertainty = mean_unc;
    td.uncertainty_region = a.uncertainty_mask.empty() ? "voxels above 50 % of the maximum dose"
                                                       : "mask '" + a.uncertainty_mask + "'";
    td.energy_balance_relative_residual = eb.relative_residual();
    df.provenance = mc_run_provenance(rc, load_nuclide(a.nuclide), run_materials(phantom.material_names),
                                      calibration.get(), result.params, result.table_options, td,
                                      validation_case_summaries());
  }

  write_run_outputs(df, a.out, a.export_path, a.export_rtdose, rtdose);

  // ---- summary ------------------------------------------------------------------------------------
  log << "run       " << result.histories << " decays, seed " << result.seed << ", " << df.device
      << ", transport " << fmt_g(result.wall_time_s, 3) << " s ("
      << fmt_g(result.wall_time_s > 0 ? result.histories / result.wall_time_s : 0, 3)
      << " decays/s), total " << fmt_g(df.wall_time_s, 3) << " s\n";
  log << "energy    emitted " << fmt_g(df.energy_emitted_J) << " J, deposited "
      << fmt_g(df.energy_deposited_J) << " J, escaped " << fmt_g(df.energy_escaped_J)
      << " J (balance residual " << fmt_g(eb.relative_residual(), 2) << ")\n";
  log << "uncertainty mean " << fmt_g(100.0 * mean_unc, 3) << " % over "
      << (unc_region ? "mask '" + a.uncertainty_mask + "'" : std::string("voxels above 50 % of the maximum dose"));
  if (a.target_uncertainty > 0)
    log << " (target " << fmt_g(100.0 * a.target_uncertainty, 3) << " %"
        << (mean_unc <= a.target_uncertainty ? ", reached)" : ", NOT reached: raise --histories)");
  log << "\n";
  log << "wrote     " << a.out << (a.export_path.empty() ? "" : " and " + a.export_path)
      << (a.export_rtdose.empty() ? "" : " and " + a.export_rtdose + " (+ " + rtplan_path_for(a.export_rtdose) + ")")
      << "\n";
  if (!rois.empty() && !a.quiet) {
    DoseMetricsOptions mo;
    mo.v_gy = a.v_thresholds_gy;
    std::ostringstream head;
    head << std::left << std::setw(14) << "ROI" << std::right << std::setw(10) << "volume_ml"
         << std::setw(12) << "mean_Gy" << std::setw(10) << "D70_Gy" << std::setw(10) << "D90_Gy";
    for (double v : a.v_thresholds_gy) head << std::setw(10) << ("V" + fmt_g(v) + "_%");
    head << std::setw(10) << "unc_%";
    std::cout << head.str() << "\n";
    for (const auto& [name, mask] : rois) {
      const auto m = compute_roi_metrics(name, grid, df.dose_gy, df.dose_rel_uncertainty, mask,
                                         df.density_g_cm3, mo);
      std::ostringstream row;
      row << std::left << std::setw(14) << name << std::right << std::fixed << std::setprecision(1)
          << std::setw(10) << m.volume_ml << std::setw(12) << std::setprecision(2) << m.mean_dose_gy
          << std::setw(10) << m.d(70) << std::setw(10) << m.d(90);
      for (double v : a.v_thresholds_gy) row << std::setw(10) << std::setprecision(1) << 100.0 * m.v(v);
      row << std::setw(10) << std::setprecision(2)
          << (m.mean_rel_uncertainty >= 0 ? 100.0 * m.mean_rel_uncertainty : NAN);
      std::cout << row.str() << "\n";
    }
  }
}

void add_options(CLI::App* cmd, McArgs& a) {
  auto* g = "Geometry";
  cmd->add_option("--ct", a.ct, "CT in HU: NIfTI/MetaImage/NRRD file or DICOM series directory")->group(g);
  cmd->add_option("--labels", a.labels, "Label image (integers) instead of a CT")->group(g);
  cmd->add_option("--material-table", a.material_table, "CSV label,material,density_g_cm3 for --labels")->group(g);
  cmd->add_option("--hu-density", a.hu_density_csv, "HU -> density calibration CSV (default: Schneider 2000)")->group(g);
  cmd->add_option("--hu-materials", a.hu_materials_csv, "HU -> material bins CSV (default: Schneider 2000)")->group(g);
  auto* s = "Source";
  cmd->add_option("--activity", a.activity, "Activity image (SPECT/PET/map; file or DICOM directory)")->group(s);
  cmd->add_option("--activity-units", a.activity_units, "bq | bq-per-ml | counts")->capture_default_str()->group(s);
  cmd->add_option("--total-activity-gbq", a.total_activity_gbq,
                  "Administered activity [GBq]; counts are normalised to it (required for counts)")->group(s);
  cmd->add_option("--activity-mask", a.activity_mask, "Keep activity only inside this mask (a --mask name or a file)")->group(s);
  cmd->add_option("--lung-shunt", a.lung_shunt, "Lung shunt fraction F in [0,1): F of the total goes to --lung-mask")->group(s);
  cmd->add_option("--lung-mask", a.lung_mask, "Lung mask (a --mask name or a file)")->group(s);
  cmd->add_option("--lung-shunt-mode", a.lung_shunt_mode, "uniform (spread over the lung) | map (scale the map's lung part)")
      ->capture_default_str()->group(s);
  cmd->add_flag("--clamp-negative", a.clamp_negative, "Set negative/NaN activity voxels to 0 (reported) instead of failing")->group(s);
  cmd->add_option("--nuclide", a.nuclide, "Nuclide (materials/nuclides)")->capture_default_str()->group(s);
  auto* r = "Run";
  cmd->add_option("--voxel-mm", a.voxel_mm,
                  "Dose grid: 'activity' (default), 'ct', or a voxel size S or Sx,Sy,Sz [mm] over the CT extent")
      ->capture_default_str()->group(r);
  cmd->add_option("--histories", a.histories, "Decays to simulate (upper bound with --target-uncertainty)")
      ->capture_default_str()->group(r);
  cmd->add_option("--target-uncertainty", a.target_uncertainty,
                  "Stop when the mean relative uncertainty (voxels > 50 % of max, or --uncertainty-mask) is below U (e.g. 0.02)")->group(r);
  cmd->add_option("--uncertainty-mask", a.uncertainty_mask, "Name of the --mask deciding the stop")->group(r);
  cmd->add_option("--batches", a.batches, "Statistical batches")->capture_default_str()->group(r);
  cmd->add_option("--seed", a.seed, "Random seed")->capture_default_str()->group(r);
  cmd->add_option("--device", a.device, "cpu | cuda")->capture_default_str()->group(r);
  cmd->add_option("--threads", a.threads, "CPU threads (0 = all)")->capture_default_str()->group(r);
  auto* o = "Output";
  cmd->add_option("--mask", a.masks, "ROI name=file (repeatable): stored in the dose file and summarised")->group(o);
  cmd->add_option("--out", a.out, "HDF5 dose file")->capture_default_str()->group(o);
  cmd->add_option("--export", a.export_path, "Dose image for viewers (.nii.gz, .nii, .mhd, .mha, .nrrd)")->group(o);
  cmd->add_option("--export-rtdose", a.export_rtdose,
                  "DICOM RT Dose (+ its RT Plan beside it); identity from --ct when it is a DICOM directory")
      ->group(o);
  cmd->add_option("--v-thresholds-gy", a.v_thresholds_gy, "V_x thresholds [Gy] of the ROI summary")
      ->delimiter(',')->capture_default_str()->group(o);
  cmd->add_flag("--progress", a.progress, "Show the progress line even when stderr is not a terminal")->group(o);
  cmd->add_flag("--quiet", a.quiet, "Print errors only")->group(o);
}

// CLI11 reads config files only for the root command, so `betadose mc --config case.toml`
// is applied here: every key names an option of `mc` (top level or an [mc] section); options
// given on the command line win over the file.
void apply_config_file(CLI::App& cmd, const std::string& path) {
  std::vector<CLI::ConfigItem> items;
  try {
    items = CLI::ConfigTOML().from_file(path);
  } catch (const CLI::ParseError& e) {
    throw InputError(path + ": cannot read the TOML config (" + e.what() + ")");
  }
  for (const auto& item : items) {
    const bool top = item.parents.empty() || (item.parents.size() == 1 && item.parents[0] == "mc");
    BD_VALIDATE(top, path << ": section [" << item.parents[0] << "] is not known (keys go at the "
                          "top level or in [mc])");
    if (item.name == "config" || item.name == "++") continue;
    CLI::Option* opt = cmd.get_option_no_throw("--" + item.name);
    BD_VALIDATE(opt != nullptr, path << ": unknown option '" << item.name
                                     << "' (see betadose mc --help; names are given without --)");
    if (opt->count() > 0) continue;  // the command line wins
    try {
      opt->add_result(item.inputs);
      opt->run_callback();
    } catch (const CLI::ParseError& e) {
      throw InputError(path + ": option '" + item.name + "': " + e.what());
    }
  }
}

}  // namespace

void add_mc_command(CLI::App& app) {
  auto args = std::make_shared<McArgs>();
  auto config = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("mc", "Monte Carlo dose from CT (or labels) and an activity map");
  cmd->add_option("--config", *config,
                  "Read options from a TOML file: keys are the option names without --, "
                  "e.g. ct = \"ct.nii.gz\", mask = [\"liver=liver.nii.gz\"]");
  add_options(cmd, *args);
  cmd->callback([cmd, args, config]() {
    if (!config->empty()) apply_config_file(*cmd, *config);
    run_mc(*args);
  });
}

}  // namespace bd::cli
