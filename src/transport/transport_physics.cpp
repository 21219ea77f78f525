// Compact transport tables from the electron and photon physics tables.
#include "betadose/transport_physics.hh"

#include <algorithm>
#include <cmath>

#include "betadose/data_paths.hh"
#include "betadose/elastic_scattering.hh"
#include "betadose/errors.hh"
#include "src/transport/photon_rows.hh"

namespace bd {
namespace {

constexpr double kPhotonEmin_MeV = 1e-3;
constexpr double kPhotonEmax_MeV = 3.0;
constexpr int kPhotonPoints = 349;  // as PhotonGrid (~100 per decade)
// Modified-Wentzel inverse table over <μ> (log grid).
constexpr double kMwMeanMin = 1e-7;
constexpr double kMwMeanMax = 0.49;
constexpr int kMwPoints = 512;

LogGrid make_grid(double lo, double hi, int n) {
  LogGrid g;
  g.n = n;
  g.ln_min = static_cast<float>(std::log(lo));
  g.inv_step = static_cast<float>((n - 1) / std::log(hi / lo));
  return g;
}

// ESTAR CSDA ranges of liquid water [g/cm²] (NIST SRD 124; reference/estar_water_air_nist.csv
// for >= 12.5 keV, the ESTAR 5 and 10 keV grid values from the same database).
constexpr double kEstarE_MeV[] = {0.005, 0.010, 0.0125, 0.015, 0.0175, 0.020, 0.025, 0.030,
                                  0.035, 0.040, 0.045, 0.050};
constexpr double kEstarR_g_cm2[] = {7.555e-5, 2.515e-4, 3.728e-4, 5.147e-4, 6.762e-4, 8.566e-4,
                                    1.272e-3, 1.756e-3, 2.306e-3, 2.919e-3, 3.591e-3, 4.320e-3};

}  // namespace

double matched_cut_energy_MeV(double resolution_g_cm2) {
  BD_VALIDATE(resolution_g_cm2 > 0 && std::isfinite(resolution_g_cm2),
              "scoring resolution " << resolution_g_cm2 << " g/cm2 must be positive");
  const double target = 0.02 * resolution_g_cm2;
  constexpr int n = sizeof(kEstarE_MeV) / sizeof(double);
  if (target <= kEstarR_g_cm2[0]) return kEstarE_MeV[0];
  if (target >= kEstarR_g_cm2[n - 1]) return kEstarE_MeV[n - 1];
  for (int i = 0; i + 1 < n; ++i) {
    if (target <= kEstarR_g_cm2[i + 1]) {
      const double x = std::log(target / kEstarR_g_cm2[i]) / std::log(kEstarR_g_cm2[i + 1] / kEstarR_g_cm2[i]);
      return kEstarE_MeV[i] * std::pow(kEstarE_MeV[i + 1] / kEstarE_MeV[i], x);
    }
  }
  return kEstarE_MeV[n - 1];
}

void match_cuts_to_resolution(double resolution_g_cm2, ElectronTableOptions& tables,
                              TransportParams& params) {
  const double ec = matched_cut_energy_MeV(resolution_g_cm2);
  tables.wcc_MeV = ec;
  params.eabs_electron_MeV = static_cast<float>(ec);
}

TransportPhysics build_transport_physics(const std::vector<Material>& materials,
                                         const TransportParams& params,
                                         const ElectronTableOptions& options) {
  BD_VALIDATE(!materials.empty(), "transport: no materials given");
  BD_VALIDATE(materials.size() <= 255, "transport: at most 255 materials per run (got "
                                           << materials.size() << ")");
  BD_VALIDATE(params.eabs_electron_MeV > options.e_min_MeV && params.eabs_photon_MeV > 0,
              "transport parameters: electron cut-off " << params.eabs_electron_MeV
                                                        << " MeV must exceed the table minimum "
                                                        << options.e_min_MeV << " MeV");
  BD_VALIDATE(params.max_eloss_fraction > 0 && params.max_eloss_fraction <= 0.3,
              "transport parameters: max_eloss_fraction " << params.max_eloss_fraction
                                                          << " must be in (0, 0.3]");
  // Each artificial collision needs <1 − P2> = c λ1/λ2 <= 1.5 with λ1/λ2 up to ~3.
  BD_VALIDATE(params.elastic_event_lambda1 > 0 && params.elastic_event_lambda1 <= 0.3,
              "transport parameters: elastic_event_lambda1 " << params.elastic_event_lambda1
                                                             << " must be in (0, 0.3]");
  TransportPhysics tp;
  tp.params = params;
  tp.params.wcc_MeV = static_cast<float>(options.wcc_MeV);
  tp.params.wcr_MeV = static_cast<float>(options.wcr_MeV);
  tp.photon_grid = make_grid(kPhotonEmin_MeV, kPhotonEmax_MeV, kPhotonPoints);
  tp.mw_grid = make_grid(kMwMeanMin, kMwMeanMax, kMwPoints);
  tp.mw_mean_max = static_cast<float>(kMwMeanMax);

  tp.electron = std::make_unique<ElectronParams>(materials, options);
  std::vector<PhotonRow> prows;
  for (const auto& m : materials) {
    tp.material_names.push_back(m.name);
    const auto p = photon_rows(m, kPhotonEmin_MeV, kPhotonEmax_MeV, kPhotonPoints);
    prows.insert(prows.end(), p.begin(), p.end());
  }
  tp.photon = MirroredArray<PhotonRow>(std::move(prows));

  std::vector<MwRow> mw;
  for (int i = 0; i < kMwPoints; ++i) {
    const double mean = std::exp(std::log(kMwMeanMin) + i * std::log(kMwMeanMax / kMwMeanMin) / (kMwPoints - 1));
    const double a = wentzel_screening_for_mean_mu(mean);
    mw.push_back(MwRow{static_cast<float>(std::log(a)), static_cast<float>(wentzel_mean_mu2(a))});
  }
  tp.mw = MirroredArray<MwRow>(std::move(mw));
  return tp;
}

TransportPhysics build_transport_physics(const std::vector<std::string>& names,
                                         const TransportParams& params,
                                         const ElectronTableOptions& options) {
  const auto all = load_materials();
  std::vector<Material> ms;
  for (const auto& n : names) ms.push_back(find_material(all, n));
  return build_transport_physics(ms, params, options);
}

std::vector<float> TransportPhysics::photon_majorant(const std::vector<double>& max_density) const {
  BD_VALIDATE(max_density.size() == material_names.size(),
              "photon majorant: " << max_density.size() << " densities for "
                                  << material_names.size() << " materials");
  const int n = photon_grid.n;
  std::vector<float> maj(static_cast<std::size_t>(n), 0.0f);
  const auto& rows = photon.host();
  for (std::size_t m = 0; m < material_names.size(); ++m) {
    if (max_density[m] <= 0) continue;
    for (int i = 0; i < n; ++i) {
      const PhotonRow& r = rows[m * n + i];
      // Same float sum as TransportTables::photon_row, scaled up by 1e-6 relative so that
      // rounding can never put a material's μ above the majorant.
      const float mu = (r.mu_photo + r.mu_compton + r.mu_rayleigh) * static_cast<float>(max_density[m]);
      maj[i] = std::max(maj[i], mu * (1.0f + 1e-6f));
    }
  }
  for (float v : maj) BD_VALIDATE(v > 0, "photon majorant: no material with positive density");
  return maj;
}

TransportTables TransportPhysics::view(ConstSpan<float> majorant, bool device) const {
  TransportTables t;
  t.n_materials = static_cast<int>(material_names.size());
  t.photon_grid = photon_grid;
  t.mw_grid = mw_grid;
  t.mw_mean_max = mw_mean_max;
  t.electron = device ? electron->device_view() : electron->host_view();
  t.photon = device ? photon.device_view() : photon.host_view();
  t.mw = device ? mw.device_view() : mw.host_view();
  t.photon_majorant = majorant;
  return t;
}

void TransportPhysics::mirror_to_device() {
  if (on_device) return;
  electron->mirror_to_device();
  photon.mirror_to_device();
  mw.mirror_to_device();
  on_device = true;
}

}  // namespace bd
