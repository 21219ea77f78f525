// The input pipeline of the dose commands (include/betadose/case.hh).
#include "betadose/case.hh"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <memory>
#include <sstream>

#include "betadose/dicom_header.hh"
#include "betadose/errors.hh"
#include "betadose/text_parse.hh"
#include "betadose/hu_calibration.hh"
#include "betadose/image_io.hh"
#include "betadose/materials.hh"
#include "betadose/memory_check.hh"
#include "betadose/nuclide.hh"
#include "betadose/phantom_builder.hh"
#include "betadose/resample.hh"
#include "betadose/value_checks.hh"

namespace bd {
namespace {

std::string image_line(const char* role, const std::string& path, const ImageMetadata& m, const Grid& g) {
  std::string s = std::string(role) + path + ": " + m.format;
  if (!m.modality.empty()) s += " " + m.modality;
  if (!m.units.empty()) s += " [" + m.units + "]";
  if (m.file_count > 1) s += " (" + std::to_string(m.file_count) + " files)";
  if (m.series_count > 1)
    s += " (the largest of " + std::to_string(m.series_count) + " series in the directory: " + m.series_uid + ")";
  s += ", " + describe_geometry(g);
  for (const auto& n : m.notes) s += "\n  note: " + n;
  return s;
}

// Parses "S" or "Sx,Sy,Sz" [mm]; false for anything else.
bool parse_voxel_sizes(const std::string& spec, Vec3* out) {
  std::vector<double> s;
  std::stringstream ss(spec);
  std::string part;
  while (std::getline(ss, part, ',')) {
    std::size_t used = 0;
    double v = 0;
    try {
      v = std::stod(part, &used);
    } catch (const std::exception&) {
      return false;
    }
    if (used != part.size() || !std::isfinite(v) || v <= 0) return false;
    s.push_back(v);
  }
  if (s.size() != 1 && s.size() != 3) return false;
  *out = s.size() == 1 ? Vec3{{s[0], s[0], s[0]}} : Vec3{{s[0], s[1], s[2]}};
  return true;
}

bool is_geometry_word(const std::string& s) {
  return s == "ct" || s == "labels" || s == "geometry" || s == "uniform";
}

void check_voxel_choice(const std::string& spec) {
  Vec3 sp;
  BD_VALIDATE(spec == "activity" || spec == "masks" || is_geometry_word(spec) || parse_voxel_sizes(spec, &sp),
              "--voxel-mm: '" << spec << "' is not 'activity', 'ct', 'masks', a positive size in mm or "
                                 "three sizes 'x,y,z'");
}

struct UniformGeometry {
  std::string material;
  double density_g_cm3 = 0;
  std::string density_source;
};

UniformGeometry parse_uniform(const std::string& text) {
  UniformGeometry u;
  const auto colon = text.find(':');
  u.material = text.substr(0, colon);
  const Material m = find_material(load_materials(), u.material);  // InputError for unknown names
  if (colon == std::string::npos) {
    u.density_g_cm3 = m.density_g_cm3;
    u.density_source = "nominal density of " + u.material + " in materials/";
  } else {
    std::size_t used = 0;
    const std::string d = text.substr(colon + 1);
    try {
      u.density_g_cm3 = std::stod(d, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    BD_VALIDATE(used == d.size() && used > 0 && std::isfinite(u.density_g_cm3) && u.density_g_cm3 > 0 &&
                    u.density_g_cm3 <= kMaxDensity_g_cm3,
                "--uniform " << text << ": density '" << d << "' is not a positive number in (0, " << kMaxDensity_g_cm3
                             << "] g/cm3 (not kg/m3)");
    u.density_source = "--uniform";
  }
  return u;
}

struct OutsideActivity {
  double amount = 0;
  std::size_t voxels = 0;
  Vec3 lo{{INFINITY, INFINITY, INFINITY}}, hi{{-INFINITY, -INFINITY, -INFINITY}};
  std::vector<std::size_t> index;  // image voxels outside
};

// Activity in image voxels whose centre lies outside `geometry`. With a restriction mask (on
// `dose_grid`), only voxels whose centre falls inside it count: the rest is removed anyway.
OutsideActivity activity_outside(const Volume<double>& content, const Grid& geometry,
                                 const std::vector<std::uint8_t>& restrict_mask, const Grid& dose_grid) {
  OutsideActivity o;
  const Grid& g = content.grid;
  for (std::size_t k = 0, v = 0; k < g.size[2]; ++k)
    for (std::size_t j = 0; j < g.size[1]; ++j)
      for (std::size_t i = 0; i < g.size[0]; ++i, ++v) {
        if (content.data[v] <= 0) continue;
        const Vec3 p = g.index_to_physical({{double(i), double(j), double(k)}});
        if (geometry.contains_index(geometry.physical_to_index(p))) continue;
        if (!restrict_mask.empty()) {
          const Vec3 d = dose_grid.physical_to_index(p);
          if (!dose_grid.contains_index(d)) continue;
          const std::size_t vi = dose_grid.linear_index(std::size_t(std::lround(d[0])), std::size_t(std::lround(d[1])),
                                                        std::size_t(std::lround(d[2])));
          if (!restrict_mask[vi]) continue;
        }
        o.amount += content.data[v];
        ++o.voxels;
        o.index.push_back(v);
        for (int a = 0; a < 3; ++a) {
          o.lo[a] = std::min(o.lo[a], p[a]);
          o.hi[a] = std::max(o.hi[a], p[a]);
        }
      }
  return o;
}

// "--option" when the user set it, "default" when the value is CaseSpec's default.
template <class T>
std::string source_of(const char* option, const T& value, const T& default_value) {
  return value == default_value ? std::string("default (") + option + ")" : std::string(option);
}

std::string box_text(const Vec3& lo, const Vec3& hi) {
  std::ostringstream os;
  os << std::setprecision(5) << "x [" << lo[0] << ", " << hi[0] << "] y [" << lo[1] << ", " << hi[1]
     << "] z [" << lo[2] << ", " << hi[2] << "] mm";
  return os.str();
}

// The densities a calibration gives this CT, and the HU it does not cover. A steep last
// segment extrapolated gave 62 g/cm3 at 3071 HU; a user calibration starting at 0 HU made lung
// water (its dose halved) in silence. Densities above kMaxDensity_g_cm3 are refused; voxels
// outside a user calibration's nodes or bins are said.
void check_calibration_covers_ct(const Volume<float>& hu, const HuCalibration& cal, const CaseSpec& s,
                                 const CaseLog& log) {
  if (hu.data.empty()) return;
  const auto [lo_it, hi_it] = std::minmax_element(hu.data.begin(), hu.data.end());
  const float lo = *lo_it, hi = *hi_it;
  for (float v : {lo, hi}) {
    const double rho = cal.density_g_cm3(v);
    BD_VALIDATE(rho <= kMaxDensity_g_cm3,
                (s.hu_density_csv.empty() ? cal.density_file() : s.hu_density_csv)
                    << ": the HU calibration gives " << format_g(rho, 4) << " g/cm3 at " << format_g(v, 5)
                    << " HU of " << s.ct << ", above any material (" << kMaxDensity_g_cm3
                    << "): its last segment extrapolates too steeply, or the densities are not in g/cm3");
  }
  if (s.hu_density_csv.empty() && s.hu_materials_csv.empty()) return;  // the default covers CTs by design
  const auto& nodes = cal.node_hu();
  const auto& bins = cal.bins();
  std::size_t below_nodes = 0, above_nodes = 0, outside_bins = 0;
  for (float v : hu.data) {
    below_nodes += v < nodes.front();
    above_nodes += v > nodes.back();
    outside_bins += !bins.empty() && (v < bins.front().hu_lower || v > bins.back().hu_upper);
  }
  if (below_nodes || above_nodes)
    log("  warning: " + std::to_string(below_nodes) + " CT voxels below the calibration's first node (" +
        format_g(nodes.front()) + " HU: given its density) and " + std::to_string(above_nodes) +
        " above its last (" + format_g(nodes.back()) + " HU: extrapolated); the CT spans " + format_g(lo) + " to " +
        format_g(hi) + " HU");
  if (outside_bins)
    log("  warning: " + std::to_string(outside_bins) + " CT voxels outside the material bins [" +
        format_g(bins.front().hu_lower) + ", " + format_g(bins.back().hu_upper) +
        "] HU take the first or last bin's material");
}

// A source no SPECT/PET could have measured and no treatment administers (value_checks.hh):
// the total, and the hottest dose voxel's concentration.
void check_activity_plausible(const VoxelSource& src, const std::string& activity_path) {
  double total = 0, hottest = 0;
  std::size_t at = 0;
  for (std::size_t v = 0; v < src.activity_bq.size(); ++v) {
    total += src.activity_bq[v];
    if (src.activity_bq[v] > hottest) {
      hottest = src.activity_bq[v];
      at = v;
    }
  }
  BD_VALIDATE(std::isfinite(total) && total >= kMinPlausibleTotalActivityBq,
              activity_path << ": the source holds " << format_g(total) << " Bq, below " << kMinPlausibleTotalActivityBq
                            << " Bq (the dose would underflow; check --activity-units, the image's units and "
                               "--total-activity-gbq); --allow-implausible accepts it");
  BD_VALIDATE(std::isfinite(total) && total <= kMaxPlausibleTotalActivityBq,
              activity_path << ": the source holds " << format_g(total * 1e-9) << " GBq, above "
                            << format_g(kMaxPlausibleTotalActivityBq * 1e-9)
                            << " GBq, more than any 90Y treatment administers (check --activity-units, the image's "
                               "units and --total-activity-gbq); --allow-implausible accepts it");
  const Grid& g = src.grid;
  const double per_ml = hottest / g.voxel_volume_ml();
  if (per_ml <= kMaxPlausibleConcentrationBqPerMl) return;
  const std::size_t nx = g.size[0], ny = g.size[1];
  const std::size_t i = at % nx, j = (at / nx) % ny, k = at / (nx * ny);
  const Vec3 p = g.index_to_physical({{double(i), double(j), double(k)}});
  throw InputError(activity_path + ": dose voxel (" + std::to_string(i) + ", " + std::to_string(j) + ", " +
                   std::to_string(k) + ") at (" + format_g(p[0]) + ", " + format_g(p[1]) + ", " + format_g(p[2]) +
                   ") mm holds " + format_g(per_ml * 1e-6) + " MBq/ml, above the " +
                   format_g(kMaxPlausibleConcentrationBqPerMl * 1e-6) +
                   " MBq/ml no SPECT/PET measures and no treatment reaches (check --activity-units and the image's "
                   "units); --allow-implausible accepts it");
}

}  // namespace

OutsideGeometry parse_outside_geometry(const std::string& text) {
  if (text == "error") return OutsideGeometry::error;
  if (text == "air") return OutsideGeometry::air;
  if (text == "drop") return OutsideGeometry::drop;
  throw InputError("--outside-geometry: '" + text + "' (expected error, air or drop)");
}

const char* to_string(OutsideGeometry p) {
  switch (p) {
    case OutsideGeometry::error: return "error";
    case OutsideGeometry::air: return "air";
    case OutsideGeometry::drop: return "drop";
  }
  return "?";
}

Grid choose_dose_grid(const std::string& spec, const Grid* activity, const Grid* geometry,
                      const Grid* first_roi_image, const std::string& geometry_option) {
  check_voxel_choice(spec);
  if (spec == "activity") {
    BD_VALIDATE(activity, "--voxel-mm activity: there is no --activity image");
    return *activity;
  }
  if (is_geometry_word(spec)) {
    BD_VALIDATE(geometry, "--voxel-mm " << spec << ": there is no geometry image (--ct or --labels)");
    return *geometry;
  }
  if (spec == "masks") {
    if (first_roi_image) return *first_roi_image;
    if (geometry) return *geometry;
    BD_VALIDATE(activity, "--voxel-mm masks: no mask, geometry or activity image gives a grid");
    return *activity;
  }
  Vec3 sp;
  parse_voxel_sizes(spec, &sp);
  const Grid* ref = geometry ? geometry : activity ? activity : first_roi_image;
  BD_VALIDATE(ref, "--voxel-mm " << spec << ": no image whose extent the grid could cover");
  bool same = true;
  for (int a = 0; a < 3; ++a) same = same && std::abs(sp[a] - ref->spacing_mm[a]) < 1e-3;
  if (same) return *ref;  // no resampling of the reference image
  (void)geometry_option;
  return regrid(*ref, sp);
}

DoseCase load_case(const CaseSpec& s, const CaseNeeds& needs, const CaseLog& log_fn) {
  auto log = [&](const std::string& line) {
    if (log_fn) log_fn(line);
  };
  // ---- options that can be checked before reading anything ----------------------------------
  const int geometries = int(!s.ct.empty()) + int(!s.labels.empty()) + int(!s.uniform.empty());
  const char* one_geometry =
      "--ct CT, --labels L --material-table T, or --uniform MATERIAL[:DENSITY_G_CM3] (e.g. soft-tissue:1.03)";
  if (needs.geometry) BD_VALIDATE(geometries == 1, "give exactly one geometry: " << one_geometry);
  else BD_VALIDATE(geometries <= 1, "give at most one geometry: " << one_geometry);
  BD_VALIDATE(s.labels.empty() || !s.material_table.empty(),
              "--labels " << s.labels << " needs --material-table (CSV label,material,density_g_cm3)");
  BD_VALIDATE(s.material_table.empty() || !s.labels.empty(), "--material-table needs --labels");
  if (needs.activity) BD_VALIDATE(!s.activity.empty(), "--activity is required (activity image: SPECT/PET/map)");
  BD_VALIDATE(s.uniform.empty() || !s.activity.empty(),
              "--uniform " << s.uniform << " fills the activity image's grid: give --activity");
  const ActivityUnitsRequest units_request = parse_activity_units_request(s.activity_units);
  const OutsideGeometry policy = parse_outside_geometry(s.outside_geometry);
  BD_VALIDATE(std::isfinite(s.total_activity_gbq) && s.total_activity_gbq >= 0,
              "--total-activity-gbq must be positive, got " << s.total_activity_gbq);
  BD_VALIDATE(s.allow_implausible || s.total_activity_gbq * 1e9 <= kMaxPlausibleTotalActivityBq,
              "--total-activity-gbq " << s.total_activity_gbq << " is above "
                                      << kMaxPlausibleTotalActivityBq * 1e-9
                                      << " GBq, more than any 90Y treatment administers (a unit or typing error?); "
                                         "--allow-implausible accepts it");
  BD_VALIDATE(s.allow_implausible || s.total_activity_gbq == 0 || s.total_activity_gbq * 1e9 >= kMinPlausibleTotalActivityBq,
              "--total-activity-gbq " << s.total_activity_gbq << " is below " << kMinPlausibleTotalActivityBq
                                      << " Bq (the dose would underflow; a unit or typing error?); "
                                         "--allow-implausible accepts it");
  BD_VALIDATE(std::isfinite(s.lung_shunt) && s.lung_shunt >= 0 && s.lung_shunt < 1,
              "--lung-shunt: fraction must be in [0, 1), got " << s.lung_shunt);
  BD_VALIDATE(s.lung_mask.empty() || s.lung_shunt > 0,
              "--lung-mask " << s.lung_mask << " given without --lung-shunt F (the shunted fraction)");
  BD_VALIDATE(s.lung_shunt == 0 || !s.lung_mask.empty(),
              "--lung-shunt " << s.lung_shunt << " needs --lung-mask (the lung region receiving the shunted activity)");
  const LungShuntMode shunt_mode = parse_lung_shunt_mode(s.lung_shunt_mode);
  check_roi_inputs(s.rois);
  check_voxel_choice(s.voxel_mm);
  UniformGeometry uniform;
  if (!s.uniform.empty()) uniform = parse_uniform(s.uniform);

  DoseCase dc;
  dc.outside_policy = policy;
  // ---- images ---------------------------------------------------------------------------------
  Volume<float> act;
  // (image, DICOM Frame of Reference UID; "" for a file image, whose frame is unknown)
  std::vector<std::pair<std::string, std::string>> image_frames;
  ImageMetadata act_meta;
  if (!s.activity.empty()) {
    act = read_image(s.activity, &act_meta, ImageRole::activity);
    dc.has_activity = true;
    log(image_line("activity  ", s.activity, act_meta, act.grid));
    image_frames.emplace_back(s.activity, act_meta.frame_of_reference_uid);
    dc.frame_of_reference_uid = act_meta.frame_of_reference_uid;
    dc.note("activity_image", s.activity, "--activity");
    // Lossy compression changes every voxel by an amount nobody recorded: the activity, and
    // the dose from it, would be off by that much with nothing to show it.
    if (!act_meta.lossy_compression.empty()) {
      BD_VALIDATE(s.allow_lossy_activity,
                  s.activity << ": the pixel data are lossy-compressed (" << act_meta.lossy_compression
                             << "): its voxel values differ from the reconstruction's by an unrecorded amount, "
                                "and so would the activity and the dose; use a losslessly stored series (as the "
                                "scanner wrote it), or --allow-lossy-activity to accept it (recorded in the dose file)");
      log("  activity: lossy-compressed pixel data accepted (--allow-lossy-activity): " + act_meta.lossy_compression);
      dc.note("activity_lossy_compression", act_meta.lossy_compression, "--allow-lossy-activity");
    }
  }
  const std::string geom_path = !s.ct.empty() ? s.ct : s.labels;
  const std::string geom_option = !s.ct.empty() ? "ct" : !s.labels.empty() ? "labels" : "uniform";
  Volume<float> geo;
  CtRangeReport ct_report;
  if (!geom_path.empty()) {
    ImageMetadata m;
    geo = read_image(geom_path, &m, s.ct.empty() ? ImageRole::any : ImageRole::ct);
    log(image_line(s.ct.empty() ? "labels    " : "ct        ", geom_path, m, geo.grid));
    image_frames.emplace_back(geom_path, m.frame_of_reference_uid);
    if (!m.frame_of_reference_uid.empty()) dc.frame_of_reference_uid = m.frame_of_reference_uid;
    if (!m.lossy_compression.empty()) {
      // Labels are identities: a lossy codec turns them into other labels.
      BD_VALIDATE(!s.ct.empty(), geom_path << ": the label image's pixel data are lossy-compressed ("
                                           << m.lossy_compression << "): labels must be stored exactly");
      // A few HU of codec error move the density by well under the calibration's own
      // uncertainty; said and recorded, not refused.
      log("  ct: note: lossy-compressed pixel data (" + m.lossy_compression + "): HU values are approximate");
      dc.note("ct_lossy_compression", m.lossy_compression, "DICOM header");
    }
    // DICOM images of two Frames of Reference have unrelated patient coordinates (a CT of
    // another day or scanner): read together they would place the activity in the wrong
    // tissue with nothing to show it. A PET/CT or SPECT/CT of one scanner shares one frame.
    if (dc.has_activity && !m.frame_of_reference_uid.empty() && !act_meta.frame_of_reference_uid.empty() &&
        m.frame_of_reference_uid != act_meta.frame_of_reference_uid) {
      BD_VALIDATE(s.rois.accept_frame_mismatch,
                  geom_path << " and " << s.activity << ": the DICOM images have different Frames of Reference "
                            << "(0020,0052) (" << m.frame_of_reference_uid << " and " << act_meta.frame_of_reference_uid
                            << "), so their coordinates are not of one patient frame (a CT of another session or "
                               "scanner); register one to the other (and export it in the other's frame), or give "
                               "--accept-frame-mismatch if they are one frame under two UIDs (e.g. anonymised "
                               "separately)");
      log("  warning: the CT/label image and the activity have different Frames of Reference; taken as one frame "
          "(--accept-frame-mismatch)");
      dc.note("frame_of_reference_mismatch", m.frame_of_reference_uid + " vs " + act_meta.frame_of_reference_uid,
              "--accept-frame-mismatch");
    }
    if (dc.has_activity) require_overlap(geo.grid, geom_path, act.grid, s.activity);
    if (!s.ct.empty()) ct_report = check_and_clamp_ct_hu(geo.data, s.ct);
    dc.has_geometry = true;
    dc.geometry_grid = geo.grid;
    dc.geometry_name = geom_path;
    dc.note("geometry", geom_path, "--" + geom_option);
  } else if (!s.uniform.empty()) {
    dc.has_geometry = true;
    dc.geometry_grid = act.grid;
    dc.geometry_name = "--uniform " + uniform.material + ":" + format_g(uniform.density_g_cm3);
    log("geometry  uniform " + uniform.material + " at " + format_g(uniform.density_g_cm3) + " g/cm3 (" +
        uniform.density_source + ") over the activity grid");
    dc.note("geometry", "uniform " + uniform.material, "--uniform");
    dc.note("uniform_density_g_cm3", format_g(uniform.density_g_cm3, 8), uniform.density_source);
  }

  // ---- dose grid and memory estimate -----------------------------------------------------------
  Grid roi_grid;
  const bool have_roi_grid = s.voxel_mm == "masks" && first_roi_image_grid(s.rois, &roi_grid);
  dc.grid = choose_dose_grid(s.voxel_mm, dc.has_activity ? &act.grid : nullptr,
                             dc.has_geometry ? &dc.geometry_grid : nullptr,
                             have_roi_grid ? &roi_grid : nullptr, geom_option);
  validate_grid(dc.grid, "dose grid");
  dc.note("dose_grid", dc.grid.describe(), source_of("--voxel-mm", s.voxel_mm, CaseSpec{}.voxel_mm) + " " + s.voxel_mm);
  {
    // Every command keeps at least the activity, density and ROI masks per dose voxel.
    const double per_voxel = std::max(needs.bytes_per_dose_voxel, 5.0 + 16.0);
    const double nvox = static_cast<double>(dc.grid.size[0]) * double(dc.grid.size[1]) * double(dc.grid.size[2]);
    const double masks = double(s.rois.masks.size() + 4 * (s.rois.segmentations.size() + s.rois.rtstructs.size()));
    const double need = 1.25 * (per_voxel + masks) * nvox;
    // The voxel index space of the engine and the HDF5 writer is limited to 2^31 voxels.
    BD_VALIDATE(nvox < 2.0e9, "--voxel-mm " << s.voxel_mm << ": dose grid " << dc.grid.describe() << " has "
                                            << format_g(nvox, 3) << " voxels (at most 2e9) and would need about "
                                            << human_bytes(need) << " of memory; use a larger voxel size");
    require_memory(need, "--voxel-mm " + s.voxel_mm + ": dose grid " + dc.grid.describe() + " (" + format_g(nvox, 3) +
                             " voxels)",
                   "a larger voxel size");
  }
  log("dose grid " + describe_geometry(dc.grid) + " (--voxel-mm " + s.voxel_mm + ")");
  const Grid& grid = dc.grid;

  // ---- phantom -----------------------------------------------------------------------------------
  if (!s.ct.empty()) {
    const auto cal = load_hu_calibration(s.hu_density_csv, s.hu_materials_csv);
    const auto hu = geo.grid.same_geometry(grid) ? geo : resample_linear(geo, grid, kCtMinHu);
    dc.phantom = build_phantom_from_ct(hu, cal);
    check_calibration_covers_ct(hu, cal, s, log);
    if (ct_report.padding_voxels || ct_report.high_voxels)
      log("  CT: " + std::to_string(ct_report.padding_voxels) + " voxels below -1100 HU set to " +
          format_g(kCtMinHu) + " HU, " + std::to_string(ct_report.high_voxels) + " voxels above " + format_g(kCtMaxHu) +
          " HU clamped");
    dc.note("hu_density_calibration", cal.density_file(), s.hu_density_csv.empty() ? "default" : "--hu-density");
    dc.note("hu_material_calibration", cal.materials_file(), s.hu_materials_csv.empty() ? "default" : "--hu-materials");
  } else if (!s.labels.empty()) {
    auto table = read_material_table(s.material_table);
    // Outside the label image the dose grid is air (label -1, unless the table defines it).
    if (std::none_of(table.begin(), table.end(), [](const auto& r) { return r.label == -1; })) {
      // The image's own -1 voxels are not "outside": they must be in the table, as any label.
      BD_VALIDATE(std::find(geo.data.begin(), geo.data.end(), -1.0f) == geo.data.end(),
                  s.labels << ": labels -1 are not listed in the material table " << s.material_table
                           << " (add a row for label -1; without one, -1 is only the air betadose puts outside "
                              "the label image)");
      MaterialTableRow air;
      air.label = -1;
      air.material = "air";
      air.density_g_cm3 = 1.205e-3;  // dry air at 20 C, 101.325 kPa (ICRU 37 / NIST ESTAR)
      table.push_back(air);
    }
    const auto labels = geo.grid.same_geometry(grid) ? geo : resample_nearest(geo, grid, -1.0f);
    dc.phantom = build_phantom_from_labels(labels, table, s.labels, s.material_table);
    dc.note("material_table", s.material_table, "--material-table");
  } else if (!s.uniform.empty()) {
    dc.phantom = Phantom::uniform(grid, uniform.material, uniform.density_g_cm3);
  }
  geo = Volume<float>();  // free

  // ---- ROIs -----------------------------------------------------------------------------------------
  {
    RoiInputs rois = s.rois;
    rois.image_frames = image_frames;  // the frames an RT structure set must reference
    dc.rois = load_rois(rois, grid, log);
  }

  if (!dc.has_activity) return dc;
  // ---- activity ---------------------------------------------------------------------------------------
  const double total_bq = s.total_activity_gbq * 1e9;
  Volume<double> content;
  ActivityCleanReport clean;
  if (needs.source) {
    const Nuclide nuc = load_nuclide(s.nuclide);
    std::unique_ptr<PetHeader> header;
    if (act_meta.format == "DICOM" && !act_meta.files.empty()) {
      header = std::make_unique<PetHeader>(read_pet_header(act_meta.files));
      header->real_world_units = act_meta.value_units;
    }
    dc.calibration = calibrate_activity(units_request, header.get(), total_bq > 0, nuc.half_life_s, nuc.name, s.activity);
    for (const auto& line : dc.calibration.lines) log(line);
    for (const auto& p : dc.calibration.provenance) dc.note(p[0], p[1], p[2]);
    const auto& cal = dc.calibration;
    content = activity_to_extensive(act, cal.per_ml ? ActivityUnits::bq_per_ml : ActivityUnits::bq,
                                    s.clamp_negative, s.activity, &clean);
    const auto& f = cal.factor_per_slice;
    const std::size_t plane = act.grid.size[0] * act.grid.size[1];
    for (std::size_t v = 0; v < content.data.size(); ++v)
      content.data[v] *= f.size() == act.grid.size[2] ? f[v / plane] : f.front();
  } else {
    // Planning reads the map as relative values (ratios of concentrations on one grid).
    content = activity_to_extensive(act, ActivityUnits::counts, s.clamp_negative, s.activity, &clean);
  }
  act = Volume<float>();
  const std::string content_unit = dc.calibration.quantitative && needs.source ? "Bq" : "(relative)";
  if (clean.negative_voxels || clean.nan_voxels)
    log("  activity: clamped " + std::to_string(clean.negative_voxels) + " negative voxels (sum " +
        format_g(clean.negative_sum) + ", " + format_g(100.0 * std::abs(clean.negative_sum) / std::max(clean.total, 1e-300), 3) +
        " % of the positive total) and " + std::to_string(clean.nan_voxels) + " NaN voxels to 0");

  // The restriction mask first: activity it removes does not count as outside the geometry.
  SourceSpec spec;
  if (needs.source && !s.activity_mask.empty())
    spec.restrict_mask = resolve_mask(dc.rois, s.activity_mask, "--activity-mask", grid, &spec.restrict_mask_name);
  // Activity outside the geometry (dose voxels there would be outside the CT/labels).
  if (needs.source && dc.has_geometry) {
    const OutsideActivity out = activity_outside(content, dc.geometry_grid, spec.restrict_mask, grid);
    double map_total = 0;
    for (double v : content.data) map_total += v;
    dc.outside_geometry_fraction = map_total > 0 ? out.amount / map_total : 0.0;
    if (out.voxels > 0) {
      const std::string what = format_g(out.amount) + " " + content_unit + " (" +
                               format_g(100.0 * dc.outside_geometry_fraction, 3) + " % of the activity map" +
                               (spec.restrict_mask.empty() ? "" : " inside --activity-mask") + ", " +
                               std::to_string(out.voxels) + " voxels at " + box_text(out.lo, out.hi) + ")";
      BD_VALIDATE(policy != OutsideGeometry::error,
                  s.activity << ": " << what << " lies outside the geometry " << dc.geometry_name << " ("
                             << box_text(physical_box(dc.geometry_grid).lo, physical_box(dc.geometry_grid).hi)
                             << "); choose --outside-geometry air (keep it, in air) or drop (remove it before "
                                "normalisation)");
      if (policy == OutsideGeometry::air) {
        std::size_t lost = 0;
        for (std::size_t v : out.index) {
          const Grid& g = content.grid;
          const std::size_t i = v % g.size[0], j = (v / g.size[0]) % g.size[1], k = v / (g.size[0] * g.size[1]);
          if (!grid.contains_index(grid.physical_to_index(g.index_to_physical({{double(i), double(j), double(k)}}))))
            ++lost;
        }
        BD_VALIDATE(lost == 0, s.activity << ": " << what << " lies outside the geometry, and " << lost
                                          << " of those voxels also outside the dose grid (--voxel-mm " << s.voxel_mm
                                          << "), so it cannot be kept in air; use --voxel-mm activity or "
                                             "--outside-geometry drop");
        log("  outside geometry: " + what + " kept in air (--outside-geometry air)");
      } else {
        for (std::size_t v : out.index) content.data[v] = 0;
        log("  outside geometry: " + what + " dropped (--outside-geometry drop)");
      }
    }
    dc.note("outside_geometry", to_string(policy), source_of("--outside-geometry", s.outside_geometry, CaseSpec{}.outside_geometry));
    dc.note("activity_outside_geometry_fraction", format_g(dc.outside_geometry_fraction, 8), "computed");
  }

  // Onto the dose grid, conserving the total.
  if (content.grid.same_geometry(grid)) {
    dc.activity_on_grid = std::move(content);
  } else {
    ActivityResampleReport rs;
    dc.activity_on_grid = resample_activity(content, grid, &rs);
    if (rs.source_total > 0 && rs.outside_total > 1e-3 * rs.source_total)
      log("  warning: " + format_g(100.0 * rs.outside_total / rs.source_total, 3) +
          " % of the activity map lies outside the dose grid and is not simulated");
    dc.note("activity_outside_dose_grid_fraction", format_g(rs.source_total > 0 ? rs.outside_total / rs.source_total : 0.0, 8),
            "resampling onto the dose grid");
  }
  if (!needs.source) return dc;

  // ---- source ------------------------------------------------------------------------------------------
  spec.activity_name = s.activity;
  spec.units = dc.calibration.quantitative ? ActivityUnits::bq : ActivityUnits::counts;
  spec.total_activity_bq = total_bq;
  spec.lung_shunt_fraction = s.lung_shunt;
  spec.lung_shunt_mode = shunt_mode;
  spec.keep_measured_outside_lung = dc.calibration.measured;
  spec.nuclide = s.nuclide;
  if (!s.lung_mask.empty())
    spec.lung_mask = resolve_mask(dc.rois, s.lung_mask, "--lung-mask", grid, &spec.lung_mask_name);
  dc.source = build_voxel_source(dc.activity_on_grid, spec, &dc.source_report);
  dc.source.grid = grid;
  if (!s.allow_implausible) check_activity_plausible(dc.source, s.activity);
  const SourceReport& rep = dc.source_report;
  const double map_kept = rep.map_total - rep.removed_outside_mask;
  if (dc.calibration.quantitative && total_bq > 0 && map_kept > 0) {
    const double factor = total_bq / map_kept;
    dc.total_activity_rescale_factor = factor;
    log("  --total-activity-gbq " + format_g(s.total_activity_gbq) + " rescales the image's " + format_g(map_kept * 1e-9) +
        " GBq by a factor " + format_g(factor));
    if (std::abs(factor - 1) > 0.2)
      log("  warning: the image's activity and --total-activity-gbq differ by " + format_g(100 * (factor - 1), 3) +
          " % (more than 20 %): check the calibration, the decay correction and the given activity");
    dc.note("total_activity_rescale_factor", format_g(factor, 10), "--total-activity-gbq / image activity");
  }
  // A quantitative image's total against what its header says was given, and against any
  // therapy: an administration date a few days off, a dose entered in MBq, a weight in grams
  // all give a plausible-looking map at the wrong scale (warnings: phantoms and partial fields
  // of view are legitimate).
  if (dc.calibration.quantitative && total_bq <= 0) {
    const double injected = dc.calibration.header_injected_bq;
    if (dc.calibration.units != "suv" && injected > 0) {
      const double ratio = map_kept / injected;
      if (ratio > kMaxImageToInjectedRatio || ratio < kMinImageToInjectedRatio)
        log("  warning: the image holds " + format_g(map_kept * 1e-9) + " GBq at the administration, " +
            format_g(ratio, 3) + " x the injected " + format_g(injected * 1e-9) +
            " GBq of (0018,1074) RadionuclideTotalDose: check the administration date/time (0018,1078), the "
            "series and acquisition times, the units and the injected activity");
      dc.note("image_to_injected_activity_ratio", format_g(ratio, 8), "image content / (0018,1074)");
    }
    if (rep.total_activity_bq < kMinTherapyActivityBq)
      log("  warning: the source holds " + format_g(rep.total_activity_bq * 1e-6) + " MBq, below any 90Y therapy (" +
          format_g(kMinTherapyActivityBq * 1e-6) + " MBq): check the units (SUV needs the injected activity in Bq "
          "and the weight in kg) and the calibration");
  }
  dc.note("total_activity_bq", format_g(rep.total_activity_bq, 10),
          total_bq > 0 ? "--total-activity-gbq" : "activity image content (" + dc.calibration.units + ")");
  std::string line = "source    " + format_g(rep.total_activity_bq * 1e-9) + " GBq " + s.nuclide + " in " +
                     std::to_string(rep.active_voxels) + " voxels";
  if (s.lung_shunt > 0)
    line += ", lung shunt " + format_g(100 * s.lung_shunt) + " % (" + format_g(rep.lung_activity_bq * 1e-9) + " GBq)";
  log(line);
  if (rep.removed_outside_mask > 0 && rep.map_total > 0)
    log("  " + format_g(100.0 * rep.removed_outside_mask / rep.map_total, 3) + " % of the map lies outside " +
        spec.restrict_mask_name + " and was removed");
  if (s.lung_shunt > 0 && rep.map_rest + rep.map_lung > 0) {
    const double own = rep.map_lung / (rep.map_rest + rep.map_lung);
    log("  lung shunt: the map's own lung fraction " + format_g(100 * own, 3) + " % is replaced by " +
        format_g(100 * s.lung_shunt, 3) + " %" +
        (dc.calibration.measured && total_bq <= 0
             ? " (measured image: its activity outside " + spec.lung_mask_name + ", " +
                   format_g(rep.map_rest * 1e-9) + " GBq, is kept as measured; the total is it / (1 - F))"
             : std::string()));
    dc.note("map_lung_fraction", format_g(own, 8), "activity map inside the lung mask, before the shunt");
  }
  if (!s.activity_mask.empty()) dc.note("activity_mask", spec.restrict_mask_name, "--activity-mask");
  if (s.lung_shunt > 0) {
    dc.note("lung_shunt_fraction", format_g(s.lung_shunt, 8), "--lung-shunt");
    dc.note("lung_mask", spec.lung_mask_name, "--lung-mask");
  }
  dc.note("nuclide", s.nuclide, source_of("--nuclide", s.nuclide, CaseSpec{}.nuclide));
  return dc;
}

}  // namespace bd
