// Packing of the electron tables for the kernels; see include/betadose/electron_params.hh.
#include "betadose/electron_params.hh"

#include <cmath>
#include <exception>
#include <sstream>

#include "betadose/errors.hh"

namespace bd {

ElectronParams::ElectronParams(const std::vector<Material>& materials,
                               const ElectronTableOptions& options, const Material* water_in)
    : options_(options) {
  BD_VALIDATE(!materials.empty(), "electron physics: no materials given");
  // Materials are independent: build them in parallel (deterministic, each table is a pure
  // function of its material); the first error is rethrown after the loop.
  tables_.resize(materials.size());
  std::vector<std::exception_ptr> errors(materials.size());
  precompute_element_brems(materials, options);
#pragma omp parallel for schedule(dynamic)
  for (long m = 0; m < static_cast<long>(materials.size()); ++m) {
    try {
      tables_[m] = build_electron_tables(materials[m], options);
    } catch (...) {
      errors[m] = std::current_exception();
    }
  }
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
  // Collision stopping power of water on the same grid, for the dose-to-water ratio.
  const Material water = water_in ? *water_in : find_material(load_materials(), "water");
  const std::vector<double> s_col_water = collision_stopping_on_grid(water, tables_.front().energy_MeV);

  const int n = options.points;
  const int nk = tables_.front().brems_shape_points;
  std::vector<float> rows(static_cast<std::size_t>(tables_.size()) * n * kElectronColumns);
  std::vector<float> brems(static_cast<std::size_t>(tables_.size()) * n * nk);
  for (std::size_t m = 0; m < tables_.size(); ++m) {
    const ElectronTables& t = tables_[m];
    for (int i = 0; i < n; ++i) {
      float* r = &rows[(m * n + i) * kElectronColumns];
      r[kSoftStopping] = static_cast<float>(t.s_soft_MeV_cm2_g[i]);
      r[kSoftRange] = static_cast<float>(t.range_soft_g_cm2[i]);
      r[kSigmaMoller] = static_cast<float>(t.sigma_moller_cm2_g[i]);
      r[kSigmaBrems] = static_cast<float>(t.sigma_brems_cm2_g[i]);
      r[kTransportXs1] = static_cast<float>(t.transport_xs1_cm2_g[i]);
      r[kTransportXs2] = static_cast<float>(t.transport_xs2_cm2_g[i]);
      r[kStraggling] = static_cast<float>(t.straggling_MeV2_cm2_g[i]);
      r[kCsdaRange] = static_cast<float>(t.csda_range_g_cm2[i]);
      r[kWaterToMedium] = static_cast<float>(s_col_water[i] / t.s_col_MeV_cm2_g[i]);
      r[kBremsPhotonsToRest] = static_cast<float>(t.brems_photons_to_rest[i]);
      for (int j = 0; j < nk; ++j)
        brems[(m * n + i) * nk + j] = static_cast<float>(t.brems_shape[static_cast<std::size_t>(i) * nk + j]);
    }
  }
  rows_ = MirroredArray<float>(std::move(rows));
  brems_ = MirroredArray<float>(std::move(brems));
}

int ElectronParams::material_index(const std::string& name) const {
  std::ostringstream names;
  for (std::size_t m = 0; m < tables_.size(); ++m) {
    if (tables_[m].material == name) return static_cast<int>(m);
    names << (m ? ", " : "") << tables_[m].material;
  }
  BD_VALIDATE(false, "electron physics: material '" << name << "' not loaded (have: "
                                                    << names.str() << ")");
  return -1;
}

ElectronDataView ElectronParams::make_view(ConstSpan<float> rows, ConstSpan<float> brems) const {
  ElectronDataView v;
  v.rows = rows;
  v.brems_shape = brems;
  v.n_materials = num_materials();
  v.n_energy = options_.points;
  v.n_kappa = tables_.front().brems_shape_points;
  v.ln_e_min = static_cast<float>(std::log(options_.e_min_MeV));
  v.inv_dln_e = static_cast<float>((options_.points - 1) / std::log(options_.e_max_MeV / options_.e_min_MeV));
  v.e_min_MeV = static_cast<float>(options_.e_min_MeV);
  v.e_max_MeV = static_cast<float>(options_.e_max_MeV);
  v.wcc_MeV = static_cast<float>(options_.wcc_MeV);
  v.wcr_MeV = static_cast<float>(options_.wcr_MeV);
  return v;
}

ElectronDataView ElectronParams::host_view() const {
  return make_view(rows_.host_view(), brems_.host_view());
}

void ElectronParams::mirror_to_device() {
  rows_.mirror_to_device();
  brems_.mirror_to_device();
}
ElectronDataView ElectronParams::device_view() const {
  return make_view(rows_.device_view(), brems_.device_view());
}

}  // namespace bd
