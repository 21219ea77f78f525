// From sphere activities to tissue dose on the fine grid (portable host part; the FFT
// convolution is in microsphere_study.hh): the sub-voxel self-dose correction and the
// validation path, direct Monte Carlo from the explicit spheres (run_point_transport).
//
// Self-dose correction of a voxel holding spheres (both paths apply it the same way):
//   E_tissue = E_voxel − φ · Σ_spheres N_decays · E_k      (energy absorbed in the spheres)
//   m_tissue = ρ_t · (V − Σ V_sphere),  ΣV_sphere ≤ 0.64 V  (tissue displaced by the spheres)
//   D = E_tissue / m_tissue
// with φ the sphere's self-absorbed fraction (microsphere_kernel.hh) at its product's mean
// diameter and E_k the kernel's energy per decay. At 100 µm one glass sphere displaces 0.8 %
// of a voxel; at 25 µm 52 %.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "betadose/grid.hh"
#include "betadose/microsphere_deposition.hh"
#include "betadose/transport.hh"

namespace bd {

struct SelfDoseCorrection {
  bool enabled = true;
  double self_absorbed_fraction = 0;  // φ
  double max_displaced_fraction = 0.64;  // random close packing
};

struct TissueDose {
  std::vector<double> dose_gy;
  double energy_tissue_MeV = 0;   // deposited in tissue (after the correction)
  double energy_spheres_MeV = 0;  // absorbed in the spheres themselves
  std::size_t capped_voxels = 0;  // voxels whose spheres would fill more than the packing limit
};

// `energy_MeV` per voxel to complete decay. `energy_per_decay_MeV` is the kernel's
// (or the transport's) deposited energy per decay, `tau_s` decays per Bq.
TissueDose tissue_dose_from_energy(const Grid& grid, double tissue_density_g_cm3,
                                   const std::vector<OccupiedVoxel>& occupied, const std::vector<double>& energy_MeV,
                                   const SelfDoseCorrection& correction, double energy_per_decay_MeV, double tau_s);

struct DirectMcSpec {
  std::string material = "liver";
  double density_g_cm3 = 0;  // 0 = nominal
  std::string nuclide = "Y-90";
  bool periodic = true;      // images of the spheres fill a padding of `padding_mm`
  double padding_mm = 11;
  // false: decays at the spheres' points (run_point_transport, the validation path); true:
  // decays uniform inside each sphere's voxel (run_voxel_transport), the production path's
  // source model, which isolates the kernel superposition from the sub-voxel positions.
  bool uniform_in_voxel = false;
  TransportOptions transport;
};

struct DirectMcResult {
  std::vector<double> energy_MeV;       // per voxel of `grid`, to complete decay
  std::vector<double> rel_uncertainty;  // 1 sigma per voxel
  double decays = 0;                    // of the spheres in the grid (images excluded)
  double energy_per_decay_MeV = 0;      // deposited per decay (balance of the run)
  std::uint64_t histories = 0;
  double wall_time_s = 0;
};

// Decays at the spheres' positions in uniform tissue. Periodic: the phantom is `grid` grown by
// the padding on every side and holds every periodic image of each sphere that falls in it,
// so the energy scored in `grid` is that of the infinite periodic tissue (a 90Y electron
// travels at most ~11 mm). Otherwise the spheres must lie in `grid` (it carries the padding).
DirectMcResult direct_mc_energy(const Grid& grid, const std::vector<Sphere>& spheres, const DirectMcSpec& spec);

}  // namespace bd
