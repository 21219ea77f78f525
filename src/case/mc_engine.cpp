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

std::uint64_t parse_histories(const std::string& text) {
  std::size_t used = 0;
  double h = 0;
  try {
    h = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  BD_VALIDATE(used == text.size() && std::isfinite(h) && h >= 1 && h < 1.8e19 && std::floor(h) == h,
              "--histories: '" << text << "' is not a positive whole number of decays (e.g. 2e7)");
  return static_cast<std::uint64_t>(h);
}

}  // namespace

void check_mc_settings(const McSettings& s) {
  parse_histories(s.histories);
  BD_VALIDATE(std::isfinite(s.target_uncertainty) && s.target_uncertainty >= 0 && s.target_uncertainty < 1,
              "--target-uncertainty is a relative uncertainty in (0, 1), e.g. 0.02 for 2 %, got "
                  << s.target_uncertainty);
  BD_VALIDATE(s.batches >= 2, "--batches must be at least 2 (uncertainties come from batch statistics)");
  BD_VALIDATE(s.threads >= 0, "--threads must be >= 0 (0 = all cores)");
  // --threads also bounds the host-side preparation (resampling, phantom building).
  if (s.threads > 0) omp_set_num_threads(s.threads);
  require_device(parse_device(s.device));
}

EngineRun run_mc_case(const DoseCase& dc, const McSettings& s,
                      const std::function<void(const TransportProgress&)>& progress) {
  const auto t_start = std::chrono::steady_clock::now();
  TransportOptions opt;
  opt.histories = parse_histories(s.histories);
  opt.target_rel_uncertainty = s.target_uncertainty;
  const std::vector<std::uint8_t>* region = nullptr;
  if (!s.uncertainty_mask.empty()) {
    region = dc.rois.find(s.uncertainty_mask);
    BD_VALIDATE(region != nullptr, "--uncertainty-mask " << s.uncertainty_mask << ": no ROI of that name (ROIs: "
                                                         << dc.rois.list() << "; give --mask "
                                                         << s.uncertainty_mask << "=file)");
    opt.uncertainty_mask = *region;
  }
  opt.batches = s.batches;
  opt.seed = s.seed;
  opt.device = parse_device(s.device);
  opt.threads = s.threads;
  opt.progress = progress;
  const DoseResult result = run_voxel_transport(dc.phantom, dc.source, opt);

  EngineRun run;
  DoseFile& df = run.file;
  df = case_dose_file(dc);
  df.dose_gy.assign(result.dose_gy.begin(), result.dose_gy.end());
  df.dose_rel_uncertainty.assign(result.rel_uncertainty.begin(), result.rel_uncertainty.end());
  if (!result.nuclide.empty()) df.nuclide = result.nuclide;
  df.method = "mc";
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
  df.extra["energy_balance_relative_residual"] = eb.relative_residual();
  df.extra["decays_per_bq_s"] = result.decays_per_bq;
  df.extra["transport_wall_time_s"] = result.wall_time_s;
  df.extra["target_rel_uncertainty"] = s.target_uncertainty;

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
  df.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();

  // TG-268 record: the parameters the transport used (DoseResult), the case's inputs.
  RunTransportDescription td;
  td.histories = result.histories;
  td.batches = result.batches;
  td.seed = result.seed;
  td.device = opt.device;
  td.threads = s.threads;
  td.wall_time_s = df.wall_time_s;
  td.transport_wall_time_s = result.wall_time_s;
  td.target_rel_uncertainty = s.target_uncertainty;
  td.mean_rel_uncertainty = mean_unc;
  td.uncertainty_region = region ? "mask '" + dc.rois.name_of(s.uncertainty_mask) + "'"
                                 : std::string("voxels above 50 % of the maximum dose");
  td.energy_balance_relative_residual = eb.relative_residual();
  df.provenance = mc_run_provenance(case_run_description(dc), load_nuclide(dc.source.nuclide),
                                    case_materials(dc), result.params, result.table_options, td,
                                    validation_case_summaries());

  run.lines.push_back("run       " + std::to_string(result.histories) + " decays, seed " + std::to_string(result.seed) +
                      ", " + df.device + ", transport " + format_g(result.wall_time_s, 3) + " s (" +
                      format_g(result.wall_time_s > 0 ? double(result.histories) / result.wall_time_s : 0, 3) + " decays/s)");
  run.lines.push_back("energy    emitted " + format_g(df.energy_emitted_J) + " J, deposited " + format_g(df.energy_deposited_J) +
                      " J, escaped " + format_g(df.energy_escaped_J) + " J (balance residual " +
                      format_g(eb.relative_residual(), 2) + ")");
  std::string unc = "uncertainty mean " + format_g(100.0 * mean_unc, 3) + " % over " +
                    (region ? "mask '" + dc.rois.name_of(s.uncertainty_mask) + "'"
                            : std::string("voxels above 50 % of the maximum dose"));
  if (s.target_uncertainty > 0)
    unc += " (target " + format_g(100.0 * s.target_uncertainty, 3) + " %" +
           (mean_unc <= s.target_uncertainty ? ", reached)" : ", NOT reached: raise --histories)");
  run.lines.push_back(unc);
  return run;
}

}  // namespace bd
