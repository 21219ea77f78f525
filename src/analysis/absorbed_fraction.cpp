#include "betadose/absorbed_fraction.hh"

#include <fstream>
#include <numeric>
#include <sstream>

#include "betadose/errors.hh"

namespace bd {

RadialKernel read_graves_dpk(const std::string& path, double r_max_mm) {
  std::ifstream in(path);
  BD_VALIDATE(in, path << ": cannot open the dose point kernel file");
  RadialKernel k;
  k.source = path;
  std::string line;
  bool header_seen = false;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    if (!header_seen) {
      BD_VALIDATE(line.rfind("r_outer_cm,E_dep_per_emission_MeV", 0) == 0,
                  path << ":" << line_no
                       << ": expected header 'r_outer_cm,E_dep_per_emission_MeV,...' (Graves 2019 format)");
      header_seen = true;
      continue;
    }
    std::istringstream row(line);
    std::string r_cm, e_mev;
    std::getline(row, r_cm, ',');
    std::getline(row, e_mev, ',');
    double r_mm = 0, e = 0;
    try {
      r_mm = std::stod(r_cm) * 10.0;
      e = std::stod(e_mev);
    } catch (const std::exception&) {
      throw InputError(path + ":" + std::to_string(line_no) + ": expected two numbers, got '" + line + "'");
    }
    if (r_mm > r_max_mm + 1e-9) break;
    BD_VALIDATE(k.r_outer_mm.empty() || r_mm > k.r_outer_mm.back(),
                path << ":" << line_no << ": radii must increase");
    BD_VALIDATE(e >= 0, path << ":" << line_no << ": negative energy " << e);
    k.r_outer_mm.push_back(r_mm);
    k.energy_fraction.push_back(e);
  }
  BD_VALIDATE(!k.r_outer_mm.empty(), path << ": no kernel rows found");
  const double total = std::accumulate(k.energy_fraction.begin(), k.energy_fraction.end(), 0.0);
  BD_VALIDATE(total > 0, path << ": kernel deposits no energy");
  for (double& f : k.energy_fraction) f /= total;
  return k;
}

RadialKernel scale_kernel_to_density(const RadialKernel& water, double density_g_cm3) {
  BD_VALIDATE(density_g_cm3 > 0, "kernel density scaling: density must be positive");
  RadialKernel k = water;
  for (double& r : k.r_outer_mm) r /= density_g_cm3;
  return k;
}

double sphere_self_absorbed_fraction(const RadialKernel& kernel, double radius_mm, int subdivisions) {
  BD_VALIDATE(radius_mm > 0, "sphere radius must be positive, got " << radius_mm << " mm");
  const double R = radius_mm;
  auto reduction = [R](double r) {
    if (r >= 2 * R) return 0.0;
    const double x = r / R;
    return 1.0 - 0.75 * x + x * x * x / 16.0;
  };
  double phi = 0;
  double r_inner = 0;
  for (std::size_t i = 0; i < kernel.r_outer_mm.size(); ++i) {
    const double r_outer = kernel.r_outer_mm[i];
    // Energy assumed uniform in radius within a shell (shells are 0.1 mm wide).
    double mean_p = 0;
    for (int s = 0; s < subdivisions; ++s)
      mean_p += reduction(r_inner + (s + 0.5) * (r_outer - r_inner) / subdivisions);
    phi += kernel.energy_fraction[i] * mean_p / subdivisions;
    r_inner = r_outer;
  }
  return phi;
}

double kernel_radius_for_fraction(const RadialKernel& kernel, double fraction) {
  double cum = 0, r_inner = 0;
  for (std::size_t i = 0; i < kernel.r_outer_mm.size(); ++i) {
    const double next = cum + kernel.energy_fraction[i];
    if (next >= fraction) {
      const double t = kernel.energy_fraction[i] > 0 ? (fraction - cum) / kernel.energy_fraction[i] : 0;
      return r_inner + t * (kernel.r_outer_mm[i] - r_inner);
    }
    cum = next;
    r_inner = kernel.r_outer_mm[i];
  }
  return kernel.r_outer_mm.back();
}

}  // namespace bd
