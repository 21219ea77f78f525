// The TG-268 record (include/betadose/provenance.hh).
#include "betadose/provenance.hh"

#include <omp.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <thread>

#include "betadose/electron_tables.hh"
#include "betadose/materials.hh"
#include "betadose/nuclide.hh"
#include "betadose/parallel.hh"
#include "betadose/physics_models.hh"
#include "kernels/rng.hh"
#include "kernels/transport_params.hh"

namespace bd {
namespace {

std::string number_text(double x) {
  std::ostringstream os;
  os << std::setprecision(10) << x;
  return os.str();
}

std::string on_off(bool b) { return b ? "on" : "off"; }

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(colon + 2);
    }
  return "unknown";
}

}  // namespace

ProvenanceSection& ProvenanceSection::add(const std::string& key, const std::string& text) {
  values.push_back({key, text, 0.0, false});
  return *this;
}

ProvenanceSection& ProvenanceSection::add(const std::string& key, double number) {
  values.push_back({key, number_text(number), number, true});
  return *this;
}

ProvenanceSection& ProvenanceSection::add(const std::string& key, float number) {
  std::ostringstream os;
  os << std::setprecision(7) << number;
  values.push_back({key, os.str(), std::stod(os.str()), true});
  return *this;
}

const ProvenanceValue* ProvenanceSection::find(const std::string& key) const {
  for (const auto& v : values)
    if (v.key == key) return &v;
  return nullptr;
}

ProvenanceSection& ProvenanceRecord::section(const std::string& name, const std::string& tg268_item) {
  for (auto& s : sections)
    if (s.name == name) return s;
  sections.push_back({name, tg268_item, {}});
  return sections.back();
}

const ProvenanceSection* ProvenanceRecord::find(const std::string& name) const {
  for (const auto& s : sections)
    if (s.name == name) return &s;
  return nullptr;
}

void ProvenanceRecord::merge(const ProvenanceRecord& other) {
  for (const auto& s : other.sections) {
    ProvenanceSection& mine = section(s.name, s.tg268_item);
    mine.values.insert(mine.values.end(), s.values.begin(), s.values.end());
  }
}

ProvenanceSection code_provenance() {
  ProvenanceSection s{"code", "Code, version/release date", {}};
  s.add("name", "betadose (Monte Carlo beta transport for 90Y radioembolization)")
      .add("version", BETADOSE_VERSION)
      .add("git_commit", build_git_commit())
      .add("build_type", BETADOSE_BUILD_TYPE)
#if defined(__VERSION__)
      .add("compiler", std::string(
#if defined(__clang__)
                           "clang "
#elif defined(__GNUC__)
                           "g++ "
#endif
                           ) + __VERSION__)
#endif
      .add("cuda_backend", cuda_compiled() ? "compiled" : "not compiled");
  return s;
}

ProvenanceSection machine_provenance(Device device, int threads) {
  ProvenanceSection s{"machine", "Timing (machine the run used)", {}};
  char host[256] = {0};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = 0;
  struct utsname u {};
  std::string os = "unknown";
  if (::uname(&u) == 0) os = std::string(u.sysname) + " " + u.release + " " + u.machine;
  s.add("host", host[0] ? host : "unknown")
      .add("os", os)
      .add("cpu", cpu_model())
      .add("cpu_cores_online", double(std::thread::hardware_concurrency()))
      .add("openmp_threads", double(threads > 0 ? threads : omp_get_max_threads()))
      .add("gpus", cuda_device_summary())
      .add("device", to_string(device))
      .add("mpi_ranks", double(ranks().size()));
  return s;
}

ProvenanceSection validation_provenance(const std::vector<std::string>& cases) {
  ProvenanceSection s{"validation", "Validation", {}};
  s.add("suite", "betadose validate (cases below; the --quick subset runs in every CI build; "
                 "results and references in validation/, speed in validation/BENCHMARKS.md)");
  for (std::size_t i = 0; i < cases.size(); ++i) s.add("case_" + std::to_string(i + 1), cases[i]);
  return s;
}

ProvenanceSection physics_provenance() {
  ProvenanceSection s{"physics", "Cross-sections / physics models", {}};
  for (const PhysicsModel& m : physics_models())
    s.add(m.process, std::string(m.model) + " [" + m.reference + "]");
  return s;
}

ProvenanceSection transport_parameters_provenance(const TransportParams& p,
                                                  const ElectronTableOptions& t) {
  ProvenanceSection s{"transport_parameters", "Transport parameters", {}};
  s.add("electron_absorption_energy_MeV", p.eabs_electron_MeV)
      .add("photon_absorption_energy_MeV", p.eabs_photon_MeV)
      .add("moller_production_threshold_Wcc_MeV", p.wcc_MeV)
      .add("bremsstrahlung_production_threshold_Wcr_MeV", p.wcr_MeV)
      .add("max_fractional_energy_loss_per_step", p.max_eloss_fraction)
      .add("elastic_event_mfp_first_transport_mfp", p.elastic_event_lambda1)
      .add("energy_loss_straggling", on_off(p.straggling))
      .add("elastic_model", t.elastic == ElasticModel::partial_wave
                                ? "partial waves (ELSEPA) + soft inelastic deflections"
                                : t.elastic == ElasticModel::wentzel_mckinley_feshbach
                                      ? "legacy Wentzel-Moliere Z(Z+1), McKinley-Feshbach (test only)"
                                      : "legacy Wentzel-Moliere Z(Z+1), no spin correction (test only)")
      .add("dose_to", p.dose_to_water ? "water in medium (collision stopping-power ratio per deposit)"
                                      : "medium")
      .add("electron_table_min_MeV", t.e_min_MeV)
      .add("electron_table_max_MeV", t.e_max_MeV)
      .add("electron_table_points", double(t.points))
      .add("bremsstrahlung_shape_points", double(t.brems_shape_points))
      .add("cut_off_rule", "Wcc = electron absorption energy = energy whose CSDA range is 2 % of the "
                           "smallest voxel side at the lowest density present (>= 0.2 g/cm3), "
                           "clamped to [5, 50] keV; residual energy deposited locally");
  return s;
}

ProvenanceSection variance_reduction_provenance(const TransportParams& p) {
  ProvenanceSection s{"variance_reduction", "Variance reduction techniques", {}};
  s.add("range_rejection", on_off(p.range_rejection))
      .add("range_rejection_method", std::string(kRangeRejection.model) + " [" + kRangeRejection.reference + "]")
      .add("stratified_source_sampling", on_off(p.stratified_source));
  if (p.stratified_source)
    s.add("stratified_source_sampling_method",
          std::string(kStratifiedSourceSampling.model) + " [" + kStratifiedSourceSampling.reference + "]");
  s.add("other_techniques", "none: analogue transport, unit weights, no splitting, no Russian roulette, no "
                            "forced interactions");
  return s;
}

ProvenanceSection random_numbers_provenance(std::uint64_t seed) {
  ProvenanceSection s{"random_numbers", "Statistical methods (random number generator)", {}};
  s.add("generator", std::string(kRandomNumberModel.model) + " [" + kRandomNumberModel.reference + "]")
      .add("seed", double(seed));
  return s;
}

ProvenanceSection materials_provenance(const std::vector<Material>& materials) {
  ProvenanceSection s{"materials", "Materials", {}};
  for (const Material& m : materials) {
    std::ostringstream os;
    os << std::setprecision(6) << m.density_g_cm3 << " g/cm3 nominal, I = " << m.I_eV << " eV, "
       << m.elements.size() << " elements; " << m.source;
    s.add(m.name, os.str());
  }
  s.add("density_scaling", "cross sections per mass at the material's nominal density (density "
                           "effect there), scaled linearly with each voxel's density");
  return s;
}

void add_nuclide_provenance(ProvenanceSection& s, const Nuclide& n) {
  s.add("nuclide", n.name)
      .add("nuclide_data", n.source)
      .add("nuclide_file", n.file)
      .add("half_life_h", n.half_life_s / 3600.0)
      .add("betas_per_decay", n.beta_yield)
      .add("mean_beta_energy_sampled_MeV", n.mean_beta_energy_MeV)
      .add("electron_energy_per_decay_MeV", n.electron_energy_per_decay_MeV)
      .add("photon_energy_per_decay_MeV", n.photon_energy_per_decay_MeV)
      .add("beta_energy_per_decay_MeV", n.beta_energy_per_decay_MeV)
      .add("emission_model", "one beta per history from the tabulated spectrum, emitted "
                             "isotropically at a point sampled uniformly in the voxel; tallies "
                             "scaled by betas per decay");
}

namespace {

void add_case(ProvenanceRecord& r, const RunCaseDescription& c, const Nuclide& nuclide,
              const std::vector<Material>& materials) {
  r.section("geometry", "Geometry").add("description", c.geometry);
  r.sections.push_back(materials_provenance(materials));
  ProvenanceSection& src = r.section("source", "Source description");
  add_nuclide_provenance(src, nuclide);
  src.add("activity_image", c.activity_image)
      .add("activity_units", c.activity_units)
      .add("units_conversion", c.units_conversion)
      .add("total_activity_Bq", c.total_activity_bq)
      .add("lung_shunt_fraction", c.lung_shunt_fraction)
      .add("lung_activity_Bq", c.lung_activity_bq)
      .add("activity_outside_dose_grid_fraction", c.activity_outside_grid_fraction);
  if (c.lung_shunt_fraction > 0 && !c.lung_shunt_mode.empty()) src.add("lung_shunt_mode", c.lung_shunt_mode);
  if (!c.activity_mask.empty()) src.add("activity_mask", c.activity_mask);
  if (!c.inputs.empty()) {
    ProvenanceSection& in = r.section("inputs", "Geometry and source description: where each input came from");
    for (const auto& [quantity, value] : c.inputs) in.add(quantity, value);
  }
}

}  // namespace

namespace {

// The sections of an mc record that depend on what the transport did (set_mc_transport_provenance).
std::vector<ProvenanceSection> transport_sections(const RunTransportDescription& t) {
  std::vector<ProvenanceSection> out;
  ProvenanceSection timing{"timing", "Timing", {}};
  timing.add("engine_wall_time_s", t.wall_time_s)
      .add("transport_wall_time_s", t.transport_wall_time_s)
      .add("decays_per_s", t.transport_wall_time_s > 0 ? double(t.histories) / t.transport_wall_time_s : 0.0);
  out.push_back(std::move(timing));
  out.push_back(machine_provenance(t.device, t.threads));
  ProvenanceSection scored{"scored_quantities", "Scored quantities", {}};
  scored.add("quantity", "absorbed dose to medium in medium per voxel [Gy], integrated to complete "
                         "decay; relative standard uncertainty per voxel (1 sigma)")
      .add("normalisation", "D_v = E_v N / m_v with E_v the mean energy deposited in voxel v per "
                            "decay, N = A tau the decays to complete decay (tau = T1/2 / ln 2), "
                            "m_v = density x voxel volume")
      .add("energy_balance_relative_residual", t.energy_balance_relative_residual);
  out.push_back(std::move(scored));
  ProvenanceSection stats{"statistics", "# histories/statistical uncertainty", {}};
  stats.add("histories", double(t.histories))
      .add("batches", double(t.batches))
      .add("target_rel_uncertainty", t.target_rel_uncertainty)
      .add("mean_rel_uncertainty", t.mean_rel_uncertainty)
      .add("uncertainty_region", t.uncertainty_region);
  out.push_back(std::move(stats));
  ProvenanceSection methods{"statistical_methods", "Statistical methods", {}};
  methods.add("uncertainty_method", "batch method: per-voxel variance of the batch means, s^2 = "
                                    "(sum x_b^2/N_b - N m^2)/(B - 1), var(m) = s^2/N (type A, 1 sigma)")
      .add("stopping_rule", t.target_rel_uncertainty > 0
                                ? "batches until the mean relative uncertainty over the region is "
                                  "below the target (at least 5 batches)"
                                : "fixed number of histories");
  out.push_back(std::move(methods));
  out.push_back(random_numbers_provenance(t.seed));
  return out;
}

}  // namespace

ProvenanceRecord mc_run_provenance(const RunCaseDescription& c, const Nuclide& nuclide,
                                   const std::vector<Material>& materials, const TransportParams& params,
                                   const ElectronTableOptions& tables,
                                   const RunTransportDescription& t,
                                   const std::vector<std::string>& validation_cases) {
  // Order: code, validation, timing, machine, case, physics, transport parameters, variance
  // reduction, scored quantities, statistics, statistical methods, random numbers, post-processing.
  std::vector<ProvenanceSection> run = transport_sections(t);
  ProvenanceRecord r;
  r.sections.push_back(code_provenance());
  r.sections.push_back(validation_provenance(validation_cases));
  r.sections.push_back(run[0]);
  r.sections.push_back(run[1]);
  add_case(r, c, nuclide, materials);
  r.sections.push_back(physics_provenance());
  r.sections.push_back(transport_parameters_provenance(params, tables));
  r.sections.push_back(variance_reduction_provenance(params));
  for (std::size_t i = 2; i < run.size(); ++i) r.sections.push_back(run[i]);
  r.section("post_processing", "Postprocessing")
      .add("dose_grid", "scoring grid = transport grid (the activity or CT grid, or --voxel-mm)")
      .add("smoothing", "none");
  return r;
}

void set_mc_transport_provenance(ProvenanceRecord& record, const RunTransportDescription& t) {
  for (ProvenanceSection& s : transport_sections(t)) {
    auto it = std::find_if(record.sections.begin(), record.sections.end(),
                           [&](const ProvenanceSection& x) { return x.name == s.name; });
    if (it != record.sections.end()) *it = std::move(s);
    else record.sections.push_back(std::move(s));
  }
}

ProvenanceRecord kernel_method_provenance(const RunCaseDescription& c, const Nuclide& nuclide,
                                          const std::vector<Material>& materials,
                                          const std::string& method, const std::string& kernel,
                                          const std::string& density_correction,
                                          double wall_time_s,
                                          const std::vector<std::string>& validation_cases) {
  ProvenanceRecord r;
  r.sections.push_back(code_provenance());
  r.sections.push_back(validation_provenance(validation_cases));
  r.section("timing", "Timing").add("engine_wall_time_s", wall_time_s);
  r.sections.push_back(machine_provenance(Device::cpu, 0));
  add_case(r, c, nuclide, materials);
  r.section("method", "Cross-sections / physics models (deterministic kernel method, no transport)")
      .add("method", method)
      .add("kernel", kernel)
      .add("density_correction", density_correction);
  r.section("scored_quantities", "Scored quantities")
      .add("quantity", "absorbed dose per voxel [Gy] to complete decay; no statistical uncertainty "
                       "(deterministic method)");
  return r;
}

std::string format_provenance(const ProvenanceRecord& record) {
  std::ostringstream os;
  os << "TG-268 record (" << kProvenanceStandard << ")\n";
  for (const auto& s : record.sections) {
    os << "[" << s.name << "] " << s.tg268_item << "\n";
    for (const auto& v : s.values) os << "  " << v.key << ": " << v.text << "\n";
  }
  return os.str();
}

}  // namespace bd
