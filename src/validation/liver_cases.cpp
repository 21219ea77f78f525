// Validation cases on generated liver phantoms, compared with the MIRD and partition models
// and with absorbed fractions derived independently from the Graves 2019 water DPK.
//
// Geometry (all cases): a cube of liver tissue (2 mm voxels; 1 mm for the tumour cases); the
// active region is the inner cube, surrounded by a 14 mm margin of inactive liver, more than the 90Y CSDA range
// (~11 mm), so no electron reaches the grid edge and the kernel's infinite-medium assumption
// holds. Tumours are spheres at the centre. Doses scale linearly with activity, so each
// compartment's dose for any T/N is assembled from two runs (activity in the tumour only;
// uniform activity everywhere): D(normal-only source) = D(uniform) − D(tumour-only source).
// The statistical uncertainty of a compartment mean comes from independent replica runs.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>

#include "betadose/absorbed_fraction.hh"
#include "betadose/errors.hh"
#include "betadose/materials.hh"
#include "betadose/nuclide.hh"
#include "betadose/transport.hh"
#include "betadose/validation.hh"
#include "validation_support.hh"

namespace bd::validation {

namespace {

constexpr double kVoxelMm = 2.0;        // uniform block
constexpr double kTumourVoxelMm = 1.0;  // tumour cases: a smoother voxelised sphere surface
constexpr double kMarginMm = 14.0;
constexpr double kMeVtoJ = 1.602176634e-13;

struct LiverBlock {
  Phantom phantom;
  std::vector<std::uint8_t> active;   // inner cube
  std::vector<std::uint8_t> tumour;   // sphere (may be empty)
  std::vector<std::uint8_t> labels;   // 0 inactive margin, 1 normal active liver, 2 tumour
  double density_g_cm3 = 0;
};

LiverBlock make_liver_block(double active_side_mm, double tumour_diameter_mm, double voxel_mm) {
  const auto liver = find_material(load_materials(), "liver");
  const auto n = static_cast<std::size_t>(std::lround((active_side_mm + 2 * kMarginMm) / voxel_mm));
  Grid g;
  g.size = {n, n, n};
  g.spacing_mm = {voxel_mm, voxel_mm, voxel_mm};
  LiverBlock b;
  b.density_g_cm3 = liver.density_g_cm3;
  b.phantom = Phantom::uniform(g, "liver", liver.density_g_cm3);
  b.active.assign(g.voxel_count(), 0);
  b.tumour.assign(g.voxel_count(), 0);
  b.labels.assign(g.voxel_count(), 0);
  const double centre = (n - 1) / 2.0;
  const double half_active = active_side_mm / 2, r_t = tumour_diameter_mm / 2;
  for (std::size_t k = 0; k < n; ++k)
    for (std::size_t j = 0; j < n; ++j)
      for (std::size_t i = 0; i < n; ++i) {
        const double x = (i - centre) * voxel_mm, y = (j - centre) * voxel_mm, z = (k - centre) * voxel_mm;
        const auto v = g.linear_index(i, j, k);
        if (std::max({std::abs(x), std::abs(y), std::abs(z)}) < half_active) {
          b.active[v] = 1;
          b.labels[v] = 1;
        }
        if (r_t > 0 && x * x + y * y + z * z <= r_t * r_t) {
          b.tumour[v] = 1;
          b.labels[v] = 2;
        }
      }
  return b;
}

VoxelSource source_on(const Grid& g, const std::vector<std::uint8_t>& mask, double total_bq) {
  VoxelSource s;
  s.grid = g;
  const double n = std::accumulate(mask.begin(), mask.end(), 0.0);
  s.activity_bq.assign(g.voxel_count(), 0.0);
  for (std::size_t v = 0; v < mask.size(); ++v)
    if (mask[v]) s.activity_bq[v] = total_bq / n;
  return s;
}

double count(const std::vector<std::uint8_t>& m) { return std::accumulate(m.begin(), m.end(), 0.0); }

std::vector<std::uint8_t> normal_mask(const LiverBlock& b) {
  std::vector<std::uint8_t> m(b.labels.size());
  for (std::size_t v = 0; v < m.size(); ++v) m[v] = b.labels[v] == 1;
  return m;
}

// Energy-per-decay deposited in a region, divided by the region mass [kg] gives the dose per
// decay; helpers keep everything "per decay emitted by the source" so doses for any activity
// concentration follow by scaling.
struct RegionDose {
  double mean = 0;   // mean over replicas of region energy per source decay [MeV]
  double sigma = 0;  // standard error of that mean
};

RegionDose region_energy(const std::vector<DoseResult>& runs, const std::vector<std::uint8_t>& mask) {
  std::vector<double> e;
  for (const auto& r : runs) {
    double s = 0;
    for (std::size_t v = 0; v < mask.size(); ++v)
      if (mask[v]) s += r.energy_per_decay_MeV[v];
    e.push_back(s);
  }
  return {mean_of(e), standard_error_of(e)};
}

}  // namespace

// ---------------------------------------------------------------------------------------
std::vector<ValidationResult> uniform_liver_case(const ValidationContext& ctx) {
  const auto nuclide = load_nuclide("Y-90");
  const double active_mm = ctx.quick ? 60 : 80;
  const auto block = make_liver_block(active_mm, 0, kVoxelMm);
  const auto& g = block.phantom.grid;
  const double activity_bq = 1e9;
  const auto runs = run_replicas(block.phantom, source_on(g, block.active, activity_bq),
                                 ctx.quick ? 1500000 : 4000000, ctx, "uniform_liver");
  std::vector<ValidationResult> out;

  // 1. Core (≥ 14 mm inside the active cube): charged-particle equilibrium.
  std::vector<std::uint8_t> core(g.voxel_count(), 0);
  const std::size_t n = g.size[0];
  const double centre = (n - 1) / 2.0, half_core = active_mm / 2 - kMarginMm;
  for (std::size_t k = 0; k < n; ++k)
    for (std::size_t j = 0; j < n; ++j)
      for (std::size_t i = 0; i < n; ++i)
        if (std::max({std::abs(i - centre), std::abs(j - centre), std::abs(k - centre)}) * kVoxelMm < half_core)
          core[g.linear_index(i, j, k)] = 1;
  const double voxel_mass_kg = block.density_g_cm3 * g.voxel_volume_mm3() * 1e-6;
  const double n_active = count(block.active);
  // MIRD limit: all emitted energy absorbed locally, E per decay from the nuclide data.
  const double mird_energy_per_voxel = nuclide.electron_energy_per_decay_MeV / n_active;
  const auto core_e = region_energy(runs, core);
  const double ratio = core_e.mean / (mird_energy_per_voxel * count(core));
  const double ratio_sigma = core_e.sigma / (mird_energy_per_voxel * count(core));
  {
    ValidationResult r;
    r.name = "uniform_liver: core dose / MIRD (emitted energy per mass)";
    r.reference = "A·Ē·τ/m, Ē from ICRP-107 nuclide data";
    r.reference_value = mird_energy_per_voxel * kMeVtoJ / voxel_mass_kg * activity_bq * nuclide.tau_s();
    r.value = r.reference_value * ratio;
    r.sigma = r.reference_value * ratio_sigma;
    r.difference = ratio - 1;
    r.tolerance = "[-1.0 %, +0.2 %] + kσ (bremsstrahlung escape only)";
    r.dof = kReplicaDof;
    r.passed = within_band(r.difference, ratio_sigma, -0.010, 0.002, kReplicaDof);
    r.notes = "core = voxels at least 14 mm inside the active cube (beyond the 90Y CSDA range)";
    out.push_back(r);
  }
  // 2. Emitted energy per GBq (complete decay) vs the ICRP-107 value 49.77 J/GBq.
  {
    std::vector<double> emitted;
    for (const auto& r : runs) emitted.push_back(r.balance_per_decay.emitted_MeV);
    const double e = mean_of(emitted), s = standard_error_of(emitted);
    ValidationResult r;
    r.name = "uniform_liver: emitted energy per GBq [J/GBq]";
    r.reference = "ICRP-107: 0.9331 MeV/decay × τ(64.1 h) = 49.77 J/GBq";
    r.reference_value = 49.77;
    r.value = e * kMeVtoJ * 1e9 * nuclide.tau_s();
    r.sigma = s * kMeVtoJ * 1e9 * nuclide.tau_s();
    r.difference = r.value / r.reference_value - 1;
    r.tolerance = "±0.5 % + kσ";
    r.dof = kReplicaDof;
    r.passed = within_band(r.difference, r.sigma / r.reference_value, -0.005, 0.005, kReplicaDof);
    out.push_back(r);
  }
  // 3. Energy balance closes.
  {
    double worst = 0;
    for (const auto& r : runs) worst = std::max(worst, r.balance_per_decay.relative_residual());
    ValidationResult r;
    r.name = "uniform_liver: energy balance residual (emitted − deposited − escaped)/emitted";
    r.reference = "0";
    r.reference_value = 0;
    r.value = worst;
    r.difference = worst;
    r.tolerance = "< 1e-6";
    r.passed = worst < 1e-6;
    out.push_back(r);
  }
  // 4. Whole active region: edge loss vs the kernel expectation.
  {
    const auto kernel = scale_kernel_to_density(
        read_graves_dpk(reference_file(ctx, "dpk_y90_water_graves2019.csv")), block.density_g_cm3);
    const auto f = kernel_absorbed_fractions(g, block.labels, 3, block.active, kernel, 2000000, ctx.seed);
    const auto whole = region_energy(runs, block.active);
    // Deposited-energy fractions: MC region energy over the MC deposited total.
    std::vector<double> dep;
    for (const auto& r : runs) dep.push_back(r.balance_per_decay.deposited_MeV);
    const double frac = whole.mean / mean_of(dep);
    const double frac_sigma = whole.sigma / mean_of(dep);
    ValidationResult r;
    r.name = "uniform_liver: fraction of deposited energy inside the active cube";
    r.reference = "Graves 2019 water DPK (density-scaled) integrated over the cube";
    r.reference_value = f[1];
    r.value = frac;
    r.sigma = frac_sigma;
    r.difference = frac / f[1] - 1;
    r.tolerance = "±1 % + kσ (kernel from another code and spectrum)";
    r.dof = kReplicaDof;
    r.passed = within_band(r.difference, frac_sigma / f[1], -0.01, 0.01, kReplicaDof);
    std::ostringstream os;
    os << "whole active cube mean dose / MIRD = " << whole.mean / nuclide.electron_energy_per_decay_MeV
       << " (edge loss " << 100 * (1 - whole.mean / nuclide.electron_energy_per_decay_MeV) << " %)";
    r.notes = os.str();
    out.push_back(r);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
std::vector<ValidationResult> tumour_partition_case(const ValidationContext& ctx, double diameter_mm,
                                                    const std::vector<double>& tn_ratios) {
  const auto nuclide = load_nuclide("Y-90");
  const double active_mm = std::max(60.0, diameter_mm + 30.0);
  const auto block = make_liver_block(active_mm, diameter_mm, kTumourVoxelMm);
  const auto& g = block.phantom.grid;
  const auto normal = normal_mask(block);
  const double histories = ctx.quick ? 400000 : 2000000;
  const std::string stream = "tumour_" + std::to_string(static_cast<int>(diameter_mm)) + "mm";
  const auto tumour_runs = run_replicas(block.phantom, source_on(g, block.tumour, 1.0), histories, ctx, stream + "/tumour-source");
  const auto uniform_runs = run_replicas(block.phantom, source_on(g, block.active, 1.0), histories, ctx, stream + "/uniform-source");
  const double n_t = count(block.tumour), n_n = count(normal), n_a = count(block.active);
  const double E = nuclide.electron_energy_per_decay_MeV;

  // Per unit activity concentration c (decays per voxel): energy in region R from a source
  // region S = c · n_S · e_{S→R}, with e the per-decay region energy from the runs.
  const auto e_tt = region_energy(tumour_runs, block.tumour);
  const auto e_tn = region_energy(tumour_runs, normal);
  const auto e_ut = region_energy(uniform_runs, block.tumour);
  const auto e_un = region_energy(uniform_runs, normal);

  // Independent expectation from the water DPK (density-scaled) over the same voxel masks.
  const auto kernel = scale_kernel_to_density(
      read_graves_dpk(reference_file(ctx, "dpk_y90_water_graves2019.csv")), block.density_g_cm3);
  const auto f_t = kernel_absorbed_fractions(g, block.labels, 3, block.tumour, kernel, 2000000, ctx.seed + 1);
  const auto f_n = kernel_absorbed_fractions(g, block.labels, 3, normal, kernel, 2000000, ctx.seed + 2);
  // The kernel counts deposited energy; scale by the MC deposited/emitted fraction
  // (bremsstrahlung escape, ~0.2 %) so both describe the same energy.
  std::vector<double> dep_frac;
  for (const auto& r : uniform_runs) dep_frac.push_back(r.balance_per_decay.deposited_MeV / r.balance_per_decay.emitted_MeV);
  const double kdep = mean_of(dep_frac);

  std::vector<ValidationResult> out;
  std::ostringstream csv;
  for (double tn : tn_ratios) {
    // Concentrations: c_N = 1, c_T = tn (decays per voxel, arbitrary units).
    // MC energy in tumour: from tumour source (tn·n_t decays) + from normal source (n_n decays).
    const double et_from_t = tn * n_t * e_tt.mean;
    const double et_from_n = n_a * e_ut.mean - n_t * e_tt.mean;  // normal-only = uniform − tumour-only
    const double en_from_t = tn * n_t * e_tn.mean;
    const double en_from_n = n_a * e_un.mean - n_t * e_tn.mean;
    const double d_t = (et_from_t + et_from_n) / n_t;  // per voxel (same mass per voxel)
    const double d_n = (en_from_t + en_from_n) / n_n;
    // Crude but conservative σ: replica standard errors combined in quadrature.
    const double s_t = std::sqrt(std::pow((tn - 1) * n_t * e_tt.sigma, 2) + std::pow(n_a * e_ut.sigma, 2)) / n_t;
    const double s_n = std::sqrt(std::pow((tn - 1) * n_t * e_tn.sigma, 2) + std::pow(n_a * e_un.sigma, 2)) / n_n;
    // Partition model: all energy absorbed in the compartment where it is emitted.
    const double model_t = tn * E, model_n = E;
    // Kernel expectation per voxel.
    const double k_t = kdep * E * (tn * n_t * f_t[2] + n_n * f_n[2]) / n_t;
    const double k_n = kdep * E * (tn * n_t * f_t[1] + n_n * f_n[1]) / n_n;
    std::ostringstream label;
    label << "tumour_" << diameter_mm / 10 << "cm_tn" << tn;
    // Each compartment against the independent kernel expectation (same masks, same edges).
    auto versus_kernel = [&](const char* what, double mc, double sigma, double expected, double model) {
      ValidationResult r;
      r.name = label.str() + ": " + what + " MC / kernel expectation";
      r.reference = "Graves 2019 DPK over the same voxel masks";
      r.reference_value = expected / model;
      r.value = mc / model;
      r.sigma = sigma / model;
      r.difference = mc / expected - 1;
      r.tolerance = "±2 % + kσ";
      r.dof = kReplicaDof;
      r.passed = within_band(r.difference, sigma / expected, -0.02, 0.02, kReplicaDof);
      std::ostringstream os;
      os << what << " MC / partition model = " << mc / model << " (kernel expectation " << expected / model << ")";
      r.notes = os.str();
      out.push_back(r);
    };
    versus_kernel("tumour", d_t, s_t, k_t, model_t);
    versus_kernel("normal liver", d_n, s_n, k_n, model_n);
    // The partition model itself, for the DESIGN.md target case (5 cm, T/N 4): the tumour lies
    // below the model by its boundary loss, the normal liver within 4 % (edge exchange).
    if (std::abs(diameter_mm - 50) < 1e-9 && std::abs(tn - 4) < 1e-9) {
      // The DESIGN.md band [0.94, 1.00) is for a smooth sphere; a voxelised sphere's staircase
      // surface loses more. Convert with the kernel's own smooth/voxelised ratio (Berger
      // reduction factor vs the voxel-mask integral): a computed geometry factor, not a fit.
      const double phi = sphere_self_absorbed_fraction(kernel, diameter_mm / 2);
      const double smooth = phi + (1 - phi) / tn, voxelised = k_t / model_t;
      const double factor = smooth / voxelised;
      ValidationResult r;
      r.name = label.str() + ": tumour MC / partition model (smooth-sphere equivalent)";
      r.reference = "partition model (local absorption)";
      r.reference_value = 1.0;
      r.value = d_t / model_t * factor;
      r.sigma = s_t / model_t * factor;
      r.difference = r.value - 1;
      r.tolerance = "[-6 %, 0 %) + kσ (boundary loss)";
      r.dof = kReplicaDof;
      r.passed = within_band(r.difference, r.sigma, -0.06, -1e-9, kReplicaDof);
      std::ostringstream os;
      os << "raw MC/model on the " << kTumourVoxelMm << " mm voxelised sphere " << d_t / model_t
         << "; kernel expectations: smooth sphere " << smooth << ", voxelised " << voxelised
         << " (factor " << factor << ")";
      r.notes = os.str();
      out.push_back(r);
      ValidationResult n;
      n.name = label.str() + ": normal liver MC / partition model";
      n.reference = "partition model (local absorption)";
      n.reference_value = 1.0;
      n.value = d_n / model_n;
      n.sigma = s_n / model_n;
      n.difference = n.value - 1;
      n.tolerance = "±4 % + kσ (edge and boundary exchange)";
      n.dof = kReplicaDof;
      n.passed = within_band(n.difference, n.sigma, -0.04, 0.04, kReplicaDof);
      n.notes = "the 80 mm active cube has a larger surface/volume than a real liver, so its edge "
                "loss (about 4 %) exceeds a patient's; see the kernel-expectation rows";
      out.push_back(n);
    }
    csv << diameter_mm << "," << tn << "," << d_t / model_t << "," << s_t / model_t << "," << k_t / model_t
        << "," << d_n / model_n << "," << s_n / model_n << "," << k_n / model_n << "\n";
  }
  append_csv(ctx, "partition_ratios.csv",
             "tumour_diameter_mm,tn_ratio,tumour_mc_over_model,tumour_sigma,tumour_kernel_over_model,"
             "normal_mc_over_model,normal_sigma,normal_kernel_over_model",
             csv.str());
  return out;
}

}  // namespace bd::validation
