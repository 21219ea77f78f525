// Point kernels (DPK) and voxel kernels (VSV): reading, scaling and voxel integration.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>

#include "betadose/data_paths.hh"
#include "betadose/errors.hh"
#include "betadose/kernel_methods.hh"
#include "betadose/memory_check.hh"
#include "betadose/quadrature.hh"
#include "betadose/text_parse.hh"
#include "csv_table.hh"

namespace bd {

namespace {
constexpr double kPi = 3.14159265358979323846;
}  // namespace

double DecayData::decays_per_bq() const { return half_life_s / std::log(2.0); }

DensityCorrection parse_density_correction(const std::string& text) {
  if (text == "none") return DensityCorrection::none;
  if (text == "density") return DensityCorrection::density;
  if (text == "material") return DensityCorrection::material;
  throw InputError(detail::concat("--density-correction: unknown value '", text,
                                  "' (expected none, density or material)"));
}

const char* to_string(DensityCorrection correction) {
  switch (correction) {
    case DensityCorrection::none: return "none";
    case DensityCorrection::density: return "density";
    case DensityCorrection::material: return "material";
  }
  return "?";
}

KernelTissue kernel_tissue_of(const std::string& material_name) {
  return material_name.find("bone") != std::string::npos ? KernelTissue::bone
                                                          : KernelTissue::soft;
}

double PointKernel::total_energy_MeV() const {
  double s = 0;
  for (double e : energy_MeV) s += e;
  return s;
}

namespace {
// The medium a betadose kernel CSV names in its header comment; the numbers must parse (a
// "1.0e" there threw std::invalid_argument: fuzz_kernel_csv).
KernelCsvMedium medium_from_comments(const std::vector<std::string>& comments, const std::string& path) {
  KernelCsvMedium m;
  static const std::regex re(R"(betadose (dpk|vsv): (.*?) in (\S+) at ([0-9.eE+-]+) g/cm3)");
  static const std::regex vre(R"(voxel ([0-9.eE+-]+) mm)");
  for (const auto& c : comments) {
    std::smatch sm;
    if (std::regex_search(c, sm, re)) {
      m.emitter = sm[2];
      m.material = sm[3];
      m.density_g_cm3 = parse_number(sm[4], path + ": header comment", "density (g/cm3)");
      std::smatch vm;
      if (std::regex_search(c, vm, vre)) m.voxel_mm = parse_number(vm[1], path + ": header comment", "voxel (mm)");
      break;
    }
  }
  return m;
}
}  // namespace

KernelCsvMedium read_kernel_csv_medium(const std::string& path) {
  return medium_from_comments(detail::read_csv_table(path).comments, path);
}

PointKernel read_point_kernel_csv(const std::string& path) {
  const auto table = detail::read_csv_table(path);
  PointKernel k;
  k.source = path;
  const KernelCsvMedium medium = medium_from_comments(table.comments, path);
  if (!medium.material.empty() && medium.density_g_cm3 > 0) {
    k.material = medium.material;
    k.density_g_cm3 = medium.density_g_cm3;
  }
  if (table.has("r_inner_mm") && table.has("r_outer_mm") && table.has("energy_per_decay_MeV")) {
    const auto& ri = table.column("r_inner_mm");
    const auto& ro = table.column("r_outer_mm");
    const auto& e = table.column("energy_per_decay_MeV");
    for (std::size_t r = 0; r < ri.size(); ++r) {
      k.r_inner_mm.push_back(ri[r]);
      k.r_outer_mm.push_back(ro[r]);
      k.energy_MeV.push_back(e[r]);
    }
  } else if (table.has("r_outer_cm") && table.has("E_dep_per_emission_MeV")) {
    // Graves et al. 2019: contiguous shells from r = 0; stop at the first gap (the reference
    // copy keeps only selected rows of the bremsstrahlung tail beyond 12 mm).
    const auto& ro = table.column("r_outer_cm");
    const auto& e = table.column("E_dep_per_emission_MeV");
    double prev = 0;
    double width = -1;
    for (std::size_t r = 0; r < ro.size(); ++r) {
      const double w = ro[r] - prev;
      if (width > 0 && w > 1.5 * width) break;
      if (width < 0) width = w;
      k.r_inner_mm.push_back(prev * 10.0);
      k.r_outer_mm.push_back(ro[r] * 10.0);
      k.energy_MeV.push_back(e[r]);
      prev = ro[r];
    }
  } else {
    throw InputError(detail::concat(
        path, ": not a point-kernel CSV (expected the `betadose dpk` columns r_inner_mm,",
        "r_outer_mm,...,energy_per_decay_MeV or the Graves 2019 columns r_outer_cm,",
        "E_dep_per_emission_MeV)"));
  }
  BD_VALIDATE(!k.energy_MeV.empty(), path << ": point kernel has no shells");
  for (std::size_t s = 0; s < k.energy_MeV.size(); ++s) {
    BD_VALIDATE(k.r_outer_mm[s] > k.r_inner_mm[s] && k.r_inner_mm[s] >= 0,
                path << ": shell " << s << " has r_outer_mm " << k.r_outer_mm[s]
                     << " <= r_inner_mm " << k.r_inner_mm[s] << " (expected increasing radii)");
    BD_VALIDATE(std::isfinite(k.energy_MeV[s]) && k.energy_MeV[s] >= 0,
                path << ": shell " << s << " energy " << k.energy_MeV[s]
                     << " MeV (expected a finite value >= 0)");
    if (s > 0) {
      BD_VALIDATE(k.r_inner_mm[s] >= k.r_outer_mm[s - 1] - 1e-9,
                  path << ": shells " << s - 1 << " and " << s << " overlap");
    }
  }
  BD_VALIDATE(k.total_energy_MeV() > 0, path << ": point kernel deposits no energy");
  return k;
}

PointKernel scale_point_kernel(const PointKernel& kernel, double density_g_cm3,
                               const std::string& material) {
  BD_VALIDATE(density_g_cm3 > 0, "kernel scaling: density " << density_g_cm3
                                                            << " g/cm3 (expected > 0)");
  PointKernel out = kernel;
  const double f = kernel.density_g_cm3 / density_g_cm3;
  for (auto& r : out.r_inner_mm) r *= f;
  for (auto& r : out.r_outer_mm) r *= f;
  out.density_g_cm3 = density_g_cm3;
  out.material = material;
  out.source = kernel.source + " (range-scaled to " + material + ")";
  return out;
}

double VoxelKernel::total_energy_MeV() const {
  double s = 0;
  for (double e : energy_MeV) s += e;
  return s;
}

double VoxelKernel::voxel_mass_kg() const {
  // [g/cm3] x [mm3] x 1e-3 cm3/mm3 x 1e-3 kg/g
  return density_g_cm3 * spacing_mm[0] * spacing_mm[1] * spacing_mm[2] * 1e-6;
}

double VoxelKernel::s_value_mGy_per_MBq_s(int di, int dj, int dk) const {
  // MeV/decay x J/MeV x 1e6 decays/(MBq s) / kg -> Gy; x 1e3 -> mGy
  return at(di, dj, dk) * kJoulePerMeV * 1e6 / voxel_mass_kg() * 1e3;
}

VoxelKernel voxelize_point_kernel(const PointKernel& kernel, const Vec3& spacing_mm,
                                  int source_samples, double points_per_voxel_area) {
  for (int a = 0; a < 3; ++a) {
    BD_VALIDATE(spacing_mm[a] > 0, "voxel kernel: spacing " << spacing_mm[a]
                                                             << " mm (expected > 0)");
  }
  BD_VALIDATE(source_samples >= 1 && points_per_voxel_area > 0,
              "voxel kernel: source_samples and points_per_voxel_area must be positive");
  VoxelKernel vk;
  vk.spacing_mm = spacing_mm;
  vk.material = kernel.material;
  vk.density_g_cm3 = kernel.density_g_cm3;
  vk.source = kernel.source + " (voxel-integrated)";
  const double reach = kernel.reach_mm();
  for (int a = 0; a < 3; ++a) {
    vk.half_width[a] = static_cast<int>(std::ceil(reach / spacing_mm[a] + 0.5));
  }
  vk.energy_MeV.assign(static_cast<std::size_t>(vk.size()[0]) * vk.size()[1] * vk.size()[2], 0.0);
  const double h_min = std::min({spacing_mm[0], spacing_mm[1], spacing_mm[2]});
  const int ns = source_samples;
  std::mt19937_64 rng(20120517);  // fixed: the kernel is a deterministic function of its inputs
  std::normal_distribution<double> normal;

  for (std::size_t s = 0; s < kernel.energy_MeV.size(); ++s) {
    const double e_shell = kernel.energy_MeV[s];
    if (e_shell <= 0) continue;
    const double r0 = kernel.r_inner_mm[s];
    const double r1 = kernel.r_outer_mm[s];
    const int n_r = std::max(1, static_cast<int>(std::ceil((r1 - r0) / (0.25 * h_min))));
    for (int m = 0; m < n_r; ++m) {
      // equal-volume radii: r³ uniform in the shell
      const double u = (m + 0.5) / n_r;
      const double r = std::cbrt(r0 * r0 * r0 + u * (r1 * r1 * r1 - r0 * r0 * r0));
      const int n_dir = std::max(
          16, static_cast<int>(std::ceil(points_per_voxel_area * 4 * kPi * r * r / (h_min * h_min))));
      const double w = e_shell / (static_cast<double>(n_r) * n_dir * ns * ns * ns);
      for (int sz = 0; sz < ns; ++sz)
        for (int sy = 0; sy < ns; ++sy)
          for (int sx = 0; sx < ns; ++sx) {
            const double y[3] = {spacing_mm[0] * ((sx + 0.5) / ns - 0.5),
                                 spacing_mm[1] * ((sy + 0.5) / ns - 0.5),
                                 spacing_mm[2] * ((sz + 0.5) / ns - 0.5)};
            rotated_fibonacci_directions(n_dir, [&] { return normal(rng); }, [&](double dx, double dy, double dz) {
              const double dir[3] = {dx, dy, dz};
              int idx[3];
              for (int ax = 0; ax < 3; ++ax)
                idx[ax] = static_cast<int>(std::lround((y[ax] + r * dir[ax]) / spacing_mm[ax]));
              vk.energy_MeV[vk.index(idx[0], idx[1], idx[2])] += w;
            });
          }
    }
  }
  // The exact voxel kernel is symmetric under reflections of each axis, and under exchanges of
  // axes with equal spacing; averaging over these symmetries removes part of the quadrature
  // noise and keeps the total (each orbit's energy is redistributed within the orbit).
  std::vector<double> sym(vk.energy_MeV.size(), 0.0);
  const int perms[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
  for (int dk = -vk.half_width[2]; dk <= vk.half_width[2]; ++dk)
    for (int dj = -vk.half_width[1]; dj <= vk.half_width[1]; ++dj)
      for (int di = -vk.half_width[0]; di <= vk.half_width[0]; ++di) {
        const int d[3] = {di, dj, dk};
        double sum = 0;
        int count = 0;
        for (const auto& pm : perms) {
          bool allowed = true;
          for (int a = 0; a < 3; ++a) {
            if (std::abs(spacing_mm[pm[a]] - spacing_mm[a]) > 1e-9 * spacing_mm[a]) allowed = false;
          }
          if (!allowed) continue;
          const int q[3] = {d[pm[0]], d[pm[1]], d[pm[2]]};
          for (int sx : {-1, 1})
            for (int sy : {-1, 1})
              for (int sz : {-1, 1}) {
                sum += vk.energy_MeV[vk.index(sx * q[0], sy * q[1], sz * q[2])];
                ++count;
              }
        }
        sym[vk.index(di, dj, dk)] = sum / count;
      }
  vk.energy_MeV.swap(sym);
  return vk;
}

namespace {

// Expands one octant (0 <= k <= j <= i, or any permutation present) to all offsets by the
// cube's symmetries (axis reflections and permutations).
void set_symmetric(VoxelKernel& vk, int i, int j, int k, double value) {
  const int p[3] = {i, j, k};
  const int perms[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
  for (const auto& pm : perms) {
    const int a = p[pm[0]], b = p[pm[1]], c = p[pm[2]];
    for (int sa : {-1, 1})
      for (int sb : {-1, 1})
        for (int sc : {-1, 1}) vk.energy_MeV[vk.index(sa * a, sb * b, sc * c)] = value;
  }
}

VoxelKernel make_cubic_kernel(int half_width, double voxel_mm, const std::string& material,
                              double density_g_cm3, const std::string& source) {
  VoxelKernel vk;
  vk.half_width = {{half_width, half_width, half_width}};
  vk.spacing_mm = {{voxel_mm, voxel_mm, voxel_mm}};
  vk.material = material;
  vk.density_g_cm3 = density_g_cm3;
  vk.source = source;
  const std::size_t n = 2 * static_cast<std::size_t>(half_width) + 1;
  // An offset of 1000 voxels in a CSV is a (2001)^3 grid of 64 GB (found by fuzz_kernel_csv).
  require_memory(double(n) * double(n) * double(n) * sizeof(double),
                 source + ": a voxel kernel of half-width " + std::to_string(half_width) + " voxels",
                 "a kernel with smaller offsets i, j, k");
  vk.energy_MeV.assign(n * n * n, -1.0);  // -1 = not given (checked after filling)
  return vk;
}

// The largest of the offset columns i, j, k, each a whole number in [0, 1000].
int kernel_half_width(const std::vector<double>& ci, const std::vector<double>& cj, const std::vector<double>& ck,
                      const std::string& path) {
  int hw = 0;
  for (std::size_t r = 0; r < ci.size(); ++r) {
    for (double v : {ci[r], cj[r], ck[r]}) {
      BD_VALIDATE(v >= 0 && v == std::floor(v) && v <= 1000,
                  path << ": row " << r + 1 << ": offset " << v << " (expected a whole number from 0 to 1000)");
      hw = std::max(hw, static_cast<int>(v));
    }
  }
  return hw;
}

double s_to_energy_MeV(double s_mGy_per_MBq_s, const VoxelKernel& vk) {
  return s_mGy_per_MBq_s * 1e-3 * vk.voxel_mass_kg() / (1e6 * kJoulePerMeV);
}

}  // namespace

VoxelKernel read_vsv_csv(const std::string& path, double voxel_mm, const std::string& material,
                         double density_g_cm3) {
  BD_VALIDATE(voxel_mm > 0, path << ": VSV voxel size " << voxel_mm << " mm (expected > 0)");
  BD_VALIDATE(density_g_cm3 > 0,
              path << ": VSV medium density " << density_g_cm3 << " g/cm3 (expected > 0)");
  const auto table = detail::read_csv_table(path);
  for (const char* col : {"i", "j", "k", "s_mGy_per_MBq_s"}) {
    BD_VALIDATE(table.has(col), path << ": missing column '" << col
                                     << "' (expected the `betadose vsv` CSV: i,j,k,"
                                        "s_mGy_per_MBq_s,energy_fraction,rel_uncertainty)");
  }
  const auto& ci = table.column("i");
  const auto& cj = table.column("j");
  const auto& ck = table.column("k");
  const auto& cs = table.column("s_mGy_per_MBq_s");
  const int hw = kernel_half_width(ci, cj, ck, path);
  VoxelKernel vk = make_cubic_kernel(hw, voxel_mm, material, density_g_cm3, path);
  for (std::size_t r = 0; r < ci.size(); ++r) {
    BD_VALIDATE(std::isfinite(cs[r]) && cs[r] >= 0,
                path << ": row " << r + 1 << ": S value " << cs[r] << " (expected >= 0)");
    set_symmetric(vk, static_cast<int>(ci[r]), static_cast<int>(cj[r]), static_cast<int>(ck[r]),
                  s_to_energy_MeV(cs[r], vk));
  }
  for (double e : vk.energy_MeV) {
    BD_VALIDATE(e >= 0, path << ": the octant 0 <= k <= j <= i <= " << hw
                             << " is incomplete (some offsets have no S value)");
  }
  return vk;
}

std::string default_lanconelli_path() {
  return materials_dir() + "/kernels/vsv_y90_lanconelli2012_all.csv";
}

namespace {
// Column names "<tissue>_<size>mm" -> sizes for one tissue.
std::vector<std::pair<std::string, double>> lanconelli_columns(const detail::CsvTable& table,
                                                               const std::string& tissue) {
  std::vector<std::pair<std::string, double>> out;
  const std::string prefix = tissue + "_";
  for (const auto& name : table.names) {
    if (name.rfind(prefix, 0) == 0 && name.size() > prefix.size() + 2 &&
        name.compare(name.size() - 2, 2, "mm") == 0) {
      const std::string size = name.substr(prefix.size(), name.size() - prefix.size() - 2);
      char* end = nullptr;
      const double mm = std::strtod(size.c_str(), &end);
      if (end == size.c_str() + size.size() && std::isfinite(mm) && mm > 0) out.emplace_back(name, mm);
    }
  }
  return out;
}
}  // namespace

std::vector<double> lanconelli_voxel_sizes_mm(const std::string& path) {
  const auto table = detail::read_csv_table(path);
  std::vector<double> sizes;
  for (const auto& c : lanconelli_columns(table, "soft")) sizes.push_back(c.second);
  return sizes;
}

VoxelKernel read_lanconelli_vsv(const std::string& path, const std::string& tissue,
                                double voxel_mm) {
  BD_VALIDATE(tissue == "soft" || tissue == "bone",
              "Lanconelli VSV: tissue '" << tissue << "' (expected soft or bone)");
  const auto table = detail::read_csv_table(path);
  for (const char* col : {"i", "j", "k"}) {
    BD_VALIDATE(table.has(col), path << ": missing column '" << col
                                     << "' (expected the Lanconelli 2012 table i,j,k,"
                                        "bone_<size>mm,soft_<size>mm,...)");
  }
  const auto cols = lanconelli_columns(table, tissue);
  std::string chosen;
  std::ostringstream avail;
  for (const auto& c : cols) {
    avail << (avail.tellp() > 0 ? ", " : "") << c.second;
    if (std::abs(c.second - voxel_mm) <= 0.01 * voxel_mm) chosen = c.first;
  }
  BD_VALIDATE(!chosen.empty(),
              path << ": no " << tissue << " voxel S values for " << voxel_mm
                   << " mm voxels (tabulated: " << avail.str()
                   << " mm); resample the images to a tabulated voxel size or generate a kernel"
                      " with `betadose vsv --voxel-mm " << voxel_mm << "`");
  // ICRU soft tissue 1.04 g/cm3 and ICRU compact bone 1.85 g/cm3 as used by Lanconelli 2012
  // (DOSXYZnrc); the tabulated S values sum to the emitted energy with these masses to 0.3 %.
  const double density = tissue == "soft" ? 1.04 : 1.85;
  const std::string material = tissue == "soft" ? "soft-tissue" : "cortical-bone";
  const auto& ci = table.column("i");
  const auto& cj = table.column("j");
  const auto& ck = table.column("k");
  const auto& cs = table.column(chosen);
  const int hw = kernel_half_width(ci, cj, ck, path);
  VoxelKernel vk =
      make_cubic_kernel(hw, voxel_mm, material, density, path + " [" + chosen + "]");
  for (std::size_t r = 0; r < ci.size(); ++r) {
    set_symmetric(vk, static_cast<int>(ci[r]), static_cast<int>(cj[r]), static_cast<int>(ck[r]),
                  s_to_energy_MeV(cs[r], vk));
  }
  for (double e : vk.energy_MeV) {
    BD_VALIDATE(e >= 0, path << ": column " << chosen << " does not cover all offsets 0.." << hw);
  }
  return vk;
}

}  // namespace bd
