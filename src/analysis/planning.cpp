// Activity planning for 90Y radioembolization; formulas and sources in include/betadose/planning.hh.
#include "betadose/planning.hh"
#include "betadose/value_checks.hh"

#include <cmath>
#include <iomanip>
#include <sstream>

#include "betadose/input_file.hh"
#include "betadose/errors.hh"

namespace bd {

PlanningMethod parse_planning_method(const std::string& text) {
  if (text == "empiric") return PlanningMethod::empiric;
  if (text == "bsa") return PlanningMethod::bsa;
  if (text == "mird") return PlanningMethod::mird;
  if (text == "partition") return PlanningMethod::partition;
  throw InputError("--method: unknown planning method '" + text +
                   "' (expected empiric, bsa, mird or partition)");
}

PlanningTarget parse_planning_target(const std::string& text) {
  if (text == "normal-liver") return PlanningTarget::normal_liver;
  if (text == "tumour" || text == "tumor") return PlanningTarget::tumour;
  if (text == "liver") return PlanningTarget::liver;
  throw InputError("--target: unknown target '" + text +
                   "' (expected normal-liver, tumour or liver)");
}

const char* to_string(PlanningMethod method) {
  switch (method) {
    case PlanningMethod::empiric: return "empiric";
    case PlanningMethod::bsa: return "bsa";
    case PlanningMethod::mird: return "mird";
    case PlanningMethod::partition: return "partition";
  }
  return "?";
}

const char* to_string(PlanningTarget target) {
  switch (target) {
    case PlanningTarget::normal_liver: return "normal-liver";
    case PlanningTarget::tumour: return "tumour";
    case PlanningTarget::liver: return "liver";
  }
  return "?";
}

double energy_per_gbq_J(double mean_energy_per_decay_MeV, double half_life_s) {
  constexpr double kJ_per_MeV = 1.602176634e-13;  // CODATA 2018 (exact elementary charge)
  const double decays_per_gbq = 1e9 * half_life_s / std::log(2.0);
  return mean_energy_per_decay_MeV * kJ_per_MeV * decays_per_gbq;
}

namespace {

bool given(double x) { return !std::isnan(x); }

// Value must be given (when `required`), finite, > 0 (or >= 0) and at most `max` (a units check).
void check_range(double x, const char* option, const char* unit, double max, const char* hint,
                 bool allow_zero = false) {
  if (!given(x)) return;
  BD_VALIDATE(std::isfinite(x) && (allow_zero ? x >= 0 : x > 0),
              option << " " << x << " " << unit << " (expected " << (allow_zero ? ">= 0" : "> 0")
                     << ")");
  BD_VALIDATE(x <= max, option << " " << x << " " << unit << " is implausibly large (expected at most "
                               << max << " " << unit << "; " << hint << ")");
}

void require(double x, const char* option, const char* method, const char* what) {
  BD_VALIDATE(given(x), "--method " << method << " needs " << option << " (" << what << ")");
}

std::string fmt(double x, int precision = 4) {
  std::ostringstream os;
  os << std::setprecision(precision) << x;
  return os.str();
}

}  // namespace

PlanningResult plan_activity(const PlanningInput& in) {
  const char* method = to_string(in.method);
  // ---- range checks of everything given (units in the messages) ------------------------------
  check_range(in.height_m, "--height-m", "m", 2.8, "height is in metres, e.g. 1.75");
  BD_VALIDATE(!given(in.height_m) || in.height_m >= 0.3,
              "--height-m " << in.height_m << " m is implausibly small (height is in metres)");
  check_range(in.weight_kg, "--weight-kg", "kg", 400, "weight is in kilograms");
  check_range(in.tumour_volume_ml, "--tumour-volume-ml", "ml", 2e4, "volumes are in millilitres");
  check_range(in.normal_liver_volume_ml, "--normal-liver-volume-ml", "ml", 2e4,
              "volumes are in millilitres");
  check_range(in.tumour_mass_kg, "--tumour-mass-kg", "kg", 20, "masses are in kilograms");
  check_range(in.normal_liver_mass_kg, "--normal-liver-mass-kg", "kg", 20,
              "masses are in kilograms");
  check_range(in.liver_mass_kg, "--liver-mass-kg", "kg", 20, "masses are in kilograms");
  check_range(in.target_dose_gy, "--target-dose-gy", "Gy", 5000, "doses are in Gy");
  check_range(in.tn_ratio, "--tn-ratio", "", 1e4, "T/N is a concentration ratio, typically 1-20");
  check_range(in.lung_mass_kg, "--lung-mass-kg", "kg", 10, "masses are in kilograms; default 1 kg");
  check_range(in.previous_lung_dose_gy, "--previous-lung-dose-gy", "Gy", 1000, "doses are in Gy",
              /*allow_zero=*/true);
  BD_VALIDATE(given(in.lung_shunt),
              "--lung-shunt is required (lung shunt fraction from the 99mTc-MAA scan, in [0, 1); "
              "pass 0 when there is none)");
  BD_VALIDATE(std::isfinite(in.lung_shunt) && in.lung_shunt >= 0 && in.lung_shunt < 1,
              "--lung-shunt " << in.lung_shunt
                              << " (expected a fraction in [0, 1), e.g. 0.1 for 10 %)");
  BD_VALIDATE(std::isfinite(in.liver_density_g_ml) && in.liver_density_g_ml > 0,
              "liver density " << in.liver_density_g_ml << " g/ml (expected > 0)");
  BD_VALIDATE(!in.target_given || in.method == PlanningMethod::partition ||
                  (in.method == PlanningMethod::mird && in.target == PlanningTarget::liver),
              "--target " << to_string(in.target) << " applies to --method partition only (mird "
                          << "prescribes the mean dose to --liver-mass-kg; empiric and bsa take "
                             "no dose)");

  PlanningResult r;
  r.method = in.method;
  r.physics_J_per_GBq = in.physics_J_per_GBq;
  r.lung_shunt = in.lung_shunt;
  r.lung_mass_kg = in.lung_mass_kg;
  r.previous_lung_dose_gy = in.previous_lung_dose_gy;

  // ---- masses: explicit, else volume x density, else from the other two ----------------------
  const double kg_per_ml = in.liver_density_g_ml * 1e-3;
  std::vector<std::string> src;
  auto from_volume = [&](double mass, double volume, const char* what, const char* opt) {
    if (given(mass)) {
      src.push_back(std::string(what) + " from " + opt);
      return mass;
    }
    if (given(volume)) {
      src.push_back(std::string(what) + " = volume x " + fmt(in.liver_density_g_ml) + " g/ml");
      return volume * kg_per_ml;
    }
    return kUnset;
  };
  double m_t = from_volume(in.tumour_mass_kg, in.tumour_volume_ml, "tumour mass", "--tumour-mass-kg");
  double m_n = from_volume(in.normal_liver_mass_kg, in.normal_liver_volume_ml, "normal-liver mass",
                           "--normal-liver-mass-kg");
  double m_l = in.liver_mass_kg;
  if (given(m_l)) {
    src.push_back("liver mass from --liver-mass-kg");
    if (given(m_t) && !given(m_n)) {
      m_n = m_l - m_t;
      BD_VALIDATE(m_n > 0, "--liver-mass-kg " << m_l << " kg is not larger than the tumour mass "
                                              << m_t << " kg (the liver mass includes the tumour)");
      src.push_back("normal-liver mass = liver - tumour");
    } else if (given(m_n) && !given(m_t)) {
      m_t = m_l - m_n;
      BD_VALIDATE(m_t > 0, "--liver-mass-kg " << m_l << " kg is not larger than the normal-liver "
                                              << "mass " << m_n << " kg (the liver mass includes "
                                              << "the tumour)");
      src.push_back("tumour mass = liver - normal liver");
    } else if (given(in.tumour_mass_kg) && given(in.normal_liver_mass_kg)) {
      const double sum = in.tumour_mass_kg + in.normal_liver_mass_kg;
      BD_VALIDATE(std::fabs(sum - m_l) <= 0.01 * m_l,
                  "--liver-mass-kg " << m_l << " kg differs from --tumour-mass-kg + "
                                     << "--normal-liver-mass-kg = " << sum
                                     << " kg by more than 1 % (give consistent masses or only two)");
    }
  } else if (given(m_t) && given(m_n)) {
    m_l = m_t + m_n;
    src.push_back("liver mass = tumour + normal liver");
  }
  r.tumour_mass_kg = m_t;
  r.normal_liver_mass_kg = m_n;
  r.liver_mass_kg = m_l;
  for (std::size_t i = 0; i < src.size(); ++i) r.mass_source += (i ? "; " : "") + src[i];
  if (!given(in.tumour_mass_kg) && given(in.tumour_volume_ml) && in.method == PlanningMethod::partition)
    r.notes.push_back("Tumour mass from its volume at " + fmt(in.liver_density_g_ml) +
                      " g/ml (ICRU 44 liver density); give --tumour-mass-kg to override.");
  if (!given(in.normal_liver_mass_kg) && given(in.normal_liver_volume_ml) &&
      in.method == PlanningMethod::partition)
    r.notes.push_back("Normal-liver mass from its volume at " + fmt(in.liver_density_g_ml) +
                      " g/ml (ICRU 44 liver density); give --normal-liver-mass-kg to override.");

  if (given(in.tumour_volume_ml) && given(in.normal_liver_volume_ml))
    r.tumour_involvement = in.tumour_volume_ml / (in.tumour_volume_ml + in.normal_liver_volume_ml);

  const double one_minus_lsf = 1.0 - in.lung_shunt;
  switch (in.method) {
    case PlanningMethod::empiric: {
      require(in.tumour_volume_ml, "--tumour-volume-ml", method, "tumour involvement");
      require(in.normal_liver_volume_ml, "--normal-liver-volume-ml", method, "tumour involvement");
      const double f = r.tumour_involvement;
      // Boundaries as defined: <= 25 % -> 2 GBq, 25-50 % -> 2.5 GBq, >= 50 % -> 3 GBq.
      r.activity_gbq = f <= 0.25 ? 2.0 : (f < 0.5 ? 2.5 : 3.0);
      r.constant_J_per_GBq = kPartitionConstant_J_per_GBq;
      r.target = PlanningTarget::liver;
      break;
    }
    case PlanningMethod::bsa: {
      require(in.height_m, "--height-m", method, "body surface area");
      require(in.weight_kg, "--weight-kg", method, "body surface area");
      require(in.tumour_volume_ml, "--tumour-volume-ml", method, "tumour involvement");
      require(in.normal_liver_volume_ml, "--normal-liver-volume-ml", method, "tumour involvement");
      // DuBois & DuBois (1916) in metric units: 0.007184 W^0.425 H[cm]^0.725 = 0.20247 H[m]^0.725 W^0.425.
      r.bsa_m2 = 0.20247 * std::pow(in.height_m, 0.725) * std::pow(in.weight_kg, 0.425);
      r.activity_gbq = (r.bsa_m2 - 0.2) + r.tumour_involvement;
      BD_VALIDATE(r.activity_gbq > 0, "BSA method gives " << r.activity_gbq << " GBq for BSA "
                                                          << r.bsa_m2 << " m² (check --height-m and "
                                                          << "--weight-kg)");
      r.constant_J_per_GBq = kPartitionConstant_J_per_GBq;
      r.target = PlanningTarget::liver;
      break;
    }
    case PlanningMethod::mird: {
      require(in.target_dose_gy, "--target-dose-gy", method, "mean dose to the liver mass");
      BD_VALIDATE(given(m_l), "--method mird needs --liver-mass-kg (the perfused liver mass the "
                              "target dose is averaged over), or tumour and normal-liver masses "
                              "or volumes");
      r.activity_gbq = in.target_dose_gy * m_l / (kMirdConstant_J_per_GBq * one_minus_lsf);
      r.constant_J_per_GBq = kMirdConstant_J_per_GBq;
      r.target = PlanningTarget::liver;
      break;
    }
    case PlanningMethod::partition: {
      require(in.target_dose_gy, "--target-dose-gy", method, "mean dose to the target compartment");
      require(in.tn_ratio, "--tn-ratio", method, "tumour-to-normal-liver activity concentration ratio");
      BD_VALIDATE(given(m_t), "--method partition needs --tumour-mass-kg or --tumour-volume-ml");
      BD_VALIDATE(given(m_n),
                  "--method partition needs --normal-liver-mass-kg or --normal-liver-volume-ml");
      const double k = kPartitionConstant_J_per_GBq;
      const double denom = in.tn_ratio * m_t + m_n;  // "effective" mass [kg]
      double d_n = 0;                                 // normal-liver dose the target implies
      switch (in.target) {
        case PlanningTarget::normal_liver: d_n = in.target_dose_gy; break;
        case PlanningTarget::tumour: d_n = in.target_dose_gy / in.tn_ratio; break;
        case PlanningTarget::liver: d_n = in.target_dose_gy * (m_t + m_n) / denom; break;
      }
      r.activity_gbq = d_n * denom / (k * one_minus_lsf);
      r.constant_J_per_GBq = k;
      r.target = in.target;
      break;
    }
  }
  // A prescription no 90Y treatment gives comes from its inputs (a shunt of 0.99 divides the
  // liver's activity by 0.01; a mass in grams): refused, as in the dose commands.
  BD_VALIDATE(in.allow_implausible || r.activity_gbq * 1e9 <= kMaxPlausibleTotalActivityBq,
              "the prescribed activity " << fmt(r.activity_gbq) << " GBq is above "
                                         << kMaxPlausibleTotalActivityBq * 1e-9
                                         << " GBq, more than any 90Y treatment administers (lung shunt "
                                         << in.lung_shunt << " leaves " << fmt(100.0 * one_minus_lsf)
                                         << " % of it in the liver); check --lung-shunt, the masses or volumes "
                                            "and --target-dose-gy, or --allow-implausible to print it");
  r.liver_activity_gbq = r.activity_gbq * one_minus_lsf;
  r.lung_activity_gbq = r.activity_gbq * in.lung_shunt;

  // ---- implied compartment doses (same model, the method's constant) ------------------------
  const double k = r.constant_J_per_GBq;
  if (given(m_l)) r.liver_dose_gy = k * r.liver_activity_gbq / m_l;
  if (given(in.tn_ratio) && given(m_t) && given(m_n)) {
    r.normal_liver_dose_gy = k * r.liver_activity_gbq / (in.tn_ratio * m_t + m_n);
    r.tumour_dose_gy = in.tn_ratio * r.normal_liver_dose_gy;
    if (!given(in.liver_mass_kg)) r.liver_dose_gy = k * r.liver_activity_gbq / (m_t + m_n);
  }

  // ---- lung dose (49.67 J/GBq by definition of the formula) ---------------------------------
  r.lung_dose_gy = kPartitionConstant_J_per_GBq * r.lung_activity_gbq / in.lung_mass_kg;
  r.cumulative_lung_dose_gy = r.lung_dose_gy + in.previous_lung_dose_gy;
  r.lung_dose_per_treatment_exceeded = r.lung_dose_gy > kLungDoseLimitPerTreatment_Gy;
  r.lung_dose_cumulative_exceeded = r.cumulative_lung_dose_gy > kLungDoseLimitCumulative_Gy;
  r.lung_dose_limit_exceeded = r.lung_dose_per_treatment_exceeded || r.lung_dose_cumulative_exceeded;
  r.lung_shunt_activity_limit_exceeded = r.lung_activity_gbq > kLungShuntActivityLimit_GBq;

  if (r.lung_dose_per_treatment_exceeded)
    r.notes.push_back("Lung dose " + fmt(r.lung_dose_gy) + " Gy exceeds the 30 Gy per-treatment "
                      "limit (EANM 2022): reduce the activity or the shunt.");
  if (r.lung_dose_cumulative_exceeded)
    r.notes.push_back("Cumulative lung dose " + fmt(r.cumulative_lung_dose_gy) +
                      " Gy exceeds the 50 Gy cumulative limit (EANM 2022).");
  if (r.lung_shunt_activity_limit_exceeded)
    r.notes.push_back("Activity shunted to the lungs " + fmt(r.lung_activity_gbq) +
                      " GBq exceeds 0.61 GBq (glass-microsphere limit, about 30 Gy to 1 kg).");
  // SIR-Spheres (resin) instructions for use: activity reduction for LSF 10-20 %, no treatment
  // above 20 % (as generally cited; reported as a note only, the methods above define A).
  if ((in.method == PlanningMethod::empiric || in.method == PlanningMethod::bsa) &&
      in.lung_shunt >= 0.10)
    r.notes.push_back("Resin-microsphere practice reduces the empiric/BSA activity by 20 % for "
                      "LSF 10-15 %, by 40 % for 15-20 %, and does not treat above 20 %; not "
                      "applied to the activity above.");
  if (given(in.physics_J_per_GBq))
    r.notes.push_back("Clinical constant " + fmt(r.constant_J_per_GBq) +
                      " J/GBq used as the method defines it; the nuclide data give " +
                      fmt(in.physics_J_per_GBq) + " J/GBq to complete decay.");
  return r;
}

// ---- EANM 2022 recommendations ---------------------------------------------------------------

namespace {

std::vector<std::string> split_csv_line(const std::string& line, const std::string& path,
                                        std::size_t line_no) {
  std::vector<std::string> out;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.push_back(field);
      field.clear();
    } else if (c != '\r') {
      field += c;
    }
  }
  BD_VALIDATE(!quoted, path << ": line " << line_no << " has an unterminated quoted field");
  out.push_back(field);
  return out;
}

}  // namespace

std::vector<EanmRecommendation> read_eanm_recommendations(const std::string& path) {
  std::istringstream is(read_text_input(path, "EANM 2022 recommendations table"));
  std::string line;
  std::vector<std::string> header;
  std::vector<EanmRecommendation> rows;
  std::size_t line_no = 0;
  auto column = [&](const std::string& name) {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return i;
    throw InputError(path + ": missing column '" + name + "' in the header");
  };
  std::size_t c_dev = 0, c_ind = 0, c_sc = 0, c_pv = 0, c_nl = 0, c_t = 0;
  while (std::getline(is, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    auto fields = split_csv_line(line, path, line_no);
    if (header.empty()) {
      header = fields;
      c_dev = column("device");
      c_ind = column("indication");
      c_sc = column("scenario");
      c_pv = column("perfused_volume_dose_Gy");
      c_nl = column("normal_liver_dose_Gy");
      c_t = column("tumour_dose_Gy");
      continue;
    }
    BD_VALIDATE(fields.size() == header.size(), path << ": line " << line_no << " has "
                                                     << fields.size() << " fields, the header "
                                                     << header.size());
    rows.push_back({fields[c_dev], fields[c_ind], fields[c_sc], fields[c_pv], fields[c_nl],
                    fields[c_t]});
  }
  BD_VALIDATE(!rows.empty(), path << ": no recommendation rows found");
  return rows;
}

std::vector<EanmRecommendation> filter_eanm_recommendations(
    const std::vector<EanmRecommendation>& all, const std::string& device_type,
    const std::string& indication) {
  BD_VALIDATE(device_type.empty() || device_type == "glass" || device_type == "resin",
              "--device-type '" << device_type << "' (expected glass or resin)");
  BD_VALIDATE(indication.empty() || indication == "HCC" || indication == "ICC" ||
                  indication == "mCRC",
              "--indication '" << indication << "' (expected HCC, ICC or mCRC)");
  std::vector<EanmRecommendation> out;
  for (const auto& r : all) {
    const bool device_ok = device_type.empty() ? r.device.rfind("90Y_", 0) == 0
                                               : r.device == "90Y_" + device_type;
    if (device_ok && (indication.empty() || r.indication == indication)) out.push_back(r);
  }
  return out;
}

}  // namespace bd
