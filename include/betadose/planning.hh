// 90Y radioembolization activity planning: the four methods of the EANM 2022 guideline
// (Weber et al., Eur J Nucl Med Mol Imaging 49 (2022) 1682) and the lung-dose check.
//
//   empiric    tumour involvement f = V_T / (V_T + V_N): f <= 25 % -> 2 GBq,
//              25 % < f < 50 % -> 2.5 GBq, f >= 50 % -> 3 GBq (SIR-Spheres empiric method)
//   bsa        A [GBq] = (BSA - 0.2) + V_T / (V_T + V_N),
//              BSA [m²] = 0.20247 h[m]^0.725 w[kg]^0.425 (DuBois & DuBois 1916, metric form)
//   mird       A = D m_liver / (50 (1 - LSF)), D = mean dose to the liver mass (glass IFU);
//              lung-shunt check LSF · A <= 0.61 GBq
//   partition  A = D (T/N m_T + m_N) / (49.67 (1 - LSF)) for the normal-liver target
//              (Ho et al., Eur J Nucl Med 23 (1996) 947); for the tumour target D_T = T/N · D_N,
//              for the whole-liver target D_L = 49.67 A (1 - LSF) / (m_T + m_N)
//   lung dose  D_lung = 49.67 A LSF / m_lung (m_lung = 1 kg by default); limits 30 Gy per
//              treatment and 50 Gy cumulative (EANM 2022).
// Masses in kg, activities in GBq, doses in Gy; 49.67 and 50 are the clinical J/GBq constants
// of the methods (a uniform 1 GBq to complete decay in 1 kg). The physics value from the
// nuclide data (≈ 49.77 J/GBq for 90Y at T½ = 64.1 h) is reported beside them, not used.
//
// Implied doses: with the activity fixed, the mean dose of each compartment whose mass is known
// follows from the same model with the method's constant (mird: 50; the others: 49.67):
//   D_L = K A (1-LSF) / m_L;  with T/N and m_T, m_N: D_N = K A (1-LSF) / (T/N m_T + m_N),
//   D_T = T/N D_N (so the mass-weighted mean of D_T and D_N equals D_L).
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "betadose/grid.hh"

namespace bd {

enum class PlanningMethod { empiric, bsa, mird, partition };
enum class PlanningTarget { normal_liver, tumour, liver };

// Parse "empiric|bsa|mird|partition" / "normal-liver|tumour|liver"; InputError names the option.
PlanningMethod parse_planning_method(const std::string& text);
PlanningTarget parse_planning_target(const std::string& text);
const char* to_string(PlanningMethod method);
const char* to_string(PlanningTarget target);

// Clinical constants [J/GBq] (energy per GBq to complete decay, as the methods define them).
inline constexpr double kMirdConstant_J_per_GBq = 50.0;
inline constexpr double kPartitionConstant_J_per_GBq = 49.67;
// Lung limits (EANM 2022): per treatment and cumulative over treatments [Gy].
inline constexpr double kLungDoseLimitPerTreatment_Gy = 30.0;
inline constexpr double kLungDoseLimitCumulative_Gy = 50.0;
// Glass-microsphere lung-shunt limit on the activity reaching the lungs (TheraSphere IFU) [GBq].
inline constexpr double kLungShuntActivityLimit_GBq = 0.61;
// Liver density used to turn volumes into masses when no mass is given: ICRU Report 44 (1989)
// adult liver, 1.06 g/cm³ (materials/liver.material).
inline constexpr double kDefaultLiverDensity_g_ml = 1.06;

inline constexpr double kUnset = std::numeric_limits<double>::quiet_NaN();

// Inputs; NaN = not given. Option names in comments (the CLI maps them one to one).
struct PlanningInput {
  PlanningMethod method = PlanningMethod::mird;
  double height_m = kUnset;                // --height-m
  double weight_kg = kUnset;               // --weight-kg
  double tumour_volume_ml = kUnset;        // --tumour-volume-ml
  double normal_liver_volume_ml = kUnset;  // --normal-liver-volume-ml
  double tumour_mass_kg = kUnset;          // --tumour-mass-kg
  double normal_liver_mass_kg = kUnset;    // --normal-liver-mass-kg
  double liver_mass_kg = kUnset;           // --liver-mass-kg (tumour + normal liver)
  double target_dose_gy = kUnset;          // --target-dose-gy
  PlanningTarget target = PlanningTarget::normal_liver;  // --target (partition)
  bool target_given = false;
  double tn_ratio = kUnset;                // --tn-ratio (tumour/normal-liver activity concentration)
  double lung_shunt = kUnset;              // --lung-shunt, fraction in [0, 1)
  double lung_mass_kg = 1.0;               // --lung-mass-kg
  double previous_lung_dose_gy = 0.0;      // --previous-lung-dose-gy
  double liver_density_g_ml = kDefaultLiverDensity_g_ml;  // volume -> mass when no mass given
  double physics_J_per_GBq = kUnset;       // from the nuclide data, reported only
  bool allow_implausible = false;          // --allow-implausible: an activity above 100 GBq
};

struct PlanningResult {
  PlanningMethod method = PlanningMethod::mird;
  PlanningTarget target = PlanningTarget::liver;  // what target_dose_gy refers to (mird: liver)
  double activity_gbq = 0;            // prescribed (administered) activity
  double liver_activity_gbq = 0;      // A (1 - LSF)
  double lung_activity_gbq = 0;       // A LSF
  double constant_J_per_GBq = 0;      // clinical constant used for implied doses
  double physics_J_per_GBq = kUnset;  // from the nuclide data (NaN when not known)

  double bsa_m2 = kUnset;                 // bsa method
  double tumour_involvement = kUnset;     // V_T / (V_T + V_N), fraction (empiric, bsa, or any
                                          // method given both volumes)
  double tumour_mass_kg = kUnset, normal_liver_mass_kg = kUnset, liver_mass_kg = kUnset;
  std::string mass_source;                // how the masses were obtained (reported)

  double liver_dose_gy = kUnset;          // whole-liver mean dose (NaN when m_L unknown)
  double tumour_dose_gy = kUnset;         // partition compartments (NaN without T/N, m_T, m_N)
  double normal_liver_dose_gy = kUnset;

  double lung_shunt = 0;
  double lung_mass_kg = 1.0;
  double lung_dose_gy = 0;
  double previous_lung_dose_gy = 0;
  double cumulative_lung_dose_gy = 0;
  bool lung_dose_per_treatment_exceeded = false;  // > 30 Gy
  bool lung_dose_cumulative_exceeded = false;     // > 50 Gy
  bool lung_dose_limit_exceeded = false;          // either of the above
  bool lung_shunt_activity_limit_exceeded = false;  // LSF · A > 0.61 GBq

  std::vector<std::string> notes;  // assumptions and warnings, one sentence each
};

// Computes the prescription. Throws InputError naming the option when an input needed by the
// method is missing, out of range (LSF outside [0, 1), non-positive volumes/masses/dose/T/N,
// implausible height/weight units) or inconsistent (liver mass != tumour + normal-liver mass).
PlanningResult plan_activity(const PlanningInput& input);

// Energy released per GBq to complete decay [J/GBq]: mean energy per decay [MeV] times the
// number of decays per GBq, 1e9 T½ / ln 2 (T½ in s).
double energy_per_gbq_J(double mean_energy_per_decay_MeV, double half_life_s);

// Planning inputs derived from images on one grid (masks != 0 inside). Empty vectors = not
// given. The CLI reads the files (--mask name=file, --spect, --ct) and resamples SPECT counts
// (activity-conserving) and CT densities (trilinear) onto the mask grid.
struct PlanningImages {
  Grid grid;
  std::vector<std::uint8_t> liver, tumour, normal_liver, lung;
  std::vector<float> spect_counts;   // counts (or Bq) per voxel
  std::vector<float> density_g_cm3;  // from the CT through the HU calibration
};

struct DerivedPlanningInputs {
  double tumour_volume_ml = kUnset, normal_liver_volume_ml = kUnset;
  double tumour_mass_kg = kUnset, normal_liver_mass_kg = kUnset, liver_mass_kg = kUnset;
  double lung_mass_kg = kUnset;
  double tn_ratio = kUnset;  // (tumour counts / V_T) / (normal-liver counts / V_N)
  std::vector<std::string> notes;
};

// Normal liver = normal-liver mask if given, else liver mask minus tumour. Masses only with a
// density map (else the planner's volume x density default applies). T/N needs SPECT.
// InputError on inconsistent masks: more than 1 % of the tumour outside the liver mask, tumour
// and normal-liver masks overlapping by more than 1 % of the tumour, an empty mask, a lung mask
// without a CT (lung density varies 0.2-0.4 g/ml: no default), no SPECT counts in the normal
// liver, or sizes that differ from the grid.
DerivedPlanningInputs derive_planning_inputs(const PlanningImages& images);

// EANM 2022 dose recommendations (materials/planning/eanm2022_dose_recommendations.csv):
// Tables 2-4 of Weber et al. 2022 as text; thresholds keep the guideline's wording.
struct EanmRecommendation {
  std::string device;      // 90Y_glass, 90Y_resin, 166Ho
  std::string indication;  // HCC, ICC, mCRC
  std::string scenario;    // Segmentectomy, Lobectomy, Unilobar, Bilobar
  std::string perfused_volume_dose_gy;
  std::string normal_liver_dose_gy;
  std::string tumour_dose_gy;
};

// Reads the CSV (comment lines '#', one header, quoted fields). InputError names the file.
std::vector<EanmRecommendation> read_eanm_recommendations(const std::string& path);
// Rows whose device matches "90Y_<device_type>" (glass|resin; empty = all) and whose
// indication matches (HCC|ICC|mCRC; empty = all). InputError for other values.
std::vector<EanmRecommendation> filter_eanm_recommendations(
    const std::vector<EanmRecommendation>& all, const std::string& device_type,
    const std::string& indication);

}  // namespace bd
