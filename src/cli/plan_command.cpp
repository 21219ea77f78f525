// `betadose plan`: activity prescription (empiric, BSA, MIRD, partition) and the doses it
// implies, the lung-dose check and the EANM 2022 dose notes. Formulas: include/betadose/planning.hh.
#include <CLI/CLI.hpp>

#include <cmath>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>

#include "betadose/case.hh"
#include "betadose/case_options.hh"
#include "betadose/cli_commands.hh"
#include "betadose/data_paths.hh"
#include "betadose/errors.hh"
#include "betadose/json_writer.hh"
#include "betadose/nuclide.hh"
#include "betadose/number_format.hh"
#include "betadose/option_checks.hh"
#include "betadose/planning.hh"

namespace bd::cli {

namespace {

struct PlanOptions {
  std::string method;
  PlanningInput in;
  std::string target = "normal-liver";
  CaseSpec images;  // --mask/--segmentation/--rtstruct, --activity (--spect), --ct ...
  std::string tumour_roi = "tumour", liver_roi = "liver", normal_liver_roi = "normal-liver", lung_roi = "lung";
  std::string device_type, indication;
  bool json = false;
  bool strict = false;
  bool lung_mass_given = false;
};

bool given(double x) { return !std::isnan(x); }

bool has_images(const CaseSpec& s) {
  return !s.rois.empty() || !s.activity.empty() || !s.ct.empty() || !s.labels.empty() || !s.uniform.empty();
}

// Reads the image inputs through the case pipeline (on the grid of the first mask image by
// default) into PlanningImages; fills only inputs the user did not give as numbers. Returns
// the notes to print.
std::vector<std::string> derive_from_images(PlanOptions& o) {
  std::vector<std::string> notes;
  CaseNeeds needs;
  needs.geometry = false;
  needs.activity = false;
  needs.source = false;
  const DoseCase dc = load_case(o.images, needs, [&](const std::string& line) { notes.push_back(line); });
  PlanningImages im;
  im.grid = dc.grid;
  auto role = [&](const std::string& ref, const char* option, std::vector<std::uint8_t>* dst) {
    const auto* m = dc.rois.find(ref);
    if (!m && ref == "tumour") m = dc.rois.find("tumor");
    if (m) *dst = *m;
    else if (ref != PlanOptions{}.liver_roi && ref != PlanOptions{}.normal_liver_roi &&
             ref != PlanOptions{}.lung_roi && ref != PlanOptions{}.tumour_roi)
      throw InputError(std::string(option) + " " + ref + ": no ROI of that name (ROIs: " + dc.rois.list() + ")");
  };
  role(o.tumour_roi, "--tumour-roi", &im.tumour);
  role(o.liver_roi, "--liver-roi", &im.liver);
  role(o.normal_liver_roi, "--normal-liver-roi", &im.normal_liver);
  role(o.lung_roi, "--lung-roi", &im.lung);
  BD_VALIDATE(!im.tumour.empty(), "no tumour ROI (--tumour-roi " << o.tumour_roi << "; ROIs: " << dc.rois.list()
                                                                << "): give --mask tumour=FILE, a segment or an "
                                                                   "RT structure of that name");
  if (dc.has_activity) im.spect_counts.assign(dc.activity_on_grid.data.begin(), dc.activity_on_grid.data.end());
  if (dc.has_geometry) {
    im.density_g_cm3 = dc.phantom.density_g_cm3;
    notes.push_back("Masses from the densities of " + dc.geometry_name + ".");
  }
  const DerivedPlanningInputs d = derive_planning_inputs(im);
  notes.insert(notes.end(), d.notes.begin(), d.notes.end());
  auto fill = [&](double& dst, double value, const char* option) {
    if (!given(value)) return;
    if (given(dst)) {
      notes.push_back(std::string(option) + " given on the command line overrides the image value.");
      return;
    }
    dst = value;
  };
  fill(o.in.tumour_volume_ml, d.tumour_volume_ml, "--tumour-volume-ml");
  fill(o.in.normal_liver_volume_ml, d.normal_liver_volume_ml, "--normal-liver-volume-ml");
  fill(o.in.tumour_mass_kg, d.tumour_mass_kg, "--tumour-mass-kg");
  fill(o.in.normal_liver_mass_kg, d.normal_liver_mass_kg, "--normal-liver-mass-kg");
  fill(o.in.liver_mass_kg, d.liver_mass_kg, "--liver-mass-kg");
  fill(o.in.tn_ratio, d.tn_ratio, "--tn-ratio");
  if (given(d.lung_mass_kg)) {
    if (o.lung_mass_given) notes.push_back("--lung-mass-kg given on the command line overrides the image value.");
    else o.in.lung_mass_kg = d.lung_mass_kg;
  }
  std::ostringstream os;
  os << "From images: V_T = " << d.tumour_volume_ml << " ml, V_N = " << d.normal_liver_volume_ml
     << " ml";
  if (given(d.tn_ratio)) os << ", T/N = " << std::setprecision(4) << d.tn_ratio << " (activity per ml)";
  notes.insert(notes.begin(), os.str() + ".");
  return notes;
}

std::string num(double x, int decimals) { return fixed_or_dash(x, decimals); }

void print_table(const PlanningResult& r, const std::vector<EanmRecommendation>& eanm,
                 const std::string& physics_source) {
  auto row = [](const std::string& label, const std::string& value) {
    std::cout << "  " << std::left << std::setw(38) << label << value << "\n";
  };
  std::cout << "betadose plan: method " << to_string(r.method);
  if (r.method == PlanningMethod::partition) std::cout << " (target " << to_string(r.target) << ")";
  std::cout << "\n";
  row("Prescribed activity", num(r.activity_gbq, 3) + " GBq");
  row("  to the liver, A (1 - LSF)", num(r.liver_activity_gbq, 3) + " GBq");
  row("  to the lungs, A LSF", num(r.lung_activity_gbq, 3) + " GBq");
  if (given(r.bsa_m2)) row("Body surface area (DuBois)", num(r.bsa_m2, 4) + " m2");
  if (given(r.tumour_involvement)) row("Tumour involvement V_T/(V_T+V_N)", num(100 * r.tumour_involvement, 1) + " %");
  std::cout << "Implied mean absorbed doses (" << num(r.constant_J_per_GBq, 2)
            << " J/GBq, the method's clinical constant):\n";
  auto dose_row = [&](const char* label, double d, double m) {
    row(label, num(d, 1) + " Gy" + (given(m) ? "   (" + num(m, 3) + " kg)" : ""));
  };
  if (given(r.tumour_dose_gy)) dose_row("tumour", r.tumour_dose_gy, r.tumour_mass_kg);
  if (given(r.normal_liver_dose_gy)) dose_row("normal liver", r.normal_liver_dose_gy, r.normal_liver_mass_kg);
  if (given(r.liver_dose_gy)) dose_row("whole liver", r.liver_dose_gy, r.liver_mass_kg);
  if (!given(r.liver_dose_gy) && !given(r.tumour_dose_gy))
    std::cout << "  (no liver mass given: doses not computed)\n";
  if (!r.mass_source.empty()) row("masses", r.mass_source);
  std::cout << "Lung (49.67 J/GBq):\n";
  row("lung shunt fraction", num(100 * r.lung_shunt, 1) + " %");
  row("lung mass", num(r.lung_mass_kg, 3) + " kg");
  row("lung dose, this treatment", num(r.lung_dose_gy, 2) + " Gy (limit 30 Gy: " +
                                       (r.lung_dose_per_treatment_exceeded ? "EXCEEDED" : "ok") + ")");
  row("lung dose, cumulative", num(r.cumulative_lung_dose_gy, 2) + " Gy (limit 50 Gy: " +
                                   (r.lung_dose_cumulative_exceeded ? "EXCEEDED" : "ok") + ")");
  row("activity to the lungs <= 0.61 GBq", r.lung_shunt_activity_limit_exceeded ? "EXCEEDED" : "ok");
  std::cout << "Energy per GBq to complete decay:\n";
  row("clinical constant (used)", num(r.constant_J_per_GBq, 2) + " J/GBq");
  row("physics value (not used)", num(r.physics_J_per_GBq, 2) + " J/GBq (" + physics_source + ")");
  if (!eanm.empty()) {
    std::cout << "EANM 2022 mean-dose recommendations in Gy (Weber et al. 2022, Tables 2-3; "
                 "footnote marks and [refs] as in the guideline):\n";
    auto text = [](const std::string& s) { return s.empty() ? std::string("-") : s; };
    for (const auto& e : eanm) {
      std::cout << "  " << e.device << " " << e.indication << " " << e.scenario << "\n"
                << "      perfused volume: " << text(e.perfused_volume_dose_gy) << "\n"
                << "      normal liver:    " << text(e.normal_liver_dose_gy) << "\n"
                << "      tumour:          " << text(e.tumour_dose_gy) << "\n";
    }
  }
  for (const auto& n : r.notes) std::cout << "note: " << n << "\n";
}

void print_json(const PlanningResult& r, const std::vector<EanmRecommendation>& eanm,
                const std::string& physics_source) {
  JsonObject o;
  o.add("method", to_string(r.method))
      .add("target", to_string(r.target))
      .add("activity_gbq", r.activity_gbq)
      .add("liver_activity_gbq", r.liver_activity_gbq)
      .add("lung_activity_gbq", r.lung_activity_gbq)
      .add("tumour_dose_gy", r.tumour_dose_gy)
      .add("normal_liver_dose_gy", r.normal_liver_dose_gy)
      .add("liver_dose_gy", r.liver_dose_gy)
      .add("tumour_mass_kg", r.tumour_mass_kg)
      .add("normal_liver_mass_kg", r.normal_liver_mass_kg)
      .add("liver_mass_kg", r.liver_mass_kg)
      .add("mass_source", r.mass_source)
      .add("bsa_m2", r.bsa_m2)
      .add("tumour_involvement", r.tumour_involvement)
      .add("lung_shunt", r.lung_shunt)
      .add("lung_mass_kg", r.lung_mass_kg)
      .add("lung_dose_gy", r.lung_dose_gy)
      .add("previous_lung_dose_gy", r.previous_lung_dose_gy)
      .add("cumulative_lung_dose_gy", r.cumulative_lung_dose_gy)
      .add("lung_dose_limit_exceeded", r.lung_dose_limit_exceeded)
      .add("lung_dose_per_treatment_exceeded", r.lung_dose_per_treatment_exceeded)
      .add("lung_dose_cumulative_exceeded", r.lung_dose_cumulative_exceeded)
      .add("lung_shunt_activity_limit_exceeded", r.lung_shunt_activity_limit_exceeded)
      .add("clinical_constant_J_per_GBq", r.constant_J_per_GBq)
      .add("physics_J_per_GBq", r.physics_J_per_GBq)
      .add("physics_source", physics_source);
  std::vector<JsonObject> rows;
  for (const auto& e : eanm) {
    JsonObject j;
    j.add("device", e.device).add("indication", e.indication).add("scenario", e.scenario)
        .add("perfused_volume_dose_gy", e.perfused_volume_dose_gy)
        .add("normal_liver_dose_gy", e.normal_liver_dose_gy)
        .add("tumour_dose_gy", e.tumour_dose_gy);
    rows.push_back(j);
  }
  o.add("eanm2022", rows).add("notes", r.notes);
  std::cout << o.str() << "\n";
}

void run_plan(PlanOptions& o) {
  o.in.method = parse_planning_method(o.method);
  std::vector<std::string> image_notes;
  if (has_images(o.images)) image_notes = derive_from_images(o);

  // Physics value from the nuclide data (reported beside the clinical constants).
  const Nuclide y90 = load_nuclide("Y-90");
  o.in.physics_J_per_GBq = y90.electron_energy_to_complete_decay_J_per_GBq();
  std::ostringstream src;
  src << "Y-90 nuclide data: electrons " << std::setprecision(5)
      << y90.electron_energy_per_decay_MeV << " MeV/decay, T1/2 " << y90.half_life_s / 3600.0 << " h";

  PlanningResult r = plan_activity(o.in);
  r.notes.insert(r.notes.begin(), image_notes.begin(), image_notes.end());

  std::vector<EanmRecommendation> eanm;
  if (!o.device_type.empty() || !o.indication.empty()) {
    const auto all = read_eanm_recommendations(materials_dir() + "/planning/eanm2022_dose_recommendations.csv");
    eanm = filter_eanm_recommendations(all, o.device_type, o.indication);
  }
  if (o.json) print_json(r, eanm, src.str());
  else print_table(r, eanm, src.str());
  if (o.strict && (r.lung_dose_limit_exceeded || r.lung_shunt_activity_limit_exceeded))
    throw CheckFailed("lung limit exceeded (lung dose " + num(r.lung_dose_gy, 2) +
                      " Gy this treatment, " + num(r.cumulative_lung_dose_gy, 2) +
                      " Gy cumulative; " + num(r.lung_activity_gbq, 3) + " GBq to the lungs)");
}

}  // namespace

void add_plan_command(CLI::App& app) {
  auto opt = std::make_shared<PlanOptions>();
  auto* cmd = app.add_subcommand(
      "plan", "90Y activity prescription (empiric, BSA, MIRD, partition) with lung-dose check");
  cmd->add_option("--method", opt->method, "empiric | bsa | mird | partition")->required();
  cmd->add_option("--height-m", opt->in.height_m, "Patient height [m] (bsa)")
      ->check(real_check(ValueRange::positive()));
  cmd->add_option("--weight-kg", opt->in.weight_kg, "Patient weight [kg] (bsa)")
      ->check(real_check(ValueRange::positive()));
  cmd->add_option("--tumour-volume-ml", opt->in.tumour_volume_ml, "Tumour volume [ml]")
      ->check(real_check(ValueRange::positive()));
  cmd->add_option("--normal-liver-volume-ml", opt->in.normal_liver_volume_ml,
                  "Normal (non-tumoural) liver volume [ml]")
      ->check(real_check(ValueRange::positive()));
  cmd->add_option("--tumour-mass-kg", opt->in.tumour_mass_kg, "Tumour mass [kg]")
      ->check(real_check(ValueRange::positive()));
  cmd->add_option("--normal-liver-mass-kg", opt->in.normal_liver_mass_kg, "Normal-liver mass [kg]")
      ->check(real_check(ValueRange::positive()));
  cmd->add_option("--liver-mass-kg", opt->in.liver_mass_kg,
                  "Perfused liver mass, tumour included [kg] (mird)")
      ->check(real_check(ValueRange::positive()));
  cmd->add_option("--target-dose-gy", opt->in.target_dose_gy,
                  "Mean dose to the target [Gy] (mird: liver mass; partition: --target)")
      ->check(real_check(ValueRange::positive()));
  auto* target = cmd->add_option("--target", opt->target,
                                 "Partition target: normal-liver (default) | tumour | liver");
  cmd->add_option("--tn-ratio", opt->in.tn_ratio,
                  "Tumour-to-normal-liver activity concentration ratio (partition)")
      ->check(real_check(ValueRange::positive()));
  cmd->add_option("--lung-shunt", opt->in.lung_shunt,
                  "Lung shunt fraction in [0, 1) from 99mTc-MAA (required; 0 for none)")
      ->check(real_check(ValueRange::half_open(0, 1)));
  auto* lung_mass = cmd->add_option("--lung-mass-kg", opt->in.lung_mass_kg,
                                    "Lung mass [kg] (default 1, or from --mask lung with --ct)")
      ->check(real_check(ValueRange::positive()));
  cmd->add_option("--previous-lung-dose-gy", opt->in.previous_lung_dose_gy,
                  "Lung dose of earlier treatments [Gy] for the 50 Gy cumulative limit")
      ->check(real_check(ValueRange::non_negative()));
  cmd->add_option("--liver-density-g-ml", opt->in.liver_density_g_ml,
                  "Density turning volumes into masses when no mass is given (default 1.06, ICRU 44)")
      ->check(real_check(ValueRange::positive()));
  // Image inputs: the case options (ROIs give volumes; --activity the T/N; --ct masses).
  add_case_options(*cmd, opt->images, CaseOptionSet::planning);
  cmd->add_option("--spect", opt->images.activity, "Same as --activity (SPECT/PET: T/N from activity per ml)")
      ->group("Activity");
  auto* roles = "ROIs";
  cmd->add_option("--tumour-roi", opt->tumour_roi, "ROI that is the tumour")->capture_default_str()->group(roles);
  cmd->add_option("--liver-roi", opt->liver_roi, "ROI that is the whole liver")->capture_default_str()->group(roles);
  cmd->add_option("--normal-liver-roi", opt->normal_liver_roi, "ROI that is the normal liver (instead of liver minus tumour)")
      ->capture_default_str()->group(roles);
  cmd->add_option("--lung-roi", opt->lung_roi, "ROI that is the lungs (mass with a geometry)")
      ->capture_default_str()->group(roles);
  cmd->add_option("--device-type", opt->device_type, "glass | resin: print EANM 2022 dose notes");
  cmd->add_option("--indication", opt->indication, "HCC | ICC | mCRC: filter the EANM 2022 notes");
  cmd->add_flag("--json", opt->json, "Print one JSON object on stdout instead of the table");
  cmd->add_flag("--strict", opt->strict, "Exit with code 1 when a lung limit is exceeded");
  cmd->add_flag("--allow-implausible", opt->in.allow_implausible,
                "Print a prescription above 100 GBq (refused otherwise: an input error)");
  cmd->callback([opt, target, lung_mass]() {
    opt->lung_mass_given = lung_mass->count() > 0;
    if (target->count() > 0) {
      opt->in.target = parse_planning_target(opt->target);
      opt->in.target_given = true;
    }
    run_plan(*opt);
  });
}

}  // namespace bd::cli
