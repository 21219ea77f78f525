// Dose point kernels and voxel S-values with the transport engine (point_kernels.hh).
#include "betadose/point_kernels.hh"

#include <algorithm>
#include <array>
#include <cmath>
#include <iomanip>
#include <numeric>
#include <sstream>
#include <utility>

#include "betadose/electron_tables.hh"
#include "betadose/errors.hh"
#include "betadose/materials.hh"
#include "betadose/transport_physics.hh"
#include "src/transport/batch_runner.hh"
#include "src/transport/emission.hh"
#include "src/transport/run_fingerprint.hh"
#include "src/transport/voxel_arrays.hh"

namespace bd {
namespace {

constexpr double kJoulePerMeV = 1.602176634e-13;  // CODATA 2018 (exact)

// The run summary every kernel result carries (DpkResult, VsvResult), per decay of the
// nuclide (`scale` = betas per decay) or per emitted electron.
template <class Result>
void fill_run_summary(Result& r, const std::string& material, double rho, const EmissionSpec& emission,
                      const detail::BatchTotals& t, double scale) {
  r.material = material;
  r.density_g_cm3 = rho;
  r.emission = emission;
  r.histories = t.histories;
  r.wall_time_s = t.wall_s;
  r.emitted_per_decay_MeV = t.balance[kEmitted] / t.histories * scale;
  r.balance_per_decay = energy_balance_per_decay(t, scale);
  r.steps_per_decay = t.balance[kCountElectronSteps] / t.histories;
}

detail::BatchControl control_from(const KernelRunOptions& o) {
  detail::BatchControl c;
  c.histories = o.histories;
  c.batches = o.batches;
  c.device = o.device;
  c.threads = o.threads;
  c.secondary_queue = o.secondary_queue;
  c.progress = o.progress;
  c.seed = o.seed;
  c.run = o.run;
  return c;
}

}  // namespace

std::string describe_emission(const EmissionSpec& em) {
  return em.electron_MeV > 0 ? "monoenergetic electrons " + std::to_string(em.electron_MeV) + " MeV" : em.nuclide;
}

std::string format_dpk_csv(const DpkResult& r, std::uint64_t seed, const std::string& device) {
  const double rmax_mm = r.shells.empty() ? 0.0 : r.shells.back().r_outer_mm;
  std::ostringstream out;
  out << "# betadose dpk: " << describe_emission(r.emission) << " in " << r.material << " at " << r.density_g_cm3
      << " g/cm3, " << r.histories << " histories, seed " << seed << ", device " << device << "\n";
  out << std::setprecision(6);
  out << "# emitted_per_decay_MeV " << r.emitted_per_decay_MeV << "\n";
  out << "# deposited_fraction " << r.deposited_fraction << " (in the shells, r < " << rmax_mm << " mm)\n";
  out << "# beyond_rmax_fraction " << r.beyond_rmax_fraction << "\n";
  out << "# escape_fraction " << r.escaped_fraction << " (photons leaving the world sphere, r > rmax + 20 mm)\n";
  out << "# X90_mm " << r.x90_mm << " (radius holding 90 % of the emitted energy; -1: beyond rmax)\n";
  if (r.emission.electron_MeV > 0) out << "# csda_range_mm " << r.csda_range_mm << "\n";
  out << "r_inner_mm,r_outer_mm,r_mid_mm,energy_per_decay_MeV,dose_per_decay_Gy,rel_uncertainty\n";
  out << std::setprecision(8);
  for (const auto& s : r.shells)
    out << s.r_inner_mm << ',' << s.r_outer_mm << ',' << s.r_mid_mm << ',' << s.energy_per_decay_MeV << ','
        << s.dose_per_decay_Gy << ',' << s.rel_uncertainty << '\n';
  return out.str();
}

DpkResult run_dpk(const EmissionSpec& emission, const std::string& material_name, double shell_mm,
                  double rmax_mm, const KernelRunOptions& options, double density_override) {
  BD_VALIDATE(shell_mm > 0 && std::isfinite(shell_mm), "--shell-mm " << shell_mm << " must be positive");
  BD_VALIDATE(rmax_mm > shell_mm && std::isfinite(rmax_mm),
              "--rmax-mm " << rmax_mm << " must exceed --shell-mm " << shell_mm);
  const double nshells_real = rmax_mm / shell_mm;
  const auto nshells = static_cast<std::size_t>(std::llround(nshells_real));
  BD_VALIDATE(std::abs(nshells_real - nshells) < 1e-6 * nshells_real,
              "--rmax-mm " << rmax_mm << " must be a whole number of shells of --shell-mm " << shell_mm);
  BD_VALIDATE(nshells <= 1000000, "--rmax-mm/--shell-mm gives " << nshells << " shells (at most 1e6)");
  const auto materials = load_materials();
  const Material material = find_material(materials, material_name);
  const double rho = density_override > 0 ? density_override : material.density_g_cm3;
  if (options.device == Device::cuda) require_device(options.device);

  ElectronTableOptions tables = options.tables;
  TransportParams params = options.params;
  if (options.match_cuts) match_cuts_to_resolution(shell_mm * 0.1 * rho, tables, params);
  TransportPhysics physics = build_transport_physics({material}, params, tables);
  detail::EmissionData em = detail::make_emission(emission);
  MirroredArray<float> majorant(physics.photon_majorant({rho}));
  const bool gpu = options.device == Device::cuda;
  const detail::PointSourceArrays origin({1.0}, {Vec3f{0.0f, 0.0f, 0.0f}}, gpu);
  if (gpu) {
    physics.mirror_to_device();
    em.mirror_to_device();
    majorant.mirror_to_device();
  }

  const double shell_cm = shell_mm * 0.1;
  auto make = [&](Span<unsigned long long> tally, Span<unsigned long long> balance) {
    PointDecayHistory f;
    f.tables = physics.view(gpu ? majorant.device_view() : majorant.host_view(), gpu);
    f.params = physics.params;
    f.geometry.density_g_cm3 = static_cast<float>(rho);
    f.geometry.world_radius_cm = static_cast<float>(rmax_mm * 0.1 + 2.0);
    f.tally.energy = tally;
    f.tally.inv_dr_cm = static_cast<float>(1.0 / shell_cm);
    origin.fill(f.position);
    f.energy = em.primary(gpu);
    f.balance = balance;
    f.seed = options.seed;
    return f;
  };
  detail::BatchControl control = control_from(options);
  control.case_fingerprint = detail::case_fingerprint(options.run, [&](Digest& d) {
    detail::feed_text(d, "dpk");
    detail::feed_value(d, rho);
    detail::feed_value(d, shell_cm);
    detail::feed_value(d, static_cast<std::uint64_t>(nshells));
    detail::feed_value(d, rmax_mm);
    detail::feed_physics(d, physics, majorant.host_view(), em);
  });
  const auto t = detail::run_batches<PointDecayHistory>(make, nshells, nshells, nullptr, control);

  DpkResult r;
  const double scale = em.betas_per_decay;
  fill_run_summary(r, material.name, rho, emission, t, scale);
  const double emitted = t.balance[kEmitted];
  r.deposited_fraction = t.balance[kDepositedScored] / emitted;
  r.beyond_rmax_fraction = t.balance[kDepositedUnscored] / emitted;
  r.escaped_fraction = (t.balance[kEscapedPhoton] + t.balance[kEscapedElectron]) / emitted;
  double cum = 0;
  for (std::size_t i = 0; i < nshells; ++i) {
    DpkShell s;
    s.r_inner_mm = i * shell_mm;
    s.r_outer_mm = (i + 1) * shell_mm;
    s.r_mid_mm = 0.5 * (s.r_inner_mm + s.r_outer_mm);
    s.energy_per_decay_MeV = t.mean_per_decay(i) * scale;
    const double ri = s.r_inner_mm * 0.1, ro = s.r_outer_mm * 0.1;
    const double mass_kg = 4.0 / 3.0 * M_PI * (ro * ro * ro - ri * ri * ri) * rho * 1e-3;
    s.dose_per_decay_Gy = s.energy_per_decay_MeV * kJoulePerMeV / mass_kg;
    s.rel_uncertainty = t.rel_uncertainty(i);
    const double frac = t.sum_MeV[i] / emitted;
    if (r.x90_mm < 0 && cum + frac >= 0.9 && frac > 0) r.x90_mm = s.r_inner_mm + (0.9 - cum) / frac * shell_mm;
    cum += frac;
    r.shells.push_back(s);
  }
  if (emission.electron_MeV > 0) {
    const ElectronTables et = build_electron_tables(material);
    r.csda_range_mm = et.interpolate(et.csda_range_g_cm2, emission.electron_MeV) / rho * 10.0;
  }
  return r;
}

double VsvResult::s_value(int i, int j, int k) const {
  int a[3] = {std::abs(i), std::abs(j), std::abs(k)};
  std::sort(a, a + 3, [](int x, int y) { return x > y; });
  if (a[0] > half_width) return -1;
  for (const auto& e : entries)
    if (e.i == a[0] && e.j == a[1] && e.k == a[2]) return e.s_mGy_per_MBq_s;
  return -1;
}

namespace {

// Decays uniform over `phantom.source_voxels` in a voxel phantom of explicit materials, voxel
// tally, `nbins` output bins after `fold` (nullptr: one bin per voxel). Shared by run_vsv and
// run_voxel_kernel; `feed_geometry` adds what the caller's geometry and scoring are to the case
// fingerprint (checkpoints, parts, ranks), before the physics; `em` is the emission the run used.
detail::BatchTotals run_kernel_phantom(const EmissionSpec& emission, const KernelPhantom& phantom,
                                       const KernelRunOptions& options, std::size_t nbins,
                                       const std::function<void(const std::vector<double>&, std::vector<double>&)>& fold,
                                       const std::function<void(Digest&)>& feed_geometry, detail::EmissionData& em) {
  const std::size_t nvox = static_cast<std::size_t>(phantom.nx) * phantom.ny * phantom.nz;
  BD_VALIDATE(phantom.nx > 0 && phantom.ny > 0 && phantom.nz > 0 && nvox < (std::size_t{1} << 31),
              "kernel phantom: grid " << phantom.nx << "x" << phantom.ny << "x" << phantom.nz << " invalid");
  BD_VALIDATE(phantom.voxel_mm[0] > 0 && phantom.voxel_mm[1] > 0 && phantom.voxel_mm[2] > 0,
              "kernel phantom: voxel sizes must be positive");
  BD_VALIDATE(!phantom.materials.empty() && phantom.materials.size() <= 255,
              "kernel phantom: " << phantom.materials.size() << " materials (expected 1-255)");
  BD_VALIDATE(phantom.material_id.size() == nvox && phantom.density_g_cm3.size() == nvox,
              "kernel phantom: " << phantom.material_id.size() << " material ids and "
                                 << phantom.density_g_cm3.size() << " densities for " << nvox << " voxels");
  BD_VALIDATE(!phantom.source_voxels.empty(), "kernel phantom: no source voxel");
  std::vector<double> max_density(phantom.materials.size(), 0.0);
  double min_density = 1e30;
  for (std::size_t v = 0; v < nvox; ++v) {
    const auto m = phantom.material_id[v];
    const float rho = phantom.density_g_cm3[v];
    BD_VALIDATE(m < phantom.materials.size() && std::isfinite(rho) && rho > 0,
                "kernel phantom: voxel " << v << " material " << int(m) << " density " << rho);
    max_density[m] = std::max(max_density[m], static_cast<double>(rho));
    min_density = std::min(min_density, static_cast<double>(rho));
  }
  for (auto v : phantom.source_voxels)
    BD_VALIDATE(v < nvox, "kernel phantom: source voxel " << v << " outside the grid");
  if (options.device == Device::cuda) require_device(options.device);

  ElectronTableOptions tables = options.tables;
  TransportParams params = options.params;
  const double min_mm = std::min({phantom.voxel_mm[0], phantom.voxel_mm[1], phantom.voxel_mm[2]});
  if (options.match_cuts) match_cuts_to_resolution(min_mm * 0.1 * min_density, tables, params);
  TransportPhysics physics = build_transport_physics(phantom.materials, params, tables);
  em = detail::make_emission(emission);
  const bool gpu = options.device == Device::cuda;
  if (gpu) {
    physics.mirror_to_device();
    em.mirror_to_device();
  }
  const detail::VoxelPhantomArrays arrays(physics.photon_majorant(max_density), phantom.material_id,
                                          phantom.density_g_cm3, gpu);
  std::vector<std::uint32_t> active;
  for (auto v : phantom.source_voxels) active.push_back(static_cast<std::uint32_t>(v));
  const std::vector<double> uniform(active.size(), 1.0);
  const detail::VoxelSourceArrays source_arrays(uniform, std::move(active), gpu);
  auto make = [&](Span<unsigned long long> tally, Span<unsigned long long> balance) {
    VoxelDecayHistory f;
    f.tables = physics.view(arrays.majorant(), gpu);
    f.params = physics.params;
    f.geometry = arrays.geometry(phantom.nx, phantom.ny, phantom.nz, phantom.voxel_mm);
    f.tally.nx = phantom.nx;
    f.tally.ny = phantom.ny;
    f.tally.nz = phantom.nz;
    f.tally.energy = tally;
    source_arrays.fill(f.position, phantom.nx, phantom.ny, phantom.voxel_mm);
    f.energy = em.primary(gpu);
    f.balance = balance;
    f.seed = options.seed;
    return f;
  };
  detail::BatchControl control = control_from(options);
  control.case_fingerprint = detail::case_fingerprint(options.run, [&](Digest& d) {
    feed_geometry(d);
    detail::feed_physics(d, physics, arrays.majorant_host(), em);
  });
  return detail::run_batches<VoxelDecayHistory>(make, nvox, fold ? nbins : nvox, fold, control);
}

}  // namespace

VoxelKernelResult run_voxel_kernel(const EmissionSpec& emission, const KernelPhantom& phantom,
                                   const KernelRunOptions& options) {
  detail::EmissionData em;
  std::size_t groups = 0;
  if (!phantom.score_group.empty()) {
    BD_VALIDATE(phantom.score_group.size() == phantom.material_id.size(),
                "kernel phantom: " << phantom.score_group.size() << " score groups for "
                                   << phantom.material_id.size() << " voxels");
    for (int g : phantom.score_group) groups = std::max(groups, static_cast<std::size_t>(std::max(g + 1, 0)));
    BD_VALIDATE(groups > 0, "kernel phantom: no voxel in a score group");
  }
  auto fold = [&](const std::vector<double>& raw, std::vector<double>& out) {
    for (std::size_t v = 0; v < raw.size(); ++v)
      if (phantom.score_group[v] >= 0) out[static_cast<std::size_t>(phantom.score_group[v])] += raw[v];
  };
  auto feed_geometry = [&](Digest& d) {
    detail::feed_text(d, "voxel kernel");
    for (const Material& m : phantom.materials) detail::feed_text(d, m.name);
    detail::feed_value(d, phantom.nx);
    detail::feed_value(d, phantom.ny);
    detail::feed_value(d, phantom.nz);
    for (double v : phantom.voxel_mm) detail::feed_value(d, v);
    detail::feed_array(d, phantom.material_id);
    detail::feed_array(d, phantom.density_g_cm3);
    detail::feed_array(d, phantom.source_voxels);
    detail::feed_array(d, phantom.score_group);
  };
  const auto t = groups ? run_kernel_phantom(emission, phantom, options, groups, fold, feed_geometry, em)
                        : run_kernel_phantom(emission, phantom, options, 0, nullptr, feed_geometry, em);
  VoxelKernelResult r;
  r.batches = t.batches;
  const double scale = em.betas_per_decay;
  r.histories = t.histories;
  r.wall_time_s = t.wall_s;
  r.emitted_per_decay_MeV = t.balance[kEmitted] / t.histories * scale;
  r.balance_per_decay = energy_balance_per_decay(t, scale);
  r.steps_per_decay = t.balance[kCountElectronSteps] / t.histories;
  for (std::size_t v = 0; v < t.sum_MeV.size(); ++v) {
    r.energy_per_decay_MeV.push_back(t.mean_per_decay(v) * scale);
    r.rel_uncertainty.push_back(t.rel_uncertainty(v));
  }
  return r;
}

VsvResult run_vsv(const EmissionSpec& emission, const std::string& material_name, double voxel_mm,
                  int half_width, const KernelRunOptions& options, double density_override) {
  BD_VALIDATE(voxel_mm > 0 && std::isfinite(voxel_mm), "--voxel-mm " << voxel_mm << " must be positive");
  BD_VALIDATE(half_width >= 0 && half_width <= 100, "--half-width " << half_width << " must be in [0, 100]");
  const auto materials = load_materials();
  const Material material = find_material(materials, material_name);
  const double rho = density_override > 0 ? density_override : material.density_g_cm3;

  // Geometry: (2(H+2)+1)³ voxels; offsets up to H are reported.
  const int margin = 2;
  const int h = half_width + margin;
  const int n = 2 * h + 1;
  const std::size_t nvox = static_cast<std::size_t>(n) * n * n;
  KernelPhantom phantom;
  phantom.materials = {material};
  phantom.nx = phantom.ny = phantom.nz = n;
  phantom.voxel_mm = {voxel_mm, voxel_mm, voxel_mm};
  phantom.material_id.assign(nvox, 0);
  phantom.density_g_cm3.assign(nvox, static_cast<float>(rho));
  phantom.source_voxels = {static_cast<std::size_t>(h + n * (h + n * h))};

  // Symmetry folding: offsets sorted |i| >= |j| >= |k|.
  const int H = half_width;
  std::vector<std::array<int, 3>> keys;
  for (int i = 0; i <= H; ++i)
    for (int j = 0; j <= i; ++j)
      for (int k = 0; k <= j; ++k) keys.push_back({i, j, k});
  auto key_index = [&](int i, int j, int k) {
    // Position of (i, j, k) in the i-major enumeration above.
    const int before_i = i * (i + 1) * (i + 2) / 6;
    const int before_j = j * (j + 1) / 2;
    return before_i + before_j + k;
  };
  std::vector<long long> map(nvox, -1);
  std::vector<double> multiplicity(keys.size(), 0.0);
  for (int z = 0; z < n; ++z)
    for (int y = 0; y < n; ++y)
      for (int x = 0; x < n; ++x) {
        int a[3] = {std::abs(x - h), std::abs(y - h), std::abs(z - h)};
        std::sort(a, a + 3, [](int p, int q) { return p > q; });
        if (a[0] > H) continue;
        const int idx = key_index(a[0], a[1], a[2]);
        map[static_cast<std::size_t>(x + n * (y + n * z))] = idx;
        multiplicity[static_cast<std::size_t>(idx)] += 1.0;
      }
  auto fold = [&](const std::vector<double>& raw, std::vector<double>& out) {
    for (std::size_t v = 0; v < raw.size(); ++v)
      if (map[v] >= 0) out[static_cast<std::size_t>(map[v])] += raw[v];
  };
  detail::EmissionData em;
  auto feed_geometry = [&](Digest& d) {
    detail::feed_text(d, "vsv");
    detail::feed_value(d, rho);
    detail::feed_value(d, voxel_mm);
    detail::feed_value(d, n);
    detail::feed_value(d, H);
  };
  const auto t = run_kernel_phantom(emission, phantom, options, keys.size(), fold, feed_geometry, em);

  VsvResult r;
  r.voxel_mm = voxel_mm;
  r.half_width = H;
  const double scale = em.betas_per_decay;
  fill_run_summary(r, material.name, rho, emission, t, scale);
  const double mass_kg = rho * std::pow(voxel_mm * 0.1, 3) * 1e-3;
  for (std::size_t q = 0; q < keys.size(); ++q) {
    VsvEntry e;
    e.i = keys[q][0];
    e.j = keys[q][1];
    e.k = keys[q][2];
    const double e_voxel = t.mean_per_decay(q) / multiplicity[q];  // per simulated primary
    // Gy per decay = Gy/(Bq s); mGy/(MBq s) = 1e9 Gy/(Bq s).
    e.s_mGy_per_MBq_s = e_voxel * scale * kJoulePerMeV / mass_kg * 1e9;
    e.energy_fraction = e_voxel / (t.balance[kEmitted] / t.histories);
    e.rel_uncertainty = t.rel_uncertainty(q);
    r.entries.push_back(e);
  }
  return r;
}

}  // namespace bd
