// Physical constants used by the physics tables: CODATA 2018 recommended values
// (E. Tiesinga et al., Rev. Mod. Phys. 93 (2021) 025010). Units in the names.
#pragma once

namespace bd::phys {

inline constexpr double kPi = 3.14159265358979323846;
inline constexpr double kElectronMass_MeV = 0.51099895000;        // m_e c²
inline constexpr double kClassicalElectronRadius_cm = 2.8179403262e-13;
inline constexpr double kFineStructure = 1.0 / 137.035999084;     // α
inline constexpr double kAvogadro_per_mol = 6.02214076e23;        // N_A (exact)
inline constexpr double kBohrRadius_cm = 5.29177210903e-9;        // a0
inline constexpr double kHbarC_MeV_cm = 197.3269804e-13;          // ħc

}  // namespace bd::phys
