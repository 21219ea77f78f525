// Host-side owner of the electron physics data of a run (the "Params" side of the Celeritas
// data model, DESIGN.md §2): builds the electron tables of each material once, packs them
// into the interleaved float layout of kernels/electron_data.hh and mirrors them to the GPU.
// Kernels see only the trivially copyable views (host_view() for the CPU launcher,
// device_view() after mirror_to_device() for CUDA).
#pragma once

#include <string>
#include <vector>

#include "betadose/device_array.hh"
#include "betadose/electron_tables.hh"
#include "betadose/materials.hh"
#include "kernels/electron_data.hh"
#include "kernels/multiple_scattering.hh"

namespace bd {

class ElectronParams {
 public:
  // Material index m in the views = position in `materials`.
  explicit ElectronParams(const std::vector<Material>& materials,
                          const ElectronTableOptions& options = {});

  int num_materials() const { return static_cast<int>(tables_.size()); }
  const ElectronTables& tables(int material) const { return tables_.at(material); }
  // Index of a material by name; InputError listing the names when absent.
  int material_index(const std::string& name) const;
  const ElectronTableOptions& options() const { return options_; }

  ElectronDataView host_view() const;
  MsScreeningTable ms_host_view() const;
  // Copies the tables to the GPU (no-op data when CUDA is not built; throws then).
  void mirror_to_device();
  ElectronDataView device_view() const;
  MsScreeningTable ms_device_view() const;

  // Grid of the multiple-scattering screening table: ln(s/λ1) from ln(kMsQMin) to
  // ln(kMsQIsotropic) in kMsPoints nodes; above kMsQIsotropic the deflection is isotropic
  // (<1 − cos θ> = 1 − e^(−10) differs from 1 by 5e-5).
  static constexpr double kMsQMin = 1e-6;
  static constexpr double kMsQIsotropic = 10.0;
  static constexpr int kMsPoints = 256;

 private:
  ElectronDataView make_view(ConstSpan<float> rows, ConstSpan<float> brems) const;
  MsScreeningTable make_ms(ConstSpan<float> ln_a) const;

  ElectronTableOptions options_;
  std::vector<ElectronTables> tables_;
  MirroredArray<float> rows_;
  MirroredArray<float> brems_;
  MirroredArray<float> ms_ln_a_;
};

}  // namespace bd
