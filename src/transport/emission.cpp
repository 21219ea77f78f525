#include "src/transport/emission.hh"

#include <sstream>

#include "betadose/errors.hh"
#include "betadose/nuclide.hh"

namespace bd::detail {

EmissionData make_emission(const EmissionSpec& spec) {
  EmissionData e;
  if (spec.electron_MeV > 0) {
    BD_VALIDATE(spec.electron_MeV > 0.01 && spec.electron_MeV <= 3.0,
                "--electron-mev " << spec.electron_MeV
                                  << ": monoenergetic electrons must be in (0.01, 3] MeV (table range)");
    std::ostringstream os;
    os << "e- " << spec.electron_MeV << " MeV";
    e.label = os.str();
    e.mono_MeV = spec.electron_MeV;
    e.mean_MeV = spec.electron_MeV;
    return e;
  }
  const Nuclide nu = load_nuclide(spec.nuclide);
  const SpectrumTable table = build_spectrum_table(nu);
  BD_VALIDATE(table.energy_MeV.back() <= 3.0, "nuclide " << spec.nuclide << ": beta endpoint "
                                                          << table.energy_MeV.back()
                                                          << " MeV beyond the 3 MeV transport tables");
  e.label = nu.name;
  e.betas_per_decay = nu.beta_yield;
  e.mean_MeV = table.mean_MeV;
  e.tau_s = nu.tau_s();
  e.energy = MirroredArray<double>(table.energy_MeV);
  e.pdf = MirroredArray<double>(table.pdf_per_MeV);
  e.cdf = MirroredArray<double>(table.cdf);
  e.guide = MirroredArray<unsigned>(table.guide);
  return e;
}

PrimaryEnergy EmissionData::primary(bool device) const {
  PrimaryEnergy p;
  p.mono_MeV = static_cast<float>(mono_MeV);
  if (mono_MeV <= 0) {
    p.spectrum.energy_MeV = device ? energy.device_view() : energy.host_view();
    p.spectrum.pdf_per_MeV = device ? pdf.device_view() : pdf.host_view();
    p.spectrum.cdf = device ? cdf.device_view() : cdf.host_view();
    p.spectrum.guide = device ? guide.device_view() : guide.host_view();
  }
  return p;
}

void EmissionData::mirror_to_device() {
  if (mono_MeV > 0) return;
  energy.mirror_to_device();
  pdf.mirror_to_device();
  cdf.mirror_to_device();
  guide.mirror_to_device();
}

}  // namespace bd::detail
