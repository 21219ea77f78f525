// build_report_html (include/betadose/report.hh): the page, section by section.
#include <algorithm>
#include <cmath>
#include <ctime>
#include <iomanip>
#include <map>
#include <sstream>

#include "betadose/compare.hh"
#include "betadose/data_paths.hh"
#include "betadose/dose_file.hh"
#include "betadose/eanm_flags.hh"
#include "betadose/errors.hh"
#include "betadose/image_encoding.hh"
#include "betadose/planning.hh"
#include "betadose/provenance.hh"
#include "betadose/report.hh"
#include "betadose/resample.hh"
#include "report_parts.hh"

namespace bd {
namespace {

using report::esc;
using report::exact;
using report::num;

constexpr const char* kStyle = R"css(
body{font-family:"DejaVu Sans",Arial,sans-serif;margin:24px auto;max-width:1180px;color:#222;line-height:1.35}
h1{font-size:22px;margin-bottom:4px}h2{font-size:18px;border-bottom:2px solid #345;padding-bottom:3px;margin-top:32px}
h3{font-size:15px;margin:18px 0 4px}small,.note{color:#555}
table{border-collapse:collapse;margin:6px 0;font-size:13px}
th,td{border:1px solid #bbb;padding:3px 7px;text-align:right;vertical-align:top}
th{background:#e8edf3}td.name,th.name,td.text{text-align:left}
table.kv td{text-align:left}table.kv th{text-align:left;font-weight:normal;background:#f3f5f8;white-space:nowrap}
.met{background:#d9f2d9}.not-met{background:#f8d4d4;font-weight:bold}.warn{color:#b00000;font-weight:bold}
.panels{display:flex;flex-wrap:wrap;gap:14px}.panel{text-align:center;font-size:12px}
.legend span{display:inline-block;margin-right:12px;font-size:12px}.legend i{display:inline-block;width:18px;height:4px;margin-right:4px;vertical-align:middle}
#bd-viewer-box{width:760px;height:500px;background:#000;position:relative}#bd-viewer-box canvas{width:100%;height:100%;display:block}
html.viewer-only body>:not(#viewer){display:none}html.viewer-only body{margin:0}html.viewer-only #viewer h2{display:none}
)css";

const RoiAnalysis* find_roi(const DoseAnalysis& a, const std::string& name) {
  for (const auto& r : a.rois)
    if (r.metrics.roi == name) return &r;
  return nullptr;
}

double mean_of(const DoseAnalysis& a, const std::string& name) {
  const RoiAnalysis* r = name.empty() ? nullptr : find_roi(a, name);
  return r ? r->metrics.mean_dose_gy : std::nan("");
}

// A <td> showing `shown` and carrying the exact value the JSON has under `key`.
std::string cell(const std::string& key, double value, const std::string& shown) {
  return "<td data-key=\"" + esc(key) + "\" data-value=\"" + exact(value) + "\">" + esc(shown) + "</td>";
}

std::string json_for_script(const std::string& json) {
  // "</" inside a <script> element would end it; "<\/" is the same JSON string.
  std::string out;
  out.reserve(json.size());
  for (std::size_t i = 0; i < json.size(); ++i) {
    if (json[i] == '<' && i + 1 < json.size() && json[i + 1] == '/') out += "<\\";
    else out += json[i];
  }
  return out;
}

void roi_table(std::ostringstream& h, const DoseAnalysis& a, const DoseAnalysisOptions& o) {
  h << "<table id=\"roi-table\"><thead><tr><th class=\"name\">ROI</th><th>volume [ml]</th><th>mass [g]</th>"
    << "<th>mean [Gy]</th><th>min [Gy]</th><th>max [Gy]</th>";
  for (double x : o.d_percent) h << "<th>" << esc(d_key(x)) << " [Gy]</th>";
  for (double x : o.v_gy) h << "<th>" << esc(v_key(x)) << " [%]</th>";
  h << "<th>mean rel. unc. [%]</th><th>mean BED [Gy]</th><th>mean EQD2 [Gy]</th><th>&alpha;/&beta; [Gy]</th>"
    << "<th>T<sub>rep</sub> [h]</th></tr></thead><tbody>";
  for (const auto& r : a.rois) {
    const RoiDoseMetrics& m = r.metrics;
    h << "<tr data-roi=\"" << esc(m.roi) << "\"><td class=\"name\">" << esc(m.roi) << "</td>"
      << cell("volume_ml", m.volume_ml, num(m.volume_ml, 1))
      << cell("mass_g", m.mass_g >= 0 ? m.mass_g : std::nan(""), m.mass_g >= 0 ? num(m.mass_g, 1) : "-")
      << cell("mean_dose_gy", m.mean_dose_gy, num(m.mean_dose_gy, 2))
      << cell("min_dose_gy", m.min_dose_gy, num(m.min_dose_gy, 2))
      << cell("max_dose_gy", m.max_dose_gy, num(m.max_dose_gy, 2));
    for (const auto& p : m.d_percent_gy) h << cell("d_gy." + d_key(p.first), p.second, num(p.second, 2));
    for (const auto& p : m.v_gy_fraction) h << cell("v_fraction." + v_key(p.first), p.second, num(100 * p.second, 1));
    const double unc = m.mean_rel_uncertainty >= 0 ? m.mean_rel_uncertainty : std::nan("");
    h << cell("mean_rel_uncertainty", unc, num(100 * unc, 2))
      << cell("mean_bed_gy", r.mean_bed_gy, num(r.mean_bed_gy, 2))
      << cell("mean_eqd2_gy", r.mean_eqd2_gy, num(r.mean_eqd2_gy, 2))
      << cell("alpha_beta_gy", r.lq.alpha_beta_gy, num(r.lq.alpha_beta_gy, 1))
      << cell("repair_half_time_h", r.lq.repair_half_time_h, num(r.lq.repair_half_time_h, 1)) << "</tr>";
  }
  h << "</tbody></table><p class=\"note\">Weighting: " << to_string(a.weighting)
    << ". D<sub>x</sub>: minimum dose to the hottest x % of the ROI; V<sub>x</sub>: share of the ROI with at "
       "least x Gy; uncertainty: mean voxel relative standard uncertainty (1&sigma;, voxels with dose &gt; 0), "
       "not the uncertainty of the ROI mean. BED/EQD2: ROI means of the voxel BED, Dale 1985 permanent "
       "implant, T<sub>1/2</sub> "
    << num(a.lq.physical_half_life_h, 2) << " h (" << esc(a.half_life_source)
    << "). Definitions: include/betadose/dose_metrics.hh, radiobiology.hh. The same numbers, with these "
       "options: <code>betadose analyze --json</code>.</p>";
  for (const auto& n : a.notes) h << "<p class=\"note\">Note: " << esc(n) << "</p>";
}

std::string flag_cell(const std::string& recommendation, double mean, const std::string& roi) {
  const EanmThreshold t = parse_eanm_threshold(recommendation);
  const EanmFlag flag = roi.empty() ? EanmFlag::not_evaluated : evaluate_eanm(t, mean);
  const char* cls = flag == EanmFlag::met ? " class=\"met\"" : flag == EanmFlag::not_met ? " class=\"not-met\"" : "";
  std::string why;
  if (t.kind == EanmThreshold::Kind::none) why = "";
  else if (roi.empty()) why = " (no ROI)";
  else if (t.conditional) why = " (conditional: not evaluated)";
  return std::string("<td class=\"text\">") + esc(recommendation.empty() ? "-" : recommendation) + "</td><td" +
         cls + " data-flag=\"" + to_string(flag) + "\">" + to_string(flag) + esc(why) + "</td>";
}

void eanm_section(std::ostringstream& h, const ReportInputs& in, const DoseAnalysis& a, const ReportRoles& roles) {
  h << "<section id=\"eanm\"><h2>EANM 2022 dose recommendations</h2>";
  if (in.device_type.empty()) {
    h << "<p class=\"note\">Give <code>--device-type glass|resin</code> (and <code>--indication "
         "HCC|ICC|mCRC</code>) to compare the ROI means with the guideline.</p></section>";
    return;
  }
  const auto all = read_eanm_recommendations(materials_dir() + "/planning/eanm2022_dose_recommendations.csv");
  const auto rows = filter_eanm_recommendations(all, in.device_type, in.indication);
  const double perfused = mean_of(a, roles.perfused), normal = mean_of(a, roles.normal_liver),
               tumour = mean_of(a, roles.tumour);
  h << "<p>Weber et al., Eur J Nucl Med Mol Imaging 49 (2022) 1682, Tables 2&ndash;3 (mean absorbed doses; "
       "footnote marks and [references] as in the guideline). Compared with the ROI means of this file: "
       "perfused volume = <b>"
    << esc(roles.perfused.empty() ? "none" : roles.perfused) << "</b> (" << num(perfused, 1)
    << " Gy), normal liver = <b>" << esc(roles.normal_liver.empty() ? "none" : roles.normal_liver) << "</b> ("
    << num(normal, 1) << " Gy), tumour = <b>" << esc(roles.tumour.empty() ? "none" : roles.tumour) << "</b> ("
    << num(tumour, 1) << " Gy); <code>--roi-role</code> changes the assignment. The first statement of a cell "
       "is evaluated (include/betadose/eanm_flags.hh); conditions are shown, not judged.</p>"
    << "<table id=\"eanm-table\"><tr><th class=\"name\">device</th><th class=\"name\">indication</th>"
       "<th class=\"name\">scenario</th><th class=\"name\">perfused volume</th><th>flag</th>"
       "<th class=\"name\">normal liver</th><th>flag</th><th class=\"name\">tumour</th><th>flag</th></tr>";
  for (const auto& r : rows)
    h << "<tr><td class=\"text\">" << esc(r.device) << "</td><td class=\"text\">" << esc(r.indication)
      << "</td><td class=\"text\">" << esc(r.scenario) << "</td>"
      << flag_cell(r.perfused_volume_dose_gy, perfused, roles.perfused)
      << flag_cell(r.normal_liver_dose_gy, normal, roles.normal_liver)
      << flag_cell(r.tumour_dose_gy, tumour, roles.tumour) << "</tr>";
  h << "</table></section>";
}

void plan_section(std::ostringstream& h, const PlanSummary& p, const DoseFile& f, const DoseAnalysis& a,
                  const ReportRoles& roles) {
  h << "<section id=\"plan\"><h2>Planning vs Monte Carlo</h2><p>Plan: " << esc(p.source) << " (method "
    << esc(p.method) << (p.target.empty() ? "" : ", target " + esc(p.target)) << "; "
    << esc(p.mass_source.empty() ? std::string("masses as given to the planner") : p.mass_source) << ")</p>"
    << "<table id=\"plan-table\"><tr><th class=\"name\">quantity</th><th>plan</th><th>this dose file</th>"
       "<th>file / plan</th><th class=\"name\">file ROI</th></tr>";
  auto row = [&](const char* what, double plan, double file, const std::string& roi, int decimals) {
    h << "<tr><td class=\"name\">" << what << "</td><td>" << num(plan, decimals) << "</td><td>" << num(file, decimals)
      << "</td><td>" << num(file / plan, 3) << "</td><td class=\"name\">" << esc(roi) << "</td></tr>";
  };
  const auto lung_act = f.extra.find("lung_activity_bq");
  row("administered activity [GBq]", p.activity_gbq, f.total_activity_bq * 1e-9, "", 3);
  row("activity to the lungs [GBq]", p.lung_activity_gbq,
      lung_act != f.extra.end() ? lung_act->second * 1e-9 : std::nan(""), "", 3);
  row("tumour mean dose [Gy]", p.tumour_dose_gy, mean_of(a, roles.tumour), roles.tumour, 1);
  row("normal-liver mean dose [Gy]", p.normal_liver_dose_gy, mean_of(a, roles.normal_liver), roles.normal_liver, 1);
  row("whole/perfused liver mean dose [Gy]", p.liver_dose_gy, mean_of(a, roles.perfused), roles.perfused, 1);
  row("lung mean dose [Gy]", p.lung_dose_gy, mean_of(a, roles.lung), roles.lung, 2);
  h << "</table><p class=\"note\">The planning methods assume uniform uptake per compartment, local "
       "absorption and the clinical constant "
    << num(p.clinical_constant_J_per_GBq, 2) << " J/GBq (physics value " << num(p.physics_J_per_GBq, 2)
    << " J/GBq); the dose file's means include cross-fire, escape and the activity actually mapped. "
       "A different administered activity scales all doses.</p></section>";
}

void compare_section(std::ostringstream& h, const ReportInputs& in, const DoseAnalysis& a) {
  const DoseFile& f = *in.dose;
  const DoseFile& c = *in.compare;
  h << "<section id=\"compare\"><h2>Second dose file: " << esc(c.method) << " vs " << esc(f.method)
    << "</h2><p>A = this file ("
    << esc(in.dose_path) << ", " << esc(f.method) << "), B = " << esc(in.compare_path) << " (" << esc(c.method)
    << ").";
  std::vector<float> b = c.dose_gy;
  if (!c.grid.same_geometry(f.grid)) {
    require_overlap(c.grid, in.compare_path, f.grid, in.dose_path);
    Volume<float> vb(c.grid);
    vb.data = c.dose_gy;
    b = resample_linear(vb, f.grid, 0.0f).data;
    h << " B was resampled (trilinear) onto A's grid.";
  }
  GammaOptions g;  // 3 %/3 mm global, 10 % threshold
  const GammaResult gam = gamma_index(f.grid, f.dose_gy, b, g);
  const DoseDifference diff = dose_difference(f.grid, f.dose_gy, b, g.threshold);
  h << "</p><p>3-D gamma 3 %/3 mm (global, voxels above 10 % of A's maximum): pass rate <b id=\"gamma-pass\">"
    << num(100 * gam.pass_rate, 1) << " %</b> of " << gam.evaluated << " voxels; mean (B&minus;A)/A "
    << num(100 * diff.mean_relative_difference, 2) << " % over the same voxels.</p>"
    << "<table id=\"compare-table\"><tr><th class=\"name\">ROI</th><th>mean A [Gy]</th><th>mean B [Gy]</th>"
       "<th>B/A</th><th>D70 A</th><th>D70 B</th><th>D90 A</th><th>D90 B</th><th>gamma pass [%]</th></tr>";
  DoseMetricsOptions mo;
  mo.weighting = a.weighting;
  mo.d_percent = {70, 90};
  for (const auto& r : a.rois) {
    const auto& mask = f.roi.count(r.metrics.roi) ? f.roi.at(r.metrics.roi) : std::vector<std::uint8_t>{};
    const RoiDoseMetrics ma = compute_roi_metrics(r.metrics.roi, f.grid, f.dose_gy, {}, mask, f.density_g_cm3, mo);
    const RoiDoseMetrics mb = compute_roi_metrics(r.metrics.roi, f.grid, b, {}, mask, f.density_g_cm3, mo);
    std::size_t ev = 0, pass = 0;
    for (std::size_t v = 0; v < gam.gamma.size(); ++v)
      if ((mask.empty() || mask[v]) && gam.gamma[v] >= 0) {
        ++ev;
        pass += gam.gamma[v] <= 1.0f;
      }
    h << "<tr data-roi=\"" << esc(r.metrics.roi) << "\"><td class=\"name\">" << esc(r.metrics.roi) << "</td><td>"
      << num(ma.mean_dose_gy, 2) << "</td><td>" << num(mb.mean_dose_gy, 2) << "</td><td>"
      << num(mb.mean_dose_gy / ma.mean_dose_gy, 3) << "</td><td>" << num(ma.d(70), 1) << "</td><td>"
      << num(mb.d(70), 1) << "</td><td>" << num(ma.d(90), 1) << "</td><td>" << num(mb.d(90), 1) << "</td><td>"
      << (ev ? num(100.0 * double(pass) / double(ev), 1) : std::string("-")) << "</td></tr>";
  }
  h << "</table></section>";
}

void energy_section(std::ostringstream& h, const DoseFile& f) {
  auto extra = [&](const char* k) {
    const auto it = f.extra.find(k);
    return it == f.extra.end() ? std::nan("") : it->second;
  };
  const double e = f.energy_emitted_J;
  h << "<section id=\"energy\"><h2>Energy balance</h2><table id=\"energy-table\" class=\"kv\">";
  auto row = [&](const char* what, double j) {
    h << "<tr><th>" << what << "</th><td>" << num(j, 4) << " J</td><td>"
      << (e > 0 && std::isfinite(j) ? num(100 * j / e, 3) + " %" : std::string("-")) << "</td></tr>";
  };
  row("emitted", e);
  row("deposited in the grid", f.energy_deposited_J);
  row("escaped (all)", f.energy_escaped_J);
  row("escaped as electrons", extra("energy_escaped_electron_J"));
  row("escaped as photons", extra("energy_escaped_photon_J"));
  row("deposited locally below the cut-offs (part of deposited)", extra("energy_below_cutoff_J"));
  h << "<tr><th>relative residual |emitted &minus; deposited &minus; escaped| / emitted</th><td colspan=\"2\">"
    << (std::isfinite(extra("energy_balance_relative_residual"))
            ? exact(extra("energy_balance_relative_residual"))
            : (e > 0 ? exact(std::abs(e - f.energy_deposited_J - f.energy_escaped_J) / e) : std::string("-")))
    << "</td></tr></table></section>";
}

void provenance_section(std::ostringstream& h, const ProvenanceRecord& r) {
  h << "<section id=\"provenance\"><h2>Monte Carlo record (AAPM TG-268)</h2>";
  if (r.empty()) {
    h << "<p class=\"warn\">This dose file carries no /provenance record (written by an older betadose or "
         "another program).</p></section>";
    return;
  }
  h << "<p class=\"note\">" << esc(kProvenanceStandard) << "; stored in the dose file's /provenance group "
    << "(<code>betadose info dose.h5</code>).</p>";
  for (const auto& s : r.sections) {
    h << "<h3>" << esc(s.tg268_item) << " <small>(" << esc(s.name) << ")</small></h3><table class=\"kv\">";
    for (const auto& v : s.values) h << "<tr><th>" << esc(v.key) << "</th><td>" << esc(v.text) << "</td></tr>";
    h << "</table>";
  }
  h << "</section>";
}

// NIfTI volumes for the viewer: the background (CT or density as HU-like values) on a grid over
// the dose grid's extent with at most ~4e6 voxels, and the dose on its own grid.
void viewer_section(std::ostringstream& h, const ReportInputs& in, const std::vector<double>& iso) {
  const DoseFile& f = *in.dose;
  h << "<section id=\"viewer\"><h2>3-D viewer (CT + dose)</h2>";
  if (in.viewer_js.empty()) {
    h << "<p class=\"note\">Viewer left out (--no-viewer).</p></section>";
    return;
  }
  std::string background;
  if (in.ct) {
    double s = std::min({in.ct->grid.spacing_mm[0], in.ct->grid.spacing_mm[1], in.ct->grid.spacing_mm[2]});
    double n = 1;
    for (int a = 0; a < 3; ++a) n *= double(f.grid.size[a]) * f.grid.spacing_mm[a] / s;
    if (n > 4e6) s *= std::cbrt(n / 4e6);
    const Grid vg = regrid(f.grid, {{s, s, s}});
    background = nifti1_bytes(vg, resample_linear(*in.ct, vg, -1000.0f).data, true, "CT HU");
  } else if (!f.density_g_cm3.empty()) {
    std::vector<float> hu(f.density_g_cm3.size());
    for (std::size_t v = 0; v < hu.size(); ++v) hu[v] = (f.density_g_cm3[v] - 1.0f) * 1000.0f;
    background = nifti1_bytes(f.grid, hu, true, "density as (rho-1)*1000");
  }
  double dmax = 0;
  for (float d : f.dose_gy) dmax = std::max(dmax, double(d));
  const std::string dose = nifti1_bytes(f.grid, f.dose_gy, false, "betadose dose Gy");
  h << "<p class=\"note\">" << esc(in.viewer_version)
    << ", embedded. Background: " << (in.ct ? "CT " + esc(in.ct_path) : std::string("density map (no --ct)"))
    << " (grey, &minus;160&hellip;240 HU); dose overlay from " << num(iso.empty() ? 0.0 : iso.front(), 1)
    << " Gy to the maximum " << num(dmax, 1)
    << " Gy. Drag to move the cross-hair, scroll to change slices, drag in the 3-D panel to rotate.</p>"
    << "<div id=\"bd-viewer-box\"><canvas id=\"bd-viewer-canvas\"></canvas></div>"
    << "<p id=\"viewer-status\" data-status=\"pending\">viewer loading&hellip;</p>"
    << "<script type=\"application/json\" id=\"bd-volumes\">{\"background\": \""
    << (background.empty() ? "" : base64_encode(gzip_bytes(background))) << "\", \"dose\": \""
    << base64_encode(gzip_bytes(dose)) << "\", \"dose_min_gy\": " << exact(iso.empty() ? 0.0 : iso.front())
    << ", \"dose_max_gy\": " << exact(dmax) << "}</script>\n<script>\n"
    << in.viewer_js << "\n</script>\n<script>\n"
    << R"js((async function () {
  const status = document.getElementById('viewer-status');
  try {
    const v = JSON.parse(document.getElementById('bd-volumes').textContent);
    const nv = new niivue.Niivue({ backColor: [0, 0, 0, 1], show3Dcrosshair: true, isColorbar: true,
      isRadiologicalConvention: true, logLevel: 'error' });
    await nv.attachToCanvas(document.getElementById('bd-viewer-canvas'));
    if (v.background) {
      nv.addVolume(await niivue.NVImage.loadFromBase64({ base64: v.background, name: 'background.nii.gz',
        colormap: 'gray', cal_min: -160, cal_max: 240 }));
    }
    nv.addVolume(await niivue.NVImage.loadFromBase64({ base64: v.dose, name: 'dose.nii.gz', colormap: 'warm',
      opacity: 0.55, cal_min: v.dose_min_gy, cal_max: v.dose_max_gy }));
    nv.setSliceType(nv.sliceTypeMultiplanar);
    nv.drawScene();
    const gl = nv.gl, w = gl.drawingBufferWidth, h = gl.drawingBufferHeight;
    const px = new Uint8Array(w * h * 4);
    gl.readPixels(0, 0, w, h, gl.RGBA, gl.UNSIGNED_BYTE, px);
    let lit = 0;
    for (let i = 0; i < px.length; i += 4) if (px[i] > 16 || px[i + 1] > 16 || px[i + 2] > 16) lit++;
    status.dataset.status = 'rendered';
    status.dataset.nonblankPixels = String(lit);
    status.textContent = 'viewer: ' + nv.volumes.length + ' volumes rendered';
  } catch (e) {
    status.dataset.status = 'error';
    status.textContent = 'viewer error: ' + e;
  }
})();
)js"
    << "</script></section>";
}

}  // namespace

std::string build_report_html(const ReportInputs& in) {
  BD_VALIDATE(in.dose != nullptr, "report: no dose file");
  const DoseFile& f = *in.dose;
  const DoseAnalysis a = analyze_dose(f, f.roi, in.analysis);
  std::vector<std::string> roi_names;
  for (const auto& [name, mask] : f.roi) roi_names.push_back(name);
  const ReportRoles roles = resolve_report_roles(roi_names, in.role_overrides);
  double dmax = 0;
  for (float d : f.dose_gy) dmax = std::max(dmax, double(d));
  std::vector<double> iso = in.isodose_gy.empty() ? report::default_isodose_levels(dmax) : in.isodose_gy;
  std::sort(iso.begin(), iso.end());
  for (double l : iso) BD_VALIDATE(std::isfinite(l) && l > 0, "--isodose-gy " << l << " (expected > 0)");

  std::ostringstream h;
  const std::time_t now = std::time(nullptr);
  char when[64];
  std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S %Z", std::localtime(&now));
  h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>betadose report: "
    << esc(in.dose_path) << "</title><script>if (location.hash === '#viewer') "
    << "document.documentElement.classList.add('viewer-only');</script><style>" << kStyle << "</style></head><body>";
  // ---- summary -------------------------------------------------------------------------------
  h << "<header id=\"summary\"><h1>Absorbed-dose report</h1><table class=\"kv\">"
    << "<tr><th>dose file</th><td>" << esc(in.dose_path) << "</td></tr>"
    << "<tr><th>method</th><td>" << esc(f.method) << (f.method == "mc" ? " (Monte Carlo)" : " (kernel method)")
    << ", device " << esc(f.device) << "</td></tr>"
    << "<tr><th>nuclide, activity</th><td>" << esc(f.nuclide) << ", " << num(f.total_activity_bq * 1e-9, 4)
    << " GBq, dose to complete decay</td></tr>"
    << "<tr><th>histories</th><td>" << f.histories << " (seed " << f.seed << ")</td></tr>"
    << "<tr><th>dose grid</th><td>" << esc(f.grid.describe()) << "</td></tr>"
    << "<tr><th>maximum dose</th><td>" << num(dmax, 2) << " Gy</td></tr>"
    << "<tr><th>generated</th><td>" << esc(when) << " by betadose " << BETADOSE_VERSION << " ("
    << esc(build_git_commit()) << ")</td></tr></table>";
  if (!roles.lung.empty()) {
    const double lung = mean_of(a, roles.lung);
    h << "<p" << (lung > kLungDoseLimitPerTreatment_Gy ? " class=\"warn\"" : "") << " id=\"lung-check\">Lung ("
      << esc(roles.lung) << ") mean dose " << num(lung, 2) << " Gy: "
      << (lung > kLungDoseLimitPerTreatment_Gy ? "ABOVE" : "below") << " the "
      << num(kLungDoseLimitPerTreatment_Gy, 0) << " Gy per-treatment limit (EANM 2022; cumulative limit "
      << num(kLungDoseLimitCumulative_Gy, 0) << " Gy).</p>";
  }
  h << "</header>";
  // ---- ROI table -----------------------------------------------------------------------------
  h << "<section id=\"rois\"><h2>Regions of interest</h2>";
  roi_table(h, a, in.analysis);
  h << "<script type=\"application/json\" id=\"betadose-analysis\">"
    << json_for_script(dose_analysis_json(a, in.dose_path).str()) << "</script></section>";
  eanm_section(h, in, a, roles);
  if (in.plan) plan_section(h, *in.plan, f, a, roles);
  if (in.compare) compare_section(h, in, a);
  energy_section(h, f);
  // ---- slices --------------------------------------------------------------------------------
  const Index3 centre = report::slice_centre(f);
  h << "<section id=\"slices\"><h2>Dose</h2><p class=\"note\">Planes through the dose-weighted centre of the "
       "voxels above half the maximum; background "
    << (in.ct ? "CT " + esc(in.ct_path) : std::string("density map")) << "; colour wash from the lowest isodose "
       "level; lines at</p><p class=\"legend\">";
  for (std::size_t l = 0; l < iso.size(); ++l)
    h << "<span><i style=\"background:" << report::isodose_colour(l, iso.size()) << "\"></i>" << num(iso[l], 0)
      << " Gy</span>";
  h << "</p><div class=\"panels\">";
  for (const auto& p : report::slice_panels(f, in.ct, f.dose_gy, "dose", iso, centre))
    h << "<div class=\"panel\">" << p.svg << "<br>" << esc(p.title) << "</div>";
  h << "</div>";
  if (!f.activity_bq.empty()) {
    h << "<h3>Activity</h3><div class=\"panels\">";
    for (const auto& p : report::slice_panels(f, in.ct, f.activity_bq, "activity", {}, centre))
      h << "<div class=\"panel\">" << p.svg << "<br>" << esc(p.title) << "</div>";
    h << "</div>";
  }
  h << "</section>";
  // ---- DVH -----------------------------------------------------------------------------------
  const double bin = in.dvh_bin_gy > 0 ? in.dvh_bin_gy : std::max(dmax / 200.0, 1e-6);
  const CumulativeDvh dvh = cumulative_dvh(a.distributions, bin, a.weighting);
  h << "<section id=\"dvh\"><h2>Dose-volume histograms</h2>";
  if (in.compare) {
    std::vector<std::pair<std::string, DoseDistribution>> cd;
    std::vector<float> b = in.compare->dose_gy;
    if (!in.compare->grid.same_geometry(f.grid)) {
      Volume<float> vb(in.compare->grid);
      vb.data = b;
      b = resample_linear(vb, f.grid, 0.0f).data;
    }
    for (const auto& [name, d] : a.distributions) {
      const auto& mask = f.roi.count(name) ? f.roi.at(name) : std::vector<std::uint8_t>{};
      cd.emplace_back(name, make_roi_distribution(f.grid, b, mask, f.density_g_cm3, a.weighting, name));
    }
    const CumulativeDvh second = cumulative_dvh(cd, bin, a.weighting);
    h << report::dvh_svg(dvh, &second, " (" + f.method + ")", " (" + in.compare->method + ")");
  } else {
    h << report::dvh_svg(dvh, nullptr, "", "");
  }
  h << "</section>";
  viewer_section(h, in, iso);
  provenance_section(h, f.provenance);
  h << "</body></html>\n";
  return h.str();
}

}  // namespace bd
