#include "betadose/dose_analysis.hh"

#include <cmath>
#include <sstream>

#include "betadose/dose_file.hh"
#include "betadose/errors.hh"
#include "betadose/nuclide.hh"

namespace bd {

std::string d_key(double x) {
  std::ostringstream os;
  os << "D" << x;
  return os.str();
}

std::string v_key(double x) {
  std::ostringstream os;
  os << "V" << x << "Gy";
  return os.str();
}

DoseAnalysis analyze_dose(const DoseFile& file,
                          const std::map<std::string, std::vector<std::uint8_t>>& rois_in,
                          const DoseAnalysisOptions& o) {
  DoseAnalysis a;
  a.weighting = o.weighting;
  a.lq = o.lq;
  // Decay half-life for Dale's formula: the dose file's nuclide unless given.
  if (o.half_life_given) {
    a.half_life_source = "--half-life-h";
  } else {
    a.lq.physical_half_life_h = load_nuclide(file.nuclide).half_life_s / 3600.0;
    a.half_life_source = file.nuclide + " nuclide data";
  }
  validate(a.lq);
  std::map<std::string, std::vector<std::uint8_t>> rois = rois_in;
  if (rois.empty()) {
    rois["grid"] = {};
    a.notes.push_back("no ROI in the dose file and no --mask: metrics over the whole grid");
  }
  std::map<std::string, PermanentImplantLq> roi_lq;
  for (const auto& [name, ab_rep] : o.roi_lq) {
    BD_VALIDATE(rois.count(name), "--roi-lq " << name << "=" << ab_rep.first << "," << ab_rep.second
                                              << ": no ROI named '" << name << "'");
    PermanentImplantLq lq = a.lq;
    lq.alpha_beta_gy = ab_rep.first;
    lq.repair_half_time_h = ab_rep.second;
    validate(lq);
    roi_lq[name] = lq;
  }
  DoseMetricsOptions mopt;
  mopt.weighting = o.weighting;
  mopt.d_percent = o.d_percent;
  mopt.v_gy = o.v_gy;
  for (const auto& [name, mask] : rois) {
    RoiAnalysis r;
    r.metrics = compute_roi_metrics(name, file.grid, file.dose_gy, file.dose_rel_uncertainty, mask,
                                    file.density_g_cm3, mopt);
    r.lq = roi_lq.count(name) ? roi_lq[name] : a.lq;
    // ROI mean of the voxel BED with the weighting of the dose metrics.
    double bed_sum = 0, weight_sum = 0;
    for (std::size_t i = 0; i < file.dose_gy.size(); ++i) {
      if (!mask.empty() && mask[i] == 0) continue;
      const double w = o.weighting == DoseWeighting::mass ? double(file.density_g_cm3[i]) : 1.0;
      bed_sum += w * bed_gy(file.dose_gy[i], r.lq);
      weight_sum += w;
    }
    r.mean_bed_gy = bed_sum / weight_sum;
    r.mean_eqd2_gy = eqd2_from_bed_gy(r.mean_bed_gy, r.lq.alpha_beta_gy);
    a.distributions.emplace_back(name, make_roi_distribution(file.grid, file.dose_gy, mask,
                                                             file.density_g_cm3, o.weighting, name));
    a.rois.push_back(std::move(r));
  }
  return a;
}

JsonObject roi_analysis_json(const RoiAnalysis& r) {
  const RoiDoseMetrics& m = r.metrics;
  JsonObject j;
  j.add("name", m.roi)
      .add("voxel_count", double(m.voxel_count))
      .add("volume_ml", m.volume_ml)
      .add("mass_g", m.mass_g >= 0 ? m.mass_g : std::nan(""))
      .add("mean_dose_gy", m.mean_dose_gy)
      .add("min_dose_gy", m.min_dose_gy)
      .add("max_dose_gy", m.max_dose_gy)
      .add("mean_rel_uncertainty", m.mean_rel_uncertainty >= 0 ? m.mean_rel_uncertainty : std::nan(""));
  JsonObject d, v;
  for (const auto& p : m.d_percent_gy) d.add(d_key(p.first), p.second);
  for (const auto& p : m.v_gy_fraction) v.add(v_key(p.first), p.second);
  j.add("d_gy", d).add("v_fraction", v);
  j.add("mean_bed_gy", r.mean_bed_gy)
      .add("mean_eqd2_gy", r.mean_eqd2_gy)
      .add("alpha_beta_gy", r.lq.alpha_beta_gy)
      .add("repair_half_time_h", r.lq.repair_half_time_h);
  return j;
}

JsonObject dose_analysis_json(const DoseAnalysis& a, const std::string& dose_path) {
  std::vector<JsonObject> rois;
  for (const auto& r : a.rois) rois.push_back(roi_analysis_json(r));
  JsonObject lq;
  lq.add("model", "Dale 1985 permanent implant")
      .add("alpha_beta_gy", a.lq.alpha_beta_gy)
      .add("repair_half_time_h", a.lq.repair_half_time_h)
      .add("physical_half_life_h", a.lq.physical_half_life_h)
      .add("half_life_source", a.half_life_source);
  JsonObject top;
  top.add("dose_file", dose_path).add("weighting", to_string(a.weighting)).add("bed", lq)
      .add("rois", rois).add("notes", a.notes);
  return top;
}

}  // namespace bd
