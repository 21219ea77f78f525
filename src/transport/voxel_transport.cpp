// run_voxel_transport (include/betadose/transport.hh): decays from a voxel activity map in a
// voxel phantom, dose on the phantom grid, integrated to complete decay:
//   D_v = E_v × N_decays / m_v,   N_decays = A_total × τ,   τ = T½ / ln 2,
// with E_v the mean energy deposited in voxel v per decay (one simulated beta per history,
// scaled by the nuclide's betas per decay).
#include <algorithm>
#include <cmath>
#include <utility>

#include "betadose/alias_table.hh"
#include "betadose/errors.hh"
#include "betadose/materials.hh"
#include "betadose/transport.hh"
#include "betadose/transport_physics.hh"
#include "src/transport/batch_runner.hh"
#include "src/transport/emission.hh"
#include "src/transport/run_fingerprint.hh"
#include "src/transport/voxel_arrays.hh"

namespace bd {
namespace {

constexpr double kJoulePerMeV = 1.602176634e-13;
// Densities below this count as this for the cut-off choice (air would otherwise force the
// 5 keV floor on the whole run for no dosimetric benefit).
constexpr double kCutDensityFloor_g_cm3 = 0.2;

void validate_phantom(const Phantom& phantom) {
  validate_grid(phantom.grid, "phantom");
  const Grid& g = phantom.grid;
  const std::size_t nvox = g.voxel_count();
  BD_VALIDATE(phantom.material_id.size() == nvox && phantom.density_g_cm3.size() == nvox,
              "phantom: " << phantom.material_id.size() << " material ids and "
                          << phantom.density_g_cm3.size() << " densities for " << nvox << " voxels");
  BD_VALIDATE(!phantom.material_names.empty() && phantom.material_names.size() <= 255,
              "phantom: " << phantom.material_names.size() << " materials (expected 1-255)");
  BD_VALIDATE(g.size[0] < (1u << 20) && g.size[1] < (1u << 20) && nvox < (std::size_t{1} << 32),
              "phantom grid " << g.describe() << " too large (at most 2^32 voxels)");
}

// Shared by the voxel-activity and point-list entry points: `set_position(f)` fills the
// history's position sampler (arrays mirrored to the device for a GPU run);
// `feed_source(digest)` adds the source to the case fingerprint.
template <class History, class SetPosition, class FeedSource>
DoseResult run_in_phantom(const Phantom& phantom, const std::string& nuclide, double total_bq,
                          const TransportOptions& options, const SetPosition& set_position,
                          const FeedSource& feed_source) {
  const Grid& g = phantom.grid;
  const std::size_t nvox = g.voxel_count();
  BD_VALIDATE(options.batches >= 2, "batches " << options.batches << " must be >= 2");
  if (options.device == Device::cuda) require_device(options.device);

  // Materials present and their densities.
  const std::size_t nmat = phantom.material_names.size();
  std::vector<double> max_density(nmat, 0.0), min_density(nmat, 1e30);
  for (std::size_t v = 0; v < nvox; ++v) {
    const auto m = phantom.material_id[v];
    const float rho = phantom.density_g_cm3[v];
    BD_VALIDATE(m < nmat, "phantom: voxel " << v << " has material id " << int(m) << " but only "
                                            << nmat << " materials are named");
    BD_VALIDATE(std::isfinite(rho) && rho > 0, "phantom: voxel " << v << " density " << rho
                                                                 << " g/cm3 (expected > 0)");
    max_density[m] = std::max(max_density[m], static_cast<double>(rho));
    min_density[m] = std::min(min_density[m], static_cast<double>(rho));
  }
  const auto all = load_materials();
  std::vector<Material> materials;
  for (const auto& name : phantom.material_names) materials.push_back(find_material(all, name));

  // Physics with cut-offs matched to the finest voxel side at the lowest density present.
  double rho_cut = 1e30;
  for (std::size_t m = 0; m < nmat; ++m)
    if (max_density[m] > 0) rho_cut = std::min(rho_cut, std::max(min_density[m], kCutDensityFloor_g_cm3));
  const double min_spacing_cm = 0.1 * std::min({g.spacing_mm[0], g.spacing_mm[1], g.spacing_mm[2]});
  ElectronTableOptions tables;
  TransportParams params;
  match_cuts_to_resolution(min_spacing_cm * rho_cut, tables, params);
  params.dose_to_water = options.dose_to == DoseTo::water;
  params.stratified_source = options.stratified_source;
  TransportPhysics physics = build_transport_physics(materials, params, tables);
  EmissionSpec spec;
  spec.nuclide = nuclide;
  detail::EmissionData em = detail::make_emission(spec);
  BD_VALIDATE(em.tau_s > 0, "nuclide " << nuclide << ": half-life missing");

  const bool gpu = options.device == Device::cuda;
  if (gpu) {
    physics.mirror_to_device();
    em.mirror_to_device();
  }
  const detail::VoxelPhantomArrays arrays(physics.photon_majorant(max_density), phantom.material_id,
                                          phantom.density_g_cm3, gpu);
  const int nx = static_cast<int>(g.size[0]), ny = static_cast<int>(g.size[1]), nz = static_cast<int>(g.size[2]);
  auto make = [&](Span<unsigned long long> tally, Span<unsigned long long> balance) {
    History f;
    f.tables = physics.view(arrays.majorant(), gpu);
    f.params = physics.params;
    f.geometry = arrays.geometry(nx, ny, nz, g.spacing_mm);
    f.tally.energy = tally;
    f.tally.nx = nx;
    f.tally.ny = ny;
    f.tally.nz = nz;
    set_position(f);
    if (physics.params.stratified_source) {
      // The batches of run_batches (the same layout); a key of its own, so the shifts are
      // not a stream of any particle.
      f.position.table.stratify_per_batch = BatchLayout::make(options.histories, options.batches).per_batch;
      f.position.table.stratify_key = options.seed ^ 0x5374726174696679ull;  // "Stratify"
    }
    f.energy = em.primary(gpu);
    f.balance = balance;
    f.seed = options.seed;
    return f;
  };
  detail::BatchControl control;
  control.histories = options.histories;
  control.batches = options.batches;
  control.target_rel_uncertainty = options.target_rel_uncertainty;
  control.uncertainty_mask = options.uncertainty_mask;
  BD_VALIDATE(control.uncertainty_mask.empty() || control.uncertainty_mask.size() == nvox,
              "uncertainty mask: " << control.uncertainty_mask.size() << " values for " << nvox << " voxels");
  control.dose_per_energy.resize(nvox);
  for (std::size_t v = 0; v < nvox; ++v) control.dose_per_energy[v] = 1.0 / phantom.density_g_cm3[v];
  control.device = options.device;
  control.threads = options.threads;
  control.secondary_queue = options.secondary_queue;
  control.progress = options.progress;
  control.seed = options.seed;
  control.run = options.run;
  control.case_fingerprint = detail::case_fingerprint(options.run, [&](Digest& d) {
    detail::feed_text(d, "voxel phantom");
    for (int a = 0; a < 3; ++a) {
      detail::feed_value(d, static_cast<std::uint64_t>(g.size[a]));
      detail::feed_value(d, g.spacing_mm[a]);
    }
    detail::feed_array(d, phantom.material_id);
    detail::feed_array(d, phantom.density_g_cm3);
    detail::feed_physics(d, physics, arrays.majorant_host(), em);
    feed_source(d);
  });
  const auto t = detail::run_batches<History>(make, nvox, nvox, nullptr, control);

  VoxelRunScale scale;
  scale.total_activity_bq = total_bq;
  scale.decays_per_bq = em.tau_s;
  scale.betas_per_decay = em.betas_per_decay;
  scale.seed = options.seed;
  scale.device = to_string(options.device);
  scale.nuclide = em.label;
  scale.dose_to = options.dose_to;
  DoseResult r = finish_voxel_run(t, g, phantom.density_g_cm3, scale);
  r.case_fingerprint = control.case_fingerprint;
  r.params = physics.params;
  r.table_options = tables;
  return r;
}

}  // namespace

DoseResult finish_voxel_run(const RunTotals& t, const Grid& g, const std::vector<float>& density_g_cm3,
                            const VoxelRunScale& scale) {
  DoseResult r;
  r.grid = g;
  r.histories = t.histories;
  r.seed = scale.seed;
  r.total_activity_bq = scale.total_activity_bq;
  r.decays_per_bq = scale.decays_per_bq;
  r.wall_time_s = t.wall_s;
  r.device = scale.device;
  r.nuclide = scale.nuclide;
  r.dose_to = scale.dose_to;
  r.scale = scale;
  r.batches = t.batches;
  if (t.histories == 0) return r;
  const std::size_t nvox = g.voxel_count();
  BD_VALIDATE(t.sum_MeV.size() == nvox && density_g_cm3.size() == nvox,
              "run totals of " << t.sum_MeV.size() << " voxels and " << density_g_cm3.size()
                               << " densities for the grid " << g.describe());
  const double betas = scale.betas_per_decay;
  const double decays = scale.total_activity_bq * scale.decays_per_bq;
  const double vol_cm3 = g.voxel_volume_mm3() * 1e-3;
  r.dose_gy.resize(nvox);
  r.rel_uncertainty.resize(nvox);
  r.energy_per_decay_MeV.resize(nvox);
  for (std::size_t v = 0; v < nvox; ++v) {
    const double e = t.mean_per_decay(v) * betas;
    r.energy_per_decay_MeV[v] = e;
    const double mass_kg = density_g_cm3[v] * vol_cm3 * 1e-3;
    r.dose_gy[v] = e * kJoulePerMeV * decays / mass_kg;
    r.rel_uncertainty[v] = std::max(0.0, t.rel_uncertainty(v));
  }
  const double n = static_cast<double>(t.histories);
  r.balance_per_decay = energy_balance_per_decay(t, betas);
  r.electron_steps_per_decay = t.balance[kCountElectronSteps] / n;
  r.photon_steps_per_decay = t.balance[kCountPhotonSteps] / n;
  r.tally_flushes_per_decay = t.balance[kCountTallyFlushes] / n;
  return r;
}

const char* to_string(DoseTo d) { return d == DoseTo::water ? "water" : "medium"; }

DoseTo parse_dose_to(const std::string& text, const std::string& what) {
  if (text == "medium") return DoseTo::medium;
  if (text == "water") return DoseTo::water;
  BD_VALIDATE(false, what << ": '" << text << "' is not a dose quantity (expected medium or water)");
  return DoseTo::medium;
}

DoseResult run_voxel_transport(const Phantom& phantom, const VoxelSource& source,
                               const TransportOptions& options) {
  validate_phantom(phantom);
  const Grid& g = phantom.grid;
  const std::size_t nvox = g.voxel_count();
  BD_VALIDATE(source.grid.size == g.size &&
                  std::abs(source.grid.spacing_mm[0] - g.spacing_mm[0]) < 1e-3 &&
                  std::abs(source.grid.spacing_mm[1] - g.spacing_mm[1]) < 1e-3 &&
                  std::abs(source.grid.spacing_mm[2] - g.spacing_mm[2]) < 1e-3,
              "activity grid " << source.grid.describe() << " differs from the phantom grid "
                               << g.describe() << " (resample the activity first)");
  BD_VALIDATE(source.activity_bq.size() == nvox,
              "activity: " << source.activity_bq.size() << " values for " << nvox << " voxels");
  std::vector<double> weights;
  std::vector<std::uint32_t> active;
  for (std::size_t v = 0; v < nvox; ++v) {
    const double a = source.activity_bq[v];
    BD_VALIDATE(std::isfinite(a) && a >= 0, "activity: voxel " << v << " = " << a << " Bq (expected >= 0)");
    if (a > 0) {
      weights.push_back(a);
      active.push_back(static_cast<std::uint32_t>(v));
    }
  }
  BD_VALIDATE(!active.empty(), "activity: no voxel with positive activity");
  if (options.device == Device::cuda) require_device(options.device);
  const detail::VoxelSourceArrays source_arrays(weights, std::move(active), options.device == Device::cuda);
  auto set_position = [&](VoxelDecayHistory& f) {
    source_arrays.fill(f.position, static_cast<int>(g.size[0]), static_cast<int>(g.size[1]), g.spacing_mm);
  };
  auto feed_source = [&](Digest& d) {
    detail::feed_text(d, "voxel source " + source.nuclide);
    detail::feed_array(d, source.activity_bq);
  };
  return run_in_phantom<VoxelDecayHistory>(phantom, source.nuclide, source.total_activity_bq(), options,
                                           set_position, feed_source);
}

DoseResult run_point_transport(const Phantom& phantom, const PointSource& source,
                               const TransportOptions& options) {
  validate_phantom(phantom);
  const Grid& g = phantom.grid;
  BD_VALIDATE(!source.position_mm.empty() && source.position_mm.size() == source.activity_bq.size(),
              "point source: " << source.position_mm.size() << " positions and " << source.activity_bq.size()
                               << " activities (expected the same, >= 1)");
  BD_VALIDATE(source.position_mm.size() < (std::size_t{1} << 32), "point source: too many points");
  std::vector<Vec3f> pos;
  double total = 0;
  for (std::size_t i = 0; i < source.position_mm.size(); ++i) {
    const Vec3 idx = g.physical_to_index(source.position_mm[i]);
    BD_VALIDATE(g.contains_index(idx), "point source: point " << i << " at (" << source.position_mm[i][0] << ", "
                                                              << source.position_mm[i][1] << ", "
                                                              << source.position_mm[i][2]
                                                              << ") mm lies outside the phantom " << g.describe());
    // Geometry coordinates: cm from the lower corner of voxel (0,0,0).
    pos.push_back(Vec3f{static_cast<float>((idx[0] + 0.5) * g.spacing_mm[0] * 0.1),
                        static_cast<float>((idx[1] + 0.5) * g.spacing_mm[1] * 0.1),
                        static_cast<float>((idx[2] + 0.5) * g.spacing_mm[2] * 0.1)});
    total += source.activity_bq[i];
  }
  if (options.device == Device::cuda) require_device(options.device);
  const detail::PointSourceArrays source_arrays(source.activity_bq, pos, options.device == Device::cuda);
  auto set_position = [&](VoxelPointDecayHistory& f) { source_arrays.fill(f.position); };
  auto feed_source = [&](Digest& d) {
    detail::feed_text(d, "point source " + source.nuclide);
    detail::feed_array(d, pos.data(), pos.size());
    detail::feed_array(d, source.activity_bq);
  };
  return run_in_phantom<VoxelPointDecayHistory>(phantom, source.nuclide, total, options, set_position,
                                                feed_source);
}

}  // namespace bd
