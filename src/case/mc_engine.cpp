// Monte Carlo transport of a loaded case (include/betadose/case_engines.hh).
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iomanip>
#include <sstream>

#include "betadose/case_engines.hh"
#include "betadose/case_output.hh"
#include "betadose/device.hh"
#include "betadose/errors.hh"
#include "betadose/text_parse.hh"
#include "betadose/kernel_methods.hh"
#include "betadose/nuclide.hh"
#include "betadose/provenance.hh"

namespace bd {
namespace {

std::uint64_t parse_histories(const std::string& text) { return parse_decay_count(text, "--histories"); }

bool parse_stratified(const std::string& text) {
  BD_VALIDATE(text == "stratified" || text == "independent",
              "--source-sampling " << text << ": expected stratified or independent");
  return text == "stratified";
}

}  // namespace

void check_mc_settings(const McSettings& s) {
  const auto histories = parse_histories(s.histories);
  BD_VALIDATE(s.batches < 2 || std::uint64_t(s.batches) <= histories,
              "--batches " << s.batches << " exceeds --histories " << histories
                           << ": every batch needs decays (its dose is one sample of the uncertainty)");
  BD_VALIDATE(std::isfinite(s.target_uncertainty) && s.target_uncertainty >= 0 && s.target_uncertainty < 1,
              "--target-uncertainty is a relative uncertainty in (0, 1), e.g. 0.02 for 2 %, got "
                  << s.target_uncertainty);
  BD_VALIDATE(s.batches >= 2, "--batches must be at least 2 (uncertainties come from batch statistics)");
  BD_VALIDATE(s.threads >= 0, "--threads must be >= 0 (0 = all cores)");
  // --threads also bounds the host-side preparation (resampling, phantom building).
  if (s.threads > 0) omp_set_num_threads(s.threads);
  require_device(parse_device(s.device));
  parse_dose_to(s.dose_to, "--dose-to");
  parse_stratified(s.source_sampling);
}

TransportOptions mc_transport_options(const DoseCase& dc, const McSettings& s) {
  TransportOptions opt;
  opt.histories = parse_histories(s.histories);
  opt.target_rel_uncertainty = s.target_uncertainty;
  if (!s.uncertainty_mask.empty()) opt.uncertainty_mask = *mc_stop_region(dc.rois, s.uncertainty_mask);
  opt.batches = s.batches;
  opt.seed = s.seed;
  opt.device = parse_device(s.device);
  opt.threads = s.threads;
  opt.dose_to = parse_dose_to(s.dose_to, "--dose-to");
  opt.stratified_source = parse_stratified(s.source_sampling);
  return opt;
}

const std::vector<std::uint8_t>* mc_stop_region(const RoiSet& rois, const std::string& name) {
  if (name.empty()) return nullptr;
  const std::vector<std::uint8_t>* region = rois.find(name);
  BD_VALIDATE(region != nullptr, "--uncertainty-mask " << name << ": no ROI of that name (ROIs: " << rois.list()
                                                       << "; give --mask " << name << "=file)");
  return region;
}

EngineRun run_mc_case(const DoseCase& dc, const McSettings& s,
                      const std::function<void(const TransportProgress&)>& progress, const RunControl& run) {
  const auto t_start = std::chrono::steady_clock::now();
  TransportOptions opt = mc_transport_options(dc, s);
  opt.progress = progress;
  opt.run = run;
  const DoseResult result = run_voxel_transport(dc.phantom, dc.source, opt);
  McReport report;
  report.target_uncertainty = s.target_uncertainty;
  report.stop_region = mc_stop_region(dc.rois, s.uncertainty_mask);
  report.stop_region_name = dc.rois.name_of(s.uncertainty_mask);
  report.device = s.device;
  report.threads = s.threads;
  report.engine_wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  return mc_engine_run(mc_case_dose_file(dc, result), result, report);
}

DoseFile mc_case_dose_file(const DoseCase& dc, const DoseResult& result) {
  DoseFile f = case_dose_file(dc);
  // The TG-268 record of the case and the parameters the transport used; the sections of what
  // it did are set by mc_engine_run.
  f.provenance = mc_run_provenance(case_run_description(dc), load_nuclide(dc.source.nuclide), case_materials(dc),
                                   result.params, result.table_options, RunTransportDescription{},
                                   validation_case_summaries());
  return f;
}

EngineRun mc_engine_run(DoseFile skeleton, const DoseResult& result, const McReport& s) {
  EngineRun run;
  DoseFile& df = run.file;
  df = std::move(skeleton);
  df.dose_gy.assign(result.dose_gy.begin(), result.dose_gy.end());
  df.dose_rel_uncertainty.assign(result.rel_uncertainty.begin(), result.rel_uncertainty.end());
  if (!result.nuclide.empty()) df.nuclide = result.nuclide;
  df.method = "mc";
  df.dose_to = to_string(result.dose_to);
  df.device = result.device.empty() ? s.device : result.device;
  if (result.total_activity_bq > 0) df.total_activity_bq = result.total_activity_bq;
  df.histories = result.histories;
  df.seed = result.seed;
  const double decays = df.total_activity_bq * result.decays_per_bq;
  const auto& eb = result.balance_per_decay;
  df.energy_emitted_J = eb.emitted_MeV * decays * kJoulePerMeV;
  df.energy_deposited_J = eb.deposited_MeV * decays * kJoulePerMeV;
  df.energy_escaped_J = (eb.escaped_electron_MeV + eb.escaped_photon_MeV) * decays * kJoulePerMeV;
  df.extra["energy_escaped_electron_J"] = eb.escaped_electron_MeV * decays * kJoulePerMeV;
  df.extra["energy_escaped_photon_J"] = eb.escaped_photon_MeV * decays * kJoulePerMeV;
  df.extra["energy_below_cutoff_J"] = eb.below_cutoff_MeV * decays * kJoulePerMeV;
  df.extra["energy_stack_overflow_J"] = eb.overflow_MeV * decays * kJoulePerMeV;
  df.extra["energy_balance_relative_residual"] = eb.relative_residual();
  df.extra["decays_per_bq_s"] = result.decays_per_bq;
  df.extra["transport_wall_time_s"] = result.wall_time_s;
  df.extra["target_rel_uncertainty"] = s.target_uncertainty;
  const std::vector<std::uint8_t>* region = s.stop_region;

  // Mean relative uncertainty over the stopping region (as the engine defines it).
  double mean_unc = NAN;
  {
    const double dmax = result.dose_gy.empty() ? 0.0 : *std::max_element(result.dose_gy.begin(), result.dose_gy.end());
    double sum = 0;
    std::size_t n = 0;
    for (std::size_t v = 0; v < result.dose_gy.size(); ++v) {
      const bool in = region ? (*region)[v] != 0 : result.dose_gy[v] > 0.5 * dmax;
      if (in && result.dose_gy[v] > 0) {
        sum += result.rel_uncertainty[v];
        ++n;
      }
    }
    if (n) mean_unc = sum / double(n);
  }
  df.extra["mean_rel_uncertainty_stop_region"] = mean_unc;
  df.wall_time_s = s.engine_wall_s;

  run.lines.push_back(std::string("dose to   ") +
                      (result.dose_to == DoseTo::water ? "water in medium (--dose-to water)" : "medium"));
  // TG-268 record: what the transport did, into the case's record (mc_case_dose_file).
  RunTransportDescription td;
  td.histories = result.histories;
  td.batches = result.batches;
  td.seed = result.seed;
  td.device = parse_device(df.device);
  td.threads = s.threads;
  td.wall_time_s = s.engine_wall_s;
  td.transport_wall_time_s = result.wall_time_s;
  td.target_rel_uncertainty = s.target_uncertainty;
  td.mean_rel_uncertainty = mean_unc;
  td.uncertainty_region = region ? "mask '" + s.stop_region_name + "'"
                                 : std::string("voxels above 50 % of the maximum dose");
  td.energy_balance_relative_residual = eb.relative_residual();
  set_mc_transport_provenance(df.provenance, td);

  run.lines.push_back("run       " + std::to_string(result.histories) + " decays, seed " + std::to_string(result.seed) +
                      ", " + df.device + ", transport " + format_g(result.wall_time_s, 3) + " s (" +
                      format_g(result.wall_time_s > 0 ? double(result.histories) / result.wall_time_s : 0, 3) + " decays/s)");
  run.lines.push_back("energy    emitted " + format_g(df.energy_emitted_J) + " J, deposited " + format_g(df.energy_deposited_J) +
                      " J, escaped " + format_g(df.energy_escaped_J) + " J (balance residual " +
                      format_g(eb.relative_residual(), 2) + ")");
  {
    // The transport emits the beta spectrum only: what else the nuclide emits is said and
    // counted (Ho-166: 0.031 MeV of conversion/Auger electrons, 4.5 % of its local electron
    // dose, and 0.030 MeV of photons per decay).
    const Nuclide nu = load_nuclide(df.nuclide);
    const double discrete_e = nu.electron_energy_per_decay_MeV - nu.beta_energy_per_decay_MeV;
    const double photons = nu.photon_energy_per_decay_MeV;
    df.extra["not_transported_energy_per_decay_MeV"] = discrete_e + photons;
    if (discrete_e + photons > 0.005 * nu.beta_energy_per_decay_MeV)
      run.lines.push_back("note      the Monte Carlo emits " + nu.name + "'s beta spectrum (" +
                          format_g(nu.beta_energy_per_decay_MeV, 4) + " MeV per decay); its discrete electrons (" +
                          format_g(discrete_e, 3) + " MeV) and photons (" + format_g(photons, 3) +
                          " MeV per decay) are not transported: the local electron dose is " +
                          format_g(100.0 * discrete_e / nu.electron_energy_per_decay_MeV, 2) +
                          " % low (betadose kernel --method ldm includes them)");
  }
  std::string unc = "uncertainty mean " + format_g(100.0 * mean_unc, 3) + " % over " +
                    (region ? "mask '" + s.stop_region_name + "'"
                            : std::string("voxels above 50 % of the maximum dose"));
  if (s.target_uncertainty > 0)
    unc += " (target " + format_g(100.0 * s.target_uncertainty, 3) + " %" +
           (mean_unc <= s.target_uncertainty ? ", reached)" : ", NOT reached: raise --histories)");
  run.lines.push_back(unc);
  return run;
}

}  // namespace bd
