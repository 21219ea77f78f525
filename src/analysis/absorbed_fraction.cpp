#include "betadose/absorbed_fraction.hh"

#include <algorithm>
#include <numeric>
#include <sstream>

#include "betadose/input_file.hh"
#include "betadose/errors.hh"

namespace bd {

RadialKernel read_graves_dpk(const std::string& path, double r_max_mm) {
  std::istringstream in(read_text_input(path, "dose point kernel file"));
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

#include <cmath>

#include "kernels/rng.hh"

namespace bd {

std::vector<double> kernel_absorbed_fractions(const Grid& grid, const std::vector<std::uint8_t>& labels,
                                              int n_labels, const std::vector<std::uint8_t>& source_mask,
                                              const RadialKernel& kernel, std::uint64_t samples,
                                              std::uint64_t seed) {
  BD_VALIDATE(grid.direction_is_identity(), "kernel_absorbed_fractions: identity direction grids only");
  BD_VALIDATE(labels.size() == grid.voxel_count() && source_mask.size() == grid.voxel_count(),
              "kernel_absorbed_fractions: label/source volumes do not match the grid");
  std::vector<std::size_t> sources;
  for (std::size_t v = 0; v < source_mask.size(); ++v)
    if (source_mask[v]) sources.push_back(v);
  BD_VALIDATE(!sources.empty(), "kernel_absorbed_fractions: empty source mask");
  // Cumulative energy fraction at each shell's outer radius, for inverse-CDF sampling.
  std::vector<double> cdf(kernel.energy_fraction.size());
  std::partial_sum(kernel.energy_fraction.begin(), kernel.energy_fraction.end(), cdf.begin());
  const double total = cdf.back();
  const auto nx = grid.size[0], ny = grid.size[1], nz = grid.size[2];
  std::vector<std::uint64_t> counts(static_cast<std::size_t>(n_labels) + 1, 0);
  for (std::uint64_t s = 0; s < samples; ++s) {
    PhiloxEngine rng(seed, s);
    const std::size_t v = sources[std::min<std::size_t>(
        static_cast<std::size_t>(rng.uniform_double() * sources.size()), sources.size() - 1)];
    const std::size_t i = v % nx, j = (v / nx) % ny, k = v / (nx * ny);
    // Position in index units (voxel centres at integers).
    double p[3] = {i + rng.uniform_double() - 0.5, j + rng.uniform_double() - 0.5, k + rng.uniform_double() - 0.5};
    const double u = rng.uniform_double() * total;
    const std::size_t shell = static_cast<std::size_t>(std::lower_bound(cdf.begin(), cdf.end(), u) - cdf.begin());
    const double r_in = shell ? kernel.r_outer_mm[shell - 1] : 0.0;
    const double c_in = shell ? cdf[shell - 1] : 0.0;
    const double w = kernel.energy_fraction[shell] > 0 ? (u - c_in) / kernel.energy_fraction[shell] : 0.5;
    const double r = r_in + w * (kernel.r_outer_mm[shell] - r_in);
    const double cos_t = 2 * rng.uniform_double() - 1, phi = 2 * M_PI * rng.uniform_double();
    const double sin_t = std::sqrt(std::max(0.0, 1 - cos_t * cos_t));
    const double d[3] = {sin_t * std::cos(phi), sin_t * std::sin(phi), cos_t};
    std::int64_t idx[3];
    bool inside = true;
    for (int a = 0; a < 3; ++a) {
      idx[a] = static_cast<std::int64_t>(std::floor(p[a] + r * d[a] / grid.spacing_mm[a] + 0.5));
      if (idx[a] < 0 || idx[a] >= static_cast<std::int64_t>(grid.size[a])) inside = false;
    }
    (void)nz;
    if (!inside) {
      ++counts[static_cast<std::size_t>(n_labels)];
      continue;
    }
    const auto label = labels[grid.linear_index(idx[0], idx[1], idx[2])];
    BD_VALIDATE(label < n_labels, "kernel_absorbed_fractions: label " << int(label) << " >= n_labels");
    ++counts[label];
  }
  std::vector<double> fractions(counts.size());
  for (std::size_t l = 0; l < counts.size(); ++l) fractions[l] = static_cast<double>(counts[l]) / samples;
  return fractions;
}

}  // namespace bd
