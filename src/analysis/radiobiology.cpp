// BED/EQD2 for a permanent 90Y implant (Dale 1985); see include/betadose/radiobiology.hh.
#include "betadose/radiobiology.hh"

#include <cmath>

#include "betadose/errors.hh"

namespace bd {

void validate(const PermanentImplantLq& lq) {
  BD_VALIDATE(std::isfinite(lq.alpha_beta_gy) && lq.alpha_beta_gy > 0,
              "--alpha-beta " << lq.alpha_beta_gy
                              << " Gy (expected > 0; e.g. 10 Gy tumour, 2.5 Gy normal liver)");
  BD_VALIDATE(std::isfinite(lq.repair_half_time_h) && lq.repair_half_time_h > 0,
              "--repair-half-time-h " << lq.repair_half_time_h
                                      << " h (expected > 0; e.g. 1.5 h tumour, 2.5 h liver)");
  BD_VALIDATE(std::isfinite(lq.physical_half_life_h) && lq.physical_half_life_h > 0,
              "--half-life-h " << lq.physical_half_life_h << " h (expected > 0; 64.1 h for 90Y)");
}

double bed_gy(double dose_gy, const PermanentImplantLq& lq) {
  // Lea-Catcheside factor for complete decay of an exponential dose rate (Dale 1985):
  //   G = λ/(μ+λ) = (ln2/T½) / (ln2/T_rep + ln2/T½) = T_rep / (T_rep + T½),
  // the last form staying finite in both limits (T½ -> 0, T_rep -> 0).
  const double g = lq.repair_half_time_h / (lq.repair_half_time_h + lq.physical_half_life_h);
  return dose_gy * (1.0 + dose_gy * g / lq.alpha_beta_gy);
}

double eqd2_from_bed_gy(double bed_gy, double alpha_beta_gy) {
  return bed_gy / (1.0 + 2.0 / alpha_beta_gy);
}

std::vector<float> bed_map_gy(const std::vector<float>& dose_gy, const PermanentImplantLq& lq) {
  validate(lq);
  std::vector<float> out(dose_gy.size());
  for (std::size_t i = 0; i < dose_gy.size(); ++i) out[i] = float(bed_gy(dose_gy[i], lq));
  return out;
}

std::vector<float> eqd2_map_gy(const std::vector<float>& dose_gy, const PermanentImplantLq& lq) {
  validate(lq);
  std::vector<float> out(dose_gy.size());
  for (std::size_t i = 0; i < dose_gy.size(); ++i) out[i] = float(eqd2_gy(dose_gy[i], lq));
  return out;
}

}  // namespace bd
