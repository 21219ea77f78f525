// ROI of a case as the microsphere deposition region (include/betadose/microsphere_roi.hh).
#include "betadose/microsphere_roi.hh"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "betadose/errors.hh"
#include "betadose/fft_size.hh"

namespace bd {

RoiRegion make_roi_region(const Phantom& ph, const std::vector<double>& activity, const std::vector<std::uint8_t>& mask,
                          const std::string& name, double voxel_mm,
                          const std::function<double(const std::string&, double)>& padding_of, std::size_t max_voxels) {
  const Grid& cg = ph.grid;
  const std::size_t n = cg.voxel_count();
  BD_VALIDATE(mask.size() == n && activity.size() == n,
              "--roi " << name << ": mask/activity of " << mask.size() << "/" << activity.size() << " voxels for the case grid "
                       << cg.describe());
  BD_VALIDATE(voxel_mm > 0 && std::isfinite(voxel_mm), "--voxel-um " << voxel_mm * 1e3 << " (expected > 0)");
  std::array<std::size_t, 3> lo{{cg.size[0], cg.size[1], cg.size[2]}}, hi{{0, 0, 0}};
  std::map<std::uint8_t, std::size_t> material_count;
  double rho_sum = 0, roi_bq = 0;
  std::size_t roi_voxels = 0;
  for (std::size_t k = 0; k < cg.size[2]; ++k)
    for (std::size_t j = 0; j < cg.size[1]; ++j)
      for (std::size_t i = 0; i < cg.size[0]; ++i) {
        const std::size_t v = cg.linear_index(i, j, k);
        if (!mask[v]) continue;
        const std::size_t c[3] = {i, j, k};
        for (int a = 0; a < 3; ++a) {
          lo[a] = std::min(lo[a], c[a]);
          hi[a] = std::max(hi[a], c[a] + 1);
        }
        ++roi_voxels;
        rho_sum += ph.density_g_cm3[v];
        material_count[ph.material_id[v]]++;
        BD_VALIDATE(std::isfinite(activity[v]) && activity[v] >= 0, "--roi " << name << ": activity " << activity[v]
                                                                            << " Bq in voxel " << v);
        roi_bq += activity[v];
      }
  BD_VALIDATE(roi_voxels > 0, "--roi " << name << ": the ROI has no voxel on the dose grid");
  BD_VALIDATE(roi_bq > 0, "--roi " << name << ": no activity inside the ROI");
  RoiRegion r;
  r.tissue_density_g_cm3 = rho_sum / static_cast<double>(roi_voxels);
  const auto top = std::max_element(material_count.begin(), material_count.end(),
                                    [](const auto& a, const auto& b) { return a.second < b.second; });
  r.tissue_material = ph.material_names.at(top->first);
  const double padding_mm = std::max(11.0, padding_of(r.tissue_material, r.tissue_density_g_cm3));
  DepositionRegion& d = r.region;
  d.periodic = false;
  Grid& fg = d.grid;
  fg.direction = cg.direction;
  std::array<std::size_t, 3> pad{};
  for (int a = 0; a < 3; ++a) {
    const std::size_t k = std::max<std::size_t>(1, static_cast<std::size_t>(std::llround(cg.spacing_mm[a] / voxel_mm)));
    d.block[a] = k;
    fg.spacing_mm[a] = cg.spacing_mm[a] / static_cast<double>(k);
    d.macro_size[a] = hi[a] - lo[a];
    pad[a] = static_cast<std::size_t>(std::ceil(padding_mm / fg.spacing_mm[a] - 1e-9));
    d.macro_offset[a] = pad[a];
    fg.size[a] = fft_friendly_size(d.macro_size[a] * k + 2 * pad[a]);
  }
  BD_VALIDATE(fg.voxel_count() <= max_voxels,
              "--voxel-um " << voxel_mm * 1e3 << ": the fine grid over ROI '" << name << "' plus " << padding_mm
                            << " mm padding would have " << fg.size[0] << "x" << fg.size[1] << "x" << fg.size[2]
                            << " voxels (at most " << max_voxels << "); use larger voxels or a smaller ROI");
  // Fine voxel f (index) sits at case continuous index lo − 0.5 + (f − pad + 0.5)/k.
  Vec3 c0;
  for (int a = 0; a < 3; ++a)
    c0[a] = static_cast<double>(lo[a]) - 0.5 + (0.5 - static_cast<double>(pad[a])) / static_cast<double>(d.block[a]);
  fg.origin_mm = cg.index_to_physical(c0);
  const std::size_t mx = d.macro_size[0], my = d.macro_size[1], mz = d.macro_size[2];
  r.activity_bq.assign(mx * my * mz, 0.0);
  d.expected_spheres.assign(mx * my * mz, 0.0);
  r.mask.assign(fg.voxel_count(), 0);
  for (std::size_t k = 0; k < mz; ++k)
    for (std::size_t j = 0; j < my; ++j)
      for (std::size_t i = 0; i < mx; ++i) {
        const std::size_t v = cg.linear_index(lo[0] + i, lo[1] + j, lo[2] + k);
        if (!mask[v]) continue;
        const std::size_t m = i + mx * (j + my * k);
        r.activity_bq[m] = activity[v];
        d.expected_spheres[m] = activity[v];  // placeholder weights; the study sets counts
        for (std::size_t z = 0; z < d.block[2]; ++z)
          for (std::size_t y = 0; y < d.block[1]; ++y)
            for (std::size_t x = 0; x < d.block[0]; ++x)
              r.mask[fg.linear_index(pad[0] + i * d.block[0] + x, pad[1] + j * d.block[1] + y,
                                     pad[2] + k * d.block[2] + z)] = 1;
      }
  std::ostringstream os;
  os << "ROI '" << name << "': " << roi_voxels << " case voxels (" << roi_voxels * cg.voxel_volume_ml() << " mL), fine grid "
     << fg.describe() << " (each case voxel split " << d.block[0] << "x" << d.block[1] << "x" << d.block[2] << "), tissue "
     << r.tissue_material << " at " << r.tissue_density_g_cm3 << " g/cm3 (ROI mean; the kernel is homogeneous)";
  r.notes.push_back(os.str());
  return r;
}

}  // namespace bd
