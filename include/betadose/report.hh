// `betadose report`: one self-contained HTML page a physicist reads (src/report/). Nothing in it
// is fetched from a network: images are PNG data URIs, plots are SVG drawn here, the 3-D
// viewer (NiiVue, fetched at set-up by npm, tools/viewer/) and its volumes (gzip'ed NIfTI,
// base64) are inlined.
//
// Sections: summary and warnings; ROI table (dose_analysis.hh: the numbers `analyze --json`
// prints, each cell carrying its exact value in data-value, the whole analysis as JSON in
// <script id="betadose-analysis">); EANM 2022 recommendations with flags (eanm_flags.hh) for
// the device type and indication; planning vs Monte Carlo (`plan --json` output); second dose
// file vs this one (kernel vs MC: per-ROI means, D70/D90, 3-D gamma); energy balance; CT /
// activity / dose slices with isodose lines; DVHs; the 3-D viewer of CT + dose; the TG-268
// record (provenance.hh).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "betadose/dose_analysis.hh"
#include "betadose/grid.hh"

namespace bd {

struct DoseFile;

// The ROI that plays each clinical role (empty: none). Defaults by name (first match):
// tumour: tumour, tumor, tumours, tumors, lesion; normal_liver: normal-liver, normal_liver, nontumoral-liver;
// perfused: perfused, perfused-liver, liver; lung: lung, lungs.
struct ReportRoles {
  std::string tumour, normal_liver, perfused, lung;
};
// `overrides`: role -> ROI name (roles: tumour, normal-liver, perfused, lung). InputError for
// an unknown role or an ROI the file does not have.
ReportRoles resolve_report_roles(const std::vector<std::string>& roi_names,
                                 const std::map<std::string, std::string>& overrides);

// The planning result of `betadose plan --json` (NaN where absent or null).
struct PlanSummary {
  std::string source;  // file name
  std::string method, target, mass_source;
  double activity_gbq, liver_activity_gbq, lung_activity_gbq;
  double tumour_dose_gy, normal_liver_dose_gy, liver_dose_gy, lung_dose_gy, lung_shunt;
  double clinical_constant_J_per_GBq, physics_J_per_GBq;
  bool lung_dose_limit_exceeded = false;
};
// InputError naming the file and the field when it is not a `plan --json` object.
PlanSummary read_plan_summary(const std::string& path);

struct ReportInputs {
  std::string dose_path;
  const DoseFile* dose = nullptr;
  const Volume<float>* ct = nullptr;  // any grid (resampled for display); null: density map
  std::string ct_path;
  const PlanSummary* plan = nullptr;
  const DoseFile* compare = nullptr;  // e.g. a kernel-method dose of the same case
  std::string compare_path;
  DoseAnalysisOptions analysis;
  std::map<std::string, std::string> role_overrides;
  std::string device_type, indication;  // EANM: glass|resin, HCC|ICC|mCRC (empty: none/all)
  std::vector<double> isodose_gy;        // empty: chosen from the dose range
  double dvh_bin_gy = 0;                 // 0: max dose / 200
  std::string viewer_js;                 // the NiiVue UMD bundle; empty: no 3-D viewer
  std::string viewer_version;            // e.g. "@niivue/niivue 0.69.0"
};

// The page. InputError on inconsistent inputs (grids, ROIs, options).
std::string build_report_html(const ReportInputs& inputs);

// Where the viewer bundle is: BETADOSE_VIEWER_JS in the environment, else the build's
// <build>/viewer (tools/setup.sh); empty when neither exists.
std::string default_viewer_js_path();
// Reads the bundle and the version of the npm package it belongs to ("@niivue/niivue X.Y.Z"
// from its package.json). InputError when unreadable or unsafe to inline (contains "</script").
void load_viewer_bundle(const std::string& path, std::string& js, std::string& version);

}  // namespace bd
