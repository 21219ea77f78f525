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

namespace bd {

class ElectronParams {
 public:
  // Material index m in the views = position in `materials`. The water-to-medium stopping-power
  // ratio column uses `water` (the shipped "water" when not given).
  explicit ElectronParams(const std::vector<Material>& materials,
                          const ElectronTableOptions& options = {}, const Material* water = nullptr);

  int num_materials() const { return static_cast<int>(tables_.size()); }
  const ElectronTables& tables(int material) const { return tables_.at(material); }
  // Index of a material by name; InputError listing the names when absent.
  int material_index(const std::string& name) const;
  const ElectronTableOptions& options() const { return options_; }

  ElectronDataView host_view() const;
  // Copies the tables to the GPU (no-op data when CUDA is not built; throws then).
  void mirror_to_device();
  ElectronDataView device_view() const;

 private:
  ElectronDataView make_view(ConstSpan<float> rows, ConstSpan<float> brems) const;

  ElectronTableOptions options_;
  std::vector<ElectronTables> tables_;
  MirroredArray<float> rows_;
  MirroredArray<float> brems_;
};

}  // namespace bd
