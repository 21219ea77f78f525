// Host "Params" of the transport: the kernel tables (kernels/transport_tables.hh) of the
// materials of one run: electron data (ElectronParams), photon attenuation rows, the
// modified-Wentzel table; mirrored to the GPU on demand.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "betadose/device_array.hh"
#include "betadose/electron_params.hh"
#include "betadose/electron_tables.hh"
#include "betadose/materials.hh"
#include "kernels/transport_params.hh"
#include "kernels/transport_tables.hh"

namespace bd {

struct TransportPhysics {
  std::vector<std::string> material_names;  // table index = position here
  TransportParams params;
  LogGrid photon_grid, mw_grid;
  float mw_mean_max = 0;
  std::unique_ptr<ElectronParams> electron;
  MirroredArray<PhotonRow> photon;
  MirroredArray<MwRow> mw;
  bool on_device = false;

  // Woodcock majorant μ_max(E) [1/cm] on the photon grid for the given maximum density of
  // each material in the geometry (0 = material absent).
  std::vector<float> photon_majorant(const std::vector<double>& max_density_g_cm3) const;
  // Kernel view; `majorant` must live as long as the view (host or device memory to match).
  TransportTables view(ConstSpan<float> majorant, bool device) const;
  void mirror_to_device();
};

// Production threshold and electron absorption energy matched to the scoring resolution
// (issue 4 / GPU.md: "cut-offs matched to the voxel size"). E_c is the energy whose CSDA range
// in water (ESTAR) is 2 % of the scoring resolution (mass thickness), clamped to
// [5 keV, 50 keV]; W_cc = eabs_electron = E_c. W_cr stays at its default (10 keV): photons
// below it are local, which matters little at these energies. Validation (tests/core/
// transport_kernels_test.cpp): with W_cc = 20 keV the 0.1 MeV kernel (bins 7 µm) falls 4-5 %
// of its peak below EGSnrc in the fall-off because 10-20 keV δ-rays (range up to 9 µm) are
// scored where they are made; with E_c(7 µm) = 5 keV it agrees within 1.5 %.
double matched_cut_energy_MeV(double resolution_g_cm2);
void match_cuts_to_resolution(double resolution_g_cm2, ElectronTableOptions& tables,
                              TransportParams& params);

// Tables for `materials` (in that order) with the production thresholds and grid of
// `table_options`; params.wcc/wcr are taken from the tables.
TransportPhysics build_transport_physics(const std::vector<Material>& materials,
                                         const TransportParams& params = {},
                                         const ElectronTableOptions& table_options = {});

// Convenience: materials by canonical name from materials_dir().
TransportPhysics build_transport_physics(const std::vector<std::string>& material_names,
                                         const TransportParams& params = {},
                                         const ElectronTableOptions& table_options = {});

}  // namespace bd
