// `betadose report dose.h5 [--ct CT] [--plan plan.json] [--compare other.h5] --out report.html`:
// one self-contained HTML page (include/betadose/report.hh).
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "betadose/cli_commands.hh"
#include "betadose/dose_file.hh"
#include "betadose/errors.hh"
#include "betadose/image_io.hh"
#include "betadose/option_checks.hh"
#include "betadose/output_file.hh"
#include "betadose/report.hh"
#include "betadose/resample.hh"
#include "betadose/text_file.hh"
#include "src/cli/analysis_args.hh"

namespace bd::cli {

namespace {

struct ReportOptions {
  std::string dose_path, ct, plan, compare, out, viewer_js;
  AnalysisArgs analysis;
  std::vector<std::string> roles;  // role=ROI
  std::string device_type, indication;
  std::vector<double> isodose_gy;
  double dvh_bin_gy = 0;
  bool no_viewer = false;
};

void run_report(const ReportOptions& o) {
  BD_VALIDATE(!o.out.empty(), "--out report.html is required");
  std::vector<std::string> inputs{o.dose_path};
  for (const auto* p : {&o.ct, &o.plan, &o.compare})
    if (!p->empty()) inputs.push_back(*p);
  check_outputs({{"--out", o.out}}, inputs);
  ReportInputs in;
  in.analysis = analysis_options(o.analysis);
  for (const auto& spec : o.roles) {
    const auto eq = spec.find('=');
    BD_VALIDATE(eq != std::string::npos && eq > 0 && eq + 1 < spec.size(),
                "--roi-role '" << spec << "' (expected ROLE=ROI, e.g. tumour=lesion1)");
    in.role_overrides[spec.substr(0, eq)] = spec.substr(eq + 1);
  }
  in.device_type = o.device_type;
  in.indication = o.indication;
  in.isodose_gy = o.isodose_gy;
  in.dvh_bin_gy = o.dvh_bin_gy;
  if (!o.no_viewer) {
    const std::string js = o.viewer_js.empty() ? default_viewer_js_path() : o.viewer_js;
    BD_VALIDATE(!js.empty(), "the 3-D viewer bundle (NiiVue) is not installed: run tools/setup.sh "
                             "(it fetches it with npm), set BETADOSE_VIEWER_JS or --viewer-js, or "
                             "give --no-viewer");
    load_viewer_bundle(js, in.viewer_js, in.viewer_version);
  }
  const DoseFile dose = read_dose_file(o.dose_path);
  in.dose_path = o.dose_path;
  in.dose = &dose;
  Volume<float> ct;
  if (!o.ct.empty()) {
    ct = read_image(o.ct, nullptr, ImageRole::ct);
    require_overlap(ct.grid, o.ct, dose.grid, o.dose_path);
    in.ct = &ct;
    in.ct_path = o.ct;
  }
  PlanSummary plan;
  if (!o.plan.empty()) {
    plan = read_plan_summary(o.plan);
    in.plan = &plan;
  }
  DoseFile other;
  if (!o.compare.empty()) {
    other = read_dose_file(o.compare);
    in.compare = &other;
    in.compare_path = o.compare;
  }
  const std::string html = build_report_html(in);
  write_text_file_atomic(o.out, html);
  std::cout << "wrote " << o.out << " (" << html.size() / 1024 << " KiB"
            << (o.no_viewer ? ", no 3-D viewer" : ", with " + in.viewer_version) << ")\n";
}

}  // namespace

void add_report_command(CLI::App& app) {
  auto opt = std::make_shared<ReportOptions>();
  auto* cmd = app.add_subcommand("report", "Self-contained HTML report of a dose file (tables, "
                                           "EANM flags, slices, DVHs, 3-D viewer, TG-268 record)");
  cmd->add_option("dose", opt->dose_path, "Dose file (HDF5, betadose format)")->required();
  cmd->add_option("--out", opt->out, "Report file (HTML)")->required();
  cmd->add_option("--ct", opt->ct, "CT (HU) for the slices and the viewer: any image or a DICOM directory");
  cmd->add_option("--plan", opt->plan, "Output of `betadose plan --json`: planning vs this dose");
  cmd->add_option("--compare", opt->compare, "Second dose file (e.g. `betadose kernel`) compared with this one");
  cmd->add_option("--device-type", opt->device_type, "glass | resin: EANM 2022 flags");
  cmd->add_option("--indication", opt->indication, "HCC | ICC | mCRC: restrict the EANM 2022 rows");
  cmd->add_option("--roi-role", opt->roles,
                  "ROLE=ROI for the EANM/plan comparisons (roles tumour, normal-liver, perfused, lung; "
                  "default by ROI name)")->allow_extra_args(false);
  add_analysis_options(cmd, opt->analysis);
  cmd->add_option("--isodose-gy", opt->isodose_gy, "Isodose levels [Gy] (default: from the dose range)")
      ->check(real_check(ValueRange::positive()));
  cmd->add_option("--dvh-bin-gy", opt->dvh_bin_gy, "DVH dose step [Gy] (default max/200)")
      ->check(real_check(ValueRange::non_negative()));
  cmd->add_option("--viewer-js", opt->viewer_js, "NiiVue UMD bundle to embed (default: from tools/setup.sh)");
  cmd->add_flag("--no-viewer", opt->no_viewer, "Leave the 3-D viewer out (smaller page)");
  cmd->callback([opt]() { run_report(*opt); });
}

}  // namespace bd::cli
