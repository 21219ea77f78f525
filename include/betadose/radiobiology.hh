// Biologically effective dose (BED) and EQD2 for a permanent 90Y implant: absorbed dose
// delivered by an exponentially decaying dose rate R(t) = R0 exp(-λ t) to complete decay, with
// mono-exponential sublethal-damage repair (linear-quadratic model). Dale, Br J Radiol 58
// (1985) 515, eq. for a permanent implant (the Lea-Catcheside factor G = λ / (μ + λ)):
//
//   BED  = D [1 + D λ / ((μ + λ) (α/β))],    D = R0 / λ,  λ = ln2 / T½,  μ = ln2 / T_rep
//   EQD2 = BED / (1 + 2 Gy / (α/β))          (equivalent dose in 2 Gy fractions)
//
// Limits (tested): T_rep -> 0 (instant repair) gives BED -> D; T½ -> 0 (acute single dose)
// gives BED -> D (1 + D/(α/β)).
//
// Defaults, as used for 90Y radioembolization by Strigari et al., J Nucl Med 51 (2010) 1377
// and reviewed by Cremonesi et al., Front Oncol 4 (2014) 210: tumour α/β = 10 Gy,
// T_rep = 1.5 h; normal liver α/β = 2.5 Gy, T_rep = 2.5 h (values as these papers are commonly
// cited; not re-read from the originals for this code). 90Y physical half-life 64.1 h
// (ICRP-107). The formula assumes no biological clearance of the (permanently trapped)
// microspheres and a voxel-uniform dose rate; it is applied voxel by voxel.
#pragma once

#include <string>
#include <vector>

namespace bd {

struct PermanentImplantLq {
  double alpha_beta_gy = 10.0;
  double repair_half_time_h = 1.5;
  double physical_half_life_h = 64.1;  // 90Y, ICRP-107

  static PermanentImplantLq tumour() { return {10.0, 1.5, 64.1}; }
  static PermanentImplantLq normal_liver() { return {2.5, 2.5, 64.1}; }
};

// Throws InputError naming the options (--alpha-beta, --repair-half-time-h, --half-life-h)
// when a parameter is not finite and > 0.
void validate(const PermanentImplantLq& lq);

// Dale's BED [Gy] for an absorbed dose D [Gy] delivered to complete decay. D must be >= 0
// (negative doses, e.g. convolution ringing, are returned as is: BED is then not defined and
// clamping would hide the problem; callers clamp if they want).
double bed_gy(double dose_gy, const PermanentImplantLq& lq);
double eqd2_from_bed_gy(double bed_gy, double alpha_beta_gy);
inline double eqd2_gy(double dose_gy, const PermanentImplantLq& lq) {
  return eqd2_from_bed_gy(bed_gy(dose_gy, lq), lq.alpha_beta_gy);
}

// Voxelwise maps (same length as the input).
std::vector<float> bed_map_gy(const std::vector<float>& dose_gy, const PermanentImplantLq& lq);
std::vector<float> eqd2_map_gy(const std::vector<float>& dose_gy, const PermanentImplantLq& lq);

}  // namespace bd
