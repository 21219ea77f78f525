// Activity map -> VoxelSource (include/betadose/activity.hh).
#include "betadose/activity.hh"

#include <cmath>

#include "betadose/errors.hh"

namespace bd {

ActivityUnits parse_activity_units(const std::string& text, const std::string& option) {
  if (text == "bq") return ActivityUnits::bq;
  if (text == "bq-per-ml") return ActivityUnits::bq_per_ml;
  if (text == "counts") return ActivityUnits::counts;
  throw InputError(option + ": unknown activity unit '" + text +
                   "' (expected bq, bq-per-ml or counts)");
}

const char* to_string(ActivityUnits units) {
  switch (units) {
    case ActivityUnits::bq: return "bq";
    case ActivityUnits::bq_per_ml: return "bq-per-ml";
    case ActivityUnits::counts: return "counts";
  }
  return "?";
}

LungShuntMode parse_lung_shunt_mode(const std::string& text) {
  if (text == "uniform") return LungShuntMode::uniform;
  if (text == "map") return LungShuntMode::map;
  throw InputError("--lung-shunt-mode: unknown mode '" + text + "' (expected uniform or map)");
}

Volume<double> activity_to_extensive(const Volume<float>& image, ActivityUnits units,
                                     bool clamp_negative, const std::string& path,
                                     ActivityCleanReport* report) {
  ActivityCleanReport rep;
  Volume<double> out(image.grid, 0.0);
  const double factor = units == ActivityUnits::bq_per_ml ? image.grid.voxel_volume_ml() : 1.0;
  std::size_t first_bad = image.data.size();
  for (std::size_t n = 0; n < image.data.size(); ++n) {
    const double v = image.data[n];
    if (!std::isfinite(v)) {
      ++rep.nan_voxels;
      if (first_bad == image.data.size()) first_bad = n;
      continue;
    }
    if (v < 0) {
      ++rep.negative_voxels;
      rep.negative_sum += v * factor;
      if (first_bad == image.data.size()) first_bad = n;
      continue;
    }
    out.data[n] = v * factor;
    rep.total += out.data[n];
  }
  if (!clamp_negative && (rep.nan_voxels || rep.negative_voxels)) {
    const auto& g = image.grid;
    const std::size_t i = first_bad % g.size[0], j = (first_bad / g.size[0]) % g.size[1],
                      k = first_bad / (g.size[0] * g.size[1]);
    std::ostringstream os;
    os << path << ": activity map has " << rep.nan_voxels << " NaN/infinite and "
       << rep.negative_voxels << " negative voxels (first at voxel index " << i << "," << j << ","
       << k << ", value " << image.data[first_bad]
       << "); activity must be finite and >= 0 (use --clamp-negative to set them to 0)";
    throw InputError(os.str());
  }
  if (report) *report = rep;
  return out;
}

namespace {
void check_mask(const std::vector<std::uint8_t>& mask, const Grid& grid, const std::string& name) {
  BD_VALIDATE(mask.size() == grid.voxel_count(),
              name << ": mask has " << mask.size() << " voxels, the dose grid "
                   << grid.voxel_count() << " (it must be resampled onto the dose grid first)");
}
}  // namespace

VoxelSource build_voxel_source(const Volume<double>& content, const SourceSpec& spec,
                               SourceReport* report) {
  SourceReport rep;
  const Grid& g = content.grid;
  const std::size_t nvox = g.voxel_count();
  BD_VALIDATE(content.data.size() == nvox, spec.activity_name << ": activity map size mismatch");
  std::vector<double> a = content.data;
  for (double v : a) rep.map_total += v;

  if (!spec.restrict_mask.empty()) {
    check_mask(spec.restrict_mask, g, spec.restrict_mask_name);
    for (std::size_t n = 0; n < nvox; ++n)
      if (!spec.restrict_mask[n]) {
        rep.removed_outside_mask += a[n];
        a[n] = 0;
      }
  }
  const double F = spec.lung_shunt_fraction;
  BD_VALIDATE(std::isfinite(F) && F >= 0 && F < 1,
              "--lung-shunt: fraction must be in [0, 1), got " << F);
  const bool shunt = F > 0;
  BD_VALIDATE(!shunt || !spec.lung_mask.empty(),
              "--lung-shunt " << F << " needs --lung-mask (the lung region receiving the shunted activity)");
  std::size_t lung_voxels = 0;
  double map_lung = 0, map_rest = 0;
  if (shunt) {
    check_mask(spec.lung_mask, g, spec.lung_mask_name);
    for (std::size_t n = 0; n < nvox; ++n) {
      if (spec.lung_mask[n]) {
        ++lung_voxels;
        map_lung += a[n];
      } else {
        map_rest += a[n];
      }
    }
    BD_VALIDATE(lung_voxels > 0, spec.lung_mask_name << ": lung mask has no voxel on the dose grid");
  } else {
    for (double v : a) map_rest += v;
  }
  const double map_kept = map_rest + map_lung;
  {
    std::ostringstream where;
    where << spec.activity_name;
    if (!spec.restrict_mask.empty()) where << " restricted to " << spec.restrict_mask_name;
    BD_VALIDATE(map_kept > 0, where.str() << ": total activity is zero on the dose grid (map total "
                                          << rep.map_total << " " << to_string(spec.units)
                                          << "); nothing to transport");
  }
  BD_VALIDATE(spec.units != ActivityUnits::counts || spec.total_activity_bq > 0,
              spec.activity_name << ": --activity-units counts needs --total-activity-gbq (the "
                                    "administered activity the counts are normalised to)");
  BD_VALIDATE(std::isfinite(spec.total_activity_bq) && spec.total_activity_bq >= 0,
              "--total-activity-gbq must be positive, got " << spec.total_activity_bq * 1e-9);
  // Administered total [Bq]: given, or the map's own (Bq units) content. A measured image
  // with a lung shunt keeps what it measured outside the lung (the liver's activity is the
  // measurement the dose rests on) and the lung gets F of the total: total = rest / (1 − F);
  // spreading the image's own total would move activity the image saw in the liver into the
  // lung, lowering the liver dose by F in silence. A map (its total is the plan) keeps its total.
  const double total = spec.total_activity_bq > 0 ? spec.total_activity_bq
                       : shunt && spec.keep_measured_outside_lung ? map_rest / (1 - F)
                                                                  : map_kept;
  rep.map_lung = map_lung;
  rep.map_rest = map_rest;

  VoxelSource src;
  src.grid = g;
  src.nuclide = spec.nuclide;
  src.activity_bq.assign(nvox, 0.0);
  if (!shunt) {
    rep.scale_bq_per_unit = total / map_kept;
    for (std::size_t n = 0; n < nvox; ++n) src.activity_bq[n] = a[n] * rep.scale_bq_per_unit;
  } else {
    BD_VALIDATE(map_rest > 0, spec.activity_name << ": no activity outside the lung mask "
                                                 << spec.lung_mask_name
                                                 << " to carry the non-shunted fraction");
    if (spec.lung_shunt_mode == LungShuntMode::map)
      BD_VALIDATE(map_lung > 0, spec.activity_name << ": --lung-shunt-mode map, but the map has no "
                                                      "activity inside the lung mask "
                                                   << spec.lung_mask_name);
    rep.scale_bq_per_unit = (1 - F) * total / map_rest;
    const double lung_scale = spec.lung_shunt_mode == LungShuntMode::map ? F * total / map_lung : 0.0;
    const double lung_uniform = F * total / static_cast<double>(lung_voxels);
    for (std::size_t n = 0; n < nvox; ++n) {
      if (spec.lung_mask[n])
        src.activity_bq[n] =
            spec.lung_shunt_mode == LungShuntMode::map ? a[n] * lung_scale : lung_uniform;
      else
        src.activity_bq[n] = a[n] * rep.scale_bq_per_unit;
    }
  }
  for (std::size_t n = 0; n < nvox; ++n) {
    rep.total_activity_bq += src.activity_bq[n];
    if (shunt && spec.lung_mask[n]) rep.lung_activity_bq += src.activity_bq[n];
    if (src.activity_bq[n] > 0) ++rep.active_voxels;
  }
  if (report) *report = rep;
  return src;
}

}  // namespace bd
