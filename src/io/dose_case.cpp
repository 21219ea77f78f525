// Inputs of the dose commands -> Phantom + VoxelSource + ROI masks on the dose grid.
#include "betadose/dose_case.hh"

#include <sstream>

#include "betadose/activity.hh"
#include "betadose/errors.hh"
#include "betadose/hu_calibration.hh"
#include "betadose/image_io.hh"
#include "betadose/phantom_builder.hh"
#include "betadose/resample.hh"

namespace bd {

std::pair<std::string, std::string> split_name_file(const std::string& spec,
                                                    const std::string& option) {
  const auto eq = spec.find('=');
  BD_VALIDATE(eq != std::string::npos && eq > 0 && eq + 1 < spec.size(),
              option << " '" << spec << "' (expected NAME=FILE, e.g. tumour=tumour.nii.gz)");
  return {spec.substr(0, eq), spec.substr(eq + 1)};
}

namespace {

std::vector<std::uint8_t> mask_on_grid(const std::string& path, const Grid& grid,
                                       const std::string& what) {
  const Volume<float> img = read_image(path);
  require_overlap(img.grid, path, grid, "the dose grid");
  Volume<std::uint8_t> m(img.grid);
  for (std::size_t v = 0; v < img.data.size(); ++v) m.data[v] = img.data[v] > 0.5f ? 1 : 0;
  const auto on = img.grid.same_geometry(grid) ? m : resample_nearest(m, grid, 0);
  std::size_t inside = 0;
  for (auto x : on.data) inside += x;
  BD_VALIDATE(inside > 0, what << " " << path << ": the mask is empty on the dose grid");
  return on.data;
}

}  // namespace

DoseCase load_dose_case(const DoseCaseInputs& in) {
  BD_VALIDATE(in.ct.empty() != in.labels.empty(),
              "give exactly one geometry: --ct CT or --labels L --material-table T");
  BD_VALIDATE(in.labels.empty() || !in.material_table.empty(),
              "--labels " << in.labels << " needs --material-table T (CSV label,material,density_g_cm3)");
  BD_VALIDATE(!in.activity.empty(), "--activity A is required (activity image)");
  BD_VALIDATE(in.voxel_mm >= 0, "--voxel-mm " << in.voxel_mm << " (expected > 0)");
  DoseCase dc;
  const std::string geo_path = in.ct.empty() ? in.labels : in.ct;
  Volume<float> geo = read_image(geo_path);
  const Grid grid = in.voxel_mm > 0 ? regrid(geo.grid, {{in.voxel_mm, in.voxel_mm, in.voxel_mm}})
                                    : geo.grid;
  if (in.voxel_mm > 0) dc.notes.push_back("dose grid: " + grid.describe());

  if (!in.ct.empty()) {
    Volume<float> ct = geo.grid.same_geometry(grid) ? std::move(geo) : resample_linear(geo, grid, -1000.f);
    const auto rep = check_and_clamp_ct_hu(ct.data, in.ct);
    if (rep.padding_voxels + rep.high_voxels > 0) {
      std::ostringstream os;
      os << in.ct << ": " << rep.padding_voxels << " voxels below -1100 HU set to -1000, "
         << rep.high_voxels << " above " << kCtMaxHu << " HU clamped";
      dc.notes.push_back(os.str());
    }
    dc.phantom = build_phantom_from_ct(ct, load_hu_calibration());
  } else {
    const Volume<float> labels =
        geo.grid.same_geometry(grid) ? std::move(geo) : resample_nearest(geo, grid, 0.f);
    dc.phantom = build_phantom_from_labels(labels, read_material_table(in.material_table), in.labels,
                                           in.material_table);
  }

  const Volume<float> act = read_image(in.activity);
  require_overlap(act.grid, in.activity, grid, "the dose grid");
  ActivityCleanReport clean;
  const ActivityUnits units = parse_activity_units(in.activity_units);
  const Volume<double> content = activity_to_extensive(act, units, in.clamp_negative, in.activity, &clean);
  if (clean.negative_voxels + clean.nan_voxels > 0) {
    std::ostringstream os;
    os << in.activity << ": " << clean.negative_voxels << " negative and " << clean.nan_voxels
       << " NaN voxels set to 0";
    dc.notes.push_back(os.str());
  }
  Volume<double> on_grid;
  if (act.grid.same_geometry(grid)) {
    on_grid = content;
  } else {
    ActivityResampleReport rr;
    on_grid = resample_activity(content, grid, &rr);
    std::ostringstream os;
    os << in.activity << " resampled onto the dose grid (content conserved; "
       << rr.outside_total << " of " << rr.source_total << " fell outside)";
    dc.notes.push_back(os.str());
  }
  SourceSpec spec;
  spec.activity_name = in.activity;
  spec.units = units;
  spec.total_activity_bq = in.total_activity_gbq * 1e9;
  spec.nuclide = in.nuclide;
  if (!in.activity_mask.empty()) {
    spec.restrict_mask = mask_on_grid(in.activity_mask, grid, "--activity-mask");
    spec.restrict_mask_name = in.activity_mask;
  }
  if (in.lung_shunt > 0 || !in.lung_mask.empty()) {
    BD_VALIDATE(!in.lung_mask.empty(), "--lung-shunt needs --lung-mask M");
    spec.lung_shunt_fraction = in.lung_shunt;
    spec.lung_mask = mask_on_grid(in.lung_mask, grid, "--lung-mask");
    spec.lung_mask_name = in.lung_mask;
    spec.lung_shunt_mode = parse_lung_shunt_mode(in.lung_shunt_mode);
  }
  dc.source = build_voxel_source(on_grid, spec);
  dc.source.grid = grid;

  for (const auto& m : in.masks) {
    const auto nf = split_name_file(m, "--mask");
    BD_VALIDATE(dc.roi.count(nf.first) == 0, "--mask " << m << ": ROI name '" << nf.first
                                                       << "' given twice");
    dc.roi[nf.first] = mask_on_grid(nf.second, grid, "--mask " + nf.first);
  }
  return dc;
}

}  // namespace bd
