// Validation cases for the point kernels: monoenergetic electron scaled kernels vs EGSnrc
// EDKnrc (ETRAN at 0.5 MeV), the 90Y DPK vs Graves 2019 to R95, 90Y voxel S-values vs
// Lanconelli 2012 (soft tissue and bone; in bone also the bremsstrahlung tail), the transport invariance checks, and the
// sensitivity case that proves the DPK criteria see a 2 % range change and a wrong elastic
// model. Comparisons: include/betadose/kernel_checks.hh (shared with the CI tests);
// statistics: kReplicas independent runs with distinct seeds (replica_seed), ν = kReplicas − 1.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "betadose/data_paths.hh"
#include "betadose/electron_tables.hh"
#include "betadose/errors.hh"
#include "betadose/invariance_phantoms.hh"
#include "betadose/kernel_checks.hh"
#include "betadose/materials.hh"
#include "betadose/nuclide.hh"
#include "betadose/point_kernels.hh"
#include "betadose/statistics.hh"
#include "validation_support.hh"

namespace bd::validation {

namespace {

// Mean and standard error over replicas of a vector quantity.
struct ReplicaStats {
  std::vector<double> mean, sigma;
};
ReplicaStats combine(const std::vector<std::vector<double>>& reps) {
  ReplicaStats s;
  const std::size_t n = reps.front().size();
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<double> v;
    for (const auto& r : reps) v.push_back(r[i]);
    s.mean.push_back(mean_of(v));
    s.sigma.push_back(standard_error_of(v));
  }
  return s;
}

KernelRunOptions replica_options(const ValidationContext& ctx, double histories, const std::string& stream, int r) {
  KernelRunOptions o;
  o.histories = static_cast<std::uint64_t>(histories / kReplicas);
  o.batches = 2;
  o.seed = replica_seed(ctx.seed, stream, r);
  o.device = ctx.device;
  o.threads = ctx.threads;
  return o;
}

// 90Y DPK in water (0.5 mm shells to 12 mm): per-replica shell energies, with a hook to
// perturb the run (density, elastic model) for the sensitivity case.
std::vector<std::vector<double>> y90_dpk_replicas(const ValidationContext& ctx, double histories,
                                                  const std::string& stream, double density,
                                                  const std::function<void(KernelRunOptions&)>& perturb = {}) {
  std::vector<std::vector<double>> reps;
  for (int r = 0; r < kReplicas; ++r) {
    KernelRunOptions o = replica_options(ctx, histories, stream, r);
    if (perturb) perturb(o);
    const auto dpk = run_dpk({"Y-90", 0}, "water", 0.5, 12.0, o, density);
    std::vector<double> e;
    for (const auto& s : dpk.shells) e.push_back(s.energy_per_decay_MeV);
    reps.push_back(e);
  }
  return reps;
}

KernelCheck y90_dpk_check(const ValidationContext& ctx, const ReplicaStats& s) {
  return check_y90_dpk(s.mean, s.sigma, reference_file(ctx, "dpk_y90_water_graves2019.csv"),
                       load_nuclide("Y-90").listed_mean_beta_energy_MeV, coverage_factor(kReplicaDof, kValidationAlpha));
}

std::string percent(double v) {
  std::ostringstream os;
  os.setf(std::ios::fixed);
  os.precision(2);
  os << (v >= 0 ? "+" : "") << 100 * v << " %";
  return os.str();
}

// Scaled kernel of monoenergetic electrons in water (0.05 r/r0 bins to 1.2 r0) from replicas,
// compared with EDKnrc (ETRAN at 0.5 MeV) over 0–1.1 r0.
KernelCheck mono_kernel_check(const ValidationContext& ctx, double e0_MeV, double histories, const std::string& stream,
                              const std::function<void(KernelRunOptions&)>& tweak, double& r0_mm) {
  r0_mm = 10 * estar_water_csda_range(reference_file(ctx, "estar_water_air_nist.csv"), e0_MeV);
  const double h = 0.05;
  std::vector<std::vector<double>> reps;
  for (int r = 0; r < kReplicas; ++r) {
    KernelRunOptions o = replica_options(ctx, histories, stream, r);
    if (tweak) tweak(o);
    const auto dpk = run_dpk({"", e0_MeV}, "water", h * r0_mm, 1.2 * r0_mm, o);
    std::vector<double> f;
    for (const auto& sh : dpk.shells) f.push_back(sh.energy_per_decay_MeV / e0_MeV / h);
    reps.push_back(f);
  }
  const auto s = combine(reps);
  const bool egs = e0_MeV != 0.5;
  return check_mono_kernel(s.mean, s.sigma, reference_file(ctx, "dpk_mono_electrons_water_egsnrc_etran.csv"),
                           egs ? "EGSnrc" : "ETRAN", e0_MeV, egs ? 0.015 : 0.05, 1.1,
                           coverage_factor(kReplicaDof, kValidationAlpha));
}

}  // namespace

std::vector<ValidationResult> mono_electron_kernel_case(const ValidationContext& ctx, double e0_MeV) {
  const double histories = ctx.quick ? 80000 : 2000000;
  double r0_mm = 0;
  const auto c = mono_kernel_check(ctx, e0_MeV, histories, "edk_mono_" + std::to_string(e0_MeV), {}, r0_mm);
  const bool egs = e0_MeV != 0.5;
  const std::string code = egs ? "EGSnrc" : "ETRAN";
  const double tol = egs ? 0.015 : 0.05;
  std::ostringstream csv;
  for (const auto& b : c.bins)
    csv << 0.5 * (b.x_lo + b.x_hi) << "," << b.mc << "," << b.ref << "," << b.mc_sigma << "," << code
        << ",r/r0,F = d(E/E0)/d(r/r0),0\n";
  std::ostringstream name;
  name << "edk_mono_" << e0_MeV << "MeV";
  append_csv(ctx, "kernel_" + name.str() + ".csv", "x,betadose,reference,sigma,reference_name,x_label,y_label,log_y", csv.str());
  const BinCheck& w = c.worst();
  ValidationResult r;
  r.name = name.str() + ": worst 0.05 bin |F_MC − F_" + code + "| / peak over 0–1.1 r/r0";
  r.reference = egs ? "EGSnrc EDKnrc scaled kernel (Mainegra-Hing et al. 2005)"
                    : "ETRAN scaled kernel (Berger/Seltzer, as quoted by Ferrer 2007)";
  r.reference_value = c.scale;
  r.value = c.scale + w.difference();
  r.sigma = w.mc_sigma;
  r.dof = kReplicaDof;
  r.difference = w.difference() / c.scale;
  std::ostringstream t;
  t << "±" << 100 * tol << " % of peak + kσ in every bin" << (egs ? "" : " (EGSnrc−ETRAN spread: 4.6–6.6 %)");
  r.tolerance = t.str();
  r.passed = c.failures == 0;
  std::ostringstream notes;
  notes << "worst bin r/r0 = " << w.x_lo << "–" << w.x_hi << " (allowed " << percent(w.allowed / c.scale) << " of peak, k = "
        << c.k << "); " << c.failures << " of " << c.bins.size() << " bins fail; r0 (ESTAR CSDA) = " << r0_mm << " mm; "
        << static_cast<long long>(histories) << " electrons in " << kReplicas << " replicas";
  r.notes = notes.str();
  return {r};
}

std::vector<ValidationResult> dpk_y90_case(const ValidationContext& ctx) {
  const double histories = ctx.quick ? 200000 : 4000000;
  const auto reps = y90_dpk_replicas(ctx, histories, "dpk_y90_water", 0);
  const auto s = combine(reps);
  const auto c = y90_dpk_check(ctx, s);
  std::ostringstream csv;
  for (const auto& b : c.bins)
    csv << 0.5 * (b.x_lo + b.x_hi) << "," << b.mc << "," << b.ref << "," << b.mc_sigma
        << ",Graves 2019,r [mm],energy per decay per 0.5 mm shell [MeV],1\n";
  append_csv(ctx, "kernel_dpk_y90_water.csv", "x,betadose,reference,sigma,reference_name,x_label,y_label,log_y", csv.str());
  // Per-shell deviations by range for the notes.
  std::ostringstream shells;
  for (const auto& b : c.bins) shells << (b.x_lo > 0 ? ", " : "") << b.x_hi << " mm " << percent(b.difference() / b.ref);
  std::vector<ValidationResult> out;
  {
    const BinCheck& w = c.worst();
    ValidationResult r;
    r.name = "dpk_y90_water: worst 0.5 mm shell energy vs Graves 2019, r < R95";
    r.reference = "Graves et al. 2019 (Med Phys 46:5284)";
    r.reference_value = w.ref;
    r.value = w.mc;
    r.sigma = std::hypot(w.mc_sigma, w.ref_sigma);
    r.dof = kReplicaDof;
    r.difference = w.difference() / w.ref;
    r.tolerance = "±3 % to 4 mm, ±5 % to R95, + kσ per shell";
    r.passed = c.failures == 0;
    std::ostringstream n;
    n << "worst shell " << w.x_lo << "–" << w.x_hi << " mm; R95(Graves) = " << c.r95_ref_mm << " mm; " << c.failures
      << " of " << c.bins.size() << " shells fail; k = " << c.k << "; " << static_cast<long long>(histories)
      << " decays in " << kReplicas << " replicas. Shells: " << shells.str();
    r.notes = n.str();
    out.push_back(r);
  }
  {
    // X90 per replica (its spread is the uncertainty of the mean X90).
    std::vector<double> x90;
    for (const auto& e : reps) x90.push_back(check_y90_dpk(e, std::vector<double>(e.size(), 0.0),
                                                           reference_file(ctx, "dpk_y90_water_graves2019.csv"),
                                                           load_nuclide("Y-90").listed_mean_beta_energy_MeV, 1.0)
                                                 .x90_mc_mm);
    ValidationResult r;
    r.name = "dpk_y90_water: X90 [mm]";
    r.reference = "Graves et al. 2019 X90 (90 % of the ICRP-107 mean energy)";
    r.reference_value = c.x90_ref_mm;
    r.value = mean_of(x90);
    r.sigma = standard_error_of(x90);
    r.dof = kReplicaDof;
    r.difference = r.value / c.x90_ref_mm - 1;
    r.tolerance = "±1 % + kσ";
    r.passed = within_band(r.difference, r.sigma / c.x90_ref_mm, -0.01, 0.01, r.dof);
    out.push_back(r);
  }
  return out;
}

namespace {

// Voxels of the full cube at the folded offset (i >= j >= k >= 0): distinct permutations
// times the sign choices of the non-zero components.
double offset_multiplicity(int i, int j, int k) {
  const int permutations = (i == j && j == k) ? 1 : (i == j || j == k) ? 3 : 6;
  return permutations * std::pow(2.0, (i > 0) + (j > 0) + (k > 0));
}

// Bone VSVs: the bremsstrahlung tail, the offsets (up to the reference's 5) whose nearest
// point lies farther from every point of the source voxel than 1.1 CSDA ranges of the 90Y
// endpoint (1.1: margin for energy-loss straggling; the spectrum vanishes at the endpoint).
// There only photons deposit, so their sum, weighted by the voxels per offset, is the
// bremsstrahlung energy absorbed beyond the electrons' reach. It is computed in a cube of at
// least 10 cm (run_vsv adds 2 voxels of margin to the half width): the tail is made of
// scattered photons, and a small cube loses them (at 2.21 mm voxels the tail is 5 % lower in
// a 3.3 cm cube than in 10–14 cm ones, which agree to 0.3 %); Lanconelli's phantom extent is
// not stated, so the infinite-medium limit is compared. Tolerance ±10 % + kσ: the unknown
// phantom extent of the reference (up to 5 % here), the bremsstrahlung cross sections and
// photon data of the two codes (a few %), and the residual-track bremsstrahlung of range-
// rejected electrons (CSDA, within 3 % + kσ of explicit transport: TransportInvariance.
// RangeRejectionKeepsTheBremsstrahlungTail). Keeping that bremsstrahlung local, as before
// it was emitted, made the 9.28 mm tail 25 % low.
constexpr double kTailCubeMinMm = 100.0;
constexpr int kReferenceHalfWidth = 5;
constexpr double kTailRangeMargin = 1.1;
constexpr double kTailTolerance = 0.10;

int vsv_half_width(bool bone, double voxel_mm) {
  if (!bone) return 3;
  const int tail = static_cast<int>(std::ceil((kTailCubeMinMm / voxel_mm - 5.0) / 2.0));
  return std::max(kReferenceHalfWidth, tail);
}

bool in_bremsstrahlung_tail(const std::array<int, 3>& key, double voxel_mm, double range_mm) {
  if (key[0] > kReferenceHalfWidth) return false;
  double gap2 = 0;
  for (int a : key) gap2 += std::pow(std::max(0, a - 1) * voxel_mm, 2);
  return std::sqrt(gap2) > kTailRangeMargin * range_mm;
}

}  // namespace

std::vector<ValidationResult> vsv_case(const ValidationContext& ctx, const std::string& tissue, double voxel_mm) {
  // Lanconelli 2012 (DOSXYZnrc): ICRU soft tissue at 1.04 g/cm³ (four-component composition)
  // and ICRU compact bone at 1.85 g/cm³ (see tests/core/transport_y90_test.cpp).
  const bool bone = tissue == "bone";
  std::ostringstream column;
  column << tissue << "_" << voxel_mm << "mm";
  const std::string stream = "vsv_" + column.str();
  const int half_width = vsv_half_width(bone, voxel_mm);
  std::vector<std::vector<double>> reps;
  std::vector<std::array<int, 3>> keys;
  for (int r = 0; r < kReplicas; ++r) {
    const auto o = replica_options(ctx, ctx.quick ? 200000 : 2000000, stream, r);
    const auto vsv = bone ? run_vsv({"Y-90", 0}, "bone-compact-icru", voxel_mm, half_width, o)
                          : run_vsv({"Y-90", 0}, "soft-tissue-icru4", voxel_mm, half_width, o, 1.04);
    std::vector<double> v;
    keys.clear();
    for (const auto& e : vsv.entries) {
      v.push_back(e.s_mGy_per_MBq_s);
      keys.push_back({e.i, e.j, e.k});
    }
    reps.push_back(v);
  }
  const auto s = combine(reps);
  const auto rows_path = (std::filesystem::path(materials_dir()) / "kernels" / "vsv_y90_lanconelli2012_all.csv").string();
  std::map<std::string, double> ref;
  {
    std::ifstream in(rows_path);
    BD_VALIDATE(in, rows_path << ": cannot open");
    std::string line;
    std::vector<std::string> header;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::vector<std::string> cells;
      std::stringstream ss(line);
      std::string cell;
      while (std::getline(ss, cell, ',')) cells.push_back(cell);
      if (header.empty()) {
        header = cells;
        continue;
      }
      for (std::size_t c = 3; c < header.size() && c < cells.size(); ++c)
        if (header[c] == column.str()) ref[cells[0] + "," + cells[1] + "," + cells[2]] = std::stod(cells[c]);
    }
    BD_VALIDATE(!ref.empty(), rows_path << ": no column " << column.str());
  }
  struct Check {
    int i, j, k;
    double tol;
  };
  std::vector<ValidationResult> out;
  for (const Check c : {Check{0, 0, 0, 0.02}, Check{1, 0, 0, 0.05}, Check{1, 1, 0, 0.05}, Check{1, 1, 1, 0.05},
                        Check{2, 0, 0, 0.10}}) {
    std::size_t q = 0;
    while (q < keys.size() && !(keys[q][0] == c.i && keys[q][1] == c.j && keys[q][2] == c.k)) ++q;
    const std::string key = std::to_string(c.i) + "," + std::to_string(c.j) + "," + std::to_string(c.k);
    BD_VALIDATE(q < keys.size() && ref.count(key), "VSV offset " << key << " missing");
    ValidationResult r;
    std::ostringstream n;
    n << "vsv_" << column.str() << ": S(" << c.i << "," << c.j << "," << c.k << ") [mGy/(MBq s)]";
    r.name = n.str();
    r.reference = std::string("Lanconelli et al. 2012 (DOSXYZnrc), ") + (bone ? "ICRU compact bone 1.85" : "ICRU soft tissue 1.04") + " g/cm3";
    r.reference_value = ref[key];
    r.value = s.mean[q];
    r.sigma = s.sigma[q];
    r.dof = kReplicaDof;
    r.difference = r.value / r.reference_value - 1;
    std::ostringstream t;
    t << "±" << 100 * c.tol << " % + kσ";
    r.tolerance = t.str();
    r.passed = within_band(r.difference, r.sigma / r.reference_value, -c.tol, c.tol, r.dof);
    out.push_back(r);
  }
  if (bone) {
    const Material m = find_material(load_materials(), "bone-compact-icru");
    const ElectronTables et = build_electron_tables(m);
    const double range_mm =
        et.interpolate(et.csda_range_g_cm2, load_nuclide("Y-90").endpoint_MeV) / m.density_g_cm3 * 10.0;
    std::vector<double> tail(reps.size(), 0.0);
    double tail_ref = 0;
    int offsets = 0;
    for (std::size_t q = 0; q < keys.size(); ++q) {
      if (!in_bremsstrahlung_tail(keys[q], voxel_mm, range_mm)) continue;
      const std::string key = std::to_string(keys[q][0]) + "," + std::to_string(keys[q][1]) + "," + std::to_string(keys[q][2]);
      BD_VALIDATE(ref.count(key), rows_path << ": VSV offset " << key << " missing");
      const double w = offset_multiplicity(keys[q][0], keys[q][1], keys[q][2]);
      tail_ref += w * ref[key];
      for (std::size_t r = 0; r < reps.size(); ++r) tail[r] += w * reps[r][q];
      ++offsets;
    }
    BD_VALIDATE(offsets > 0, "VSV " << column.str() << ": no offset up to " << kReferenceHalfWidth
                                    << " lies beyond the electron range");
    ValidationResult r;
    std::ostringstream n;
    n << "vsv_" << column.str() << ": bremsstrahlung tail, Σ S·voxels over the " << offsets
      << " offsets (≤ " << kReferenceHalfWidth << ") beyond " << kTailRangeMargin << " × CSDA range ("
      << range_mm << " mm) [mGy/(MBq s)]";
    r.name = n.str();
    r.reference = "Lanconelli et al. 2012 (DOSXYZnrc), ICRU compact bone 1.85 g/cm3, same offsets";
    r.reference_value = tail_ref;
    r.value = mean_of(tail);
    r.sigma = standard_error_of(tail);
    r.dof = kReplicaDof;
    r.difference = r.value / r.reference_value - 1;
    std::ostringstream t;
    t << "±" << 100 * kTailTolerance << " % + kσ (cube ≥ " << kTailCubeMinMm / 10 << " cm)";
    r.tolerance = t.str();
    r.passed = within_band(r.difference, r.sigma / r.reference_value, -kTailTolerance, kTailTolerance, r.dof);
    out.push_back(r);
  }
  return out;
}

std::vector<ValidationResult> invariance_case(const ValidationContext& ctx) {
  std::vector<ValidationResult> out;
  // Compare group g of two phantoms run with independent replicas; the difference's σ has
  // the Welch–Satterthwaite degrees of freedom of the two replica σs.
  auto compare = [&](const std::string& name, const KernelPhantom& a, const KernelPhantom& b, double electron_MeV,
                     double histories, const std::vector<std::pair<int, double>>& groups,
                     const std::function<void(KernelRunOptions&)>& tweak) {
    std::vector<std::vector<double>> ra, rb;
    for (int r = 0; r < kReplicas; ++r) {
      KernelRunOptions oa = replica_options(ctx, histories, name + "/a", r);
      KernelRunOptions ob = replica_options(ctx, histories, name + "/b", r);
      if (tweak) {
        tweak(oa);
        tweak(ob);
      }
      ra.push_back(run_voxel_kernel({"Y-90", electron_MeV}, a, oa).energy_per_decay_MeV);
      rb.push_back(run_voxel_kernel({"Y-90", electron_MeV}, b, ob).energy_per_decay_MeV);
    }
    const auto sa = combine(ra), sb = combine(rb);
    for (const auto& [g, tol] : groups) {
      ValidationResult r;
      r.name = name + ", group " + std::to_string(g);
      r.reference = "the same quantity in the reference phantom (exact in expectation)";
      r.reference_value = sb.mean[g];
      r.value = sa.mean[g];
      r.sigma = std::hypot(sa.sigma[g], sb.sigma[g]);
      r.dof = welch_dof(sa.sigma[g], kReplicaDof, sb.sigma[g], kReplicaDof);
      r.difference = r.value / r.reference_value - 1;
      std::ostringstream t;
      t << "±" << 100 * tol << " % + kσ";
      r.tolerance = t.str();
      r.passed = within_band(r.difference, r.sigma / r.reference_value, -tol, tol, r.dof);
      out.push_back(r);
    }
  };
  const double n = ctx.quick ? 200000 : 1600000;
  for (double voxel : {0.5, 1.0})
    for (double e : {0.1, 0.5, 1.0, 2.0, 0.0}) {
      std::ostringstream name;
      name << "invariance: water/water-copy checkerboard " << voxel << " mm, " << (e > 0 ? std::to_string(e) + " MeV e-" : "90Y")
           << " (0 source voxel, 1 face neighbours)";
      compare(name.str(), water_checkerboard_phantom(voxel, 9, true), water_checkerboard_phantom(voxel, 9, false), e, n,
              {{0, 0.003}, {1, 0.003}}, {});
    }
  auto no_range_rejection = [](KernelRunOptions& o) { o.params.range_rejection = false; };
  compare("invariance: density layers rho/1.2rho vs mass-thickness image, 1 MeV e- (group = layer + 5)",
          density_layer_phantom(1.0, 5, 5, true), density_layer_phantom(1.0, 5, 5, false), 1.0, n,
          {{4, 0.003}, {5, 0.003}, {6, 0.003}}, no_range_rejection);
  compare("invariance: density layers rho/1.2rho vs mass-thickness image, 90Y (group = layer + 6)",
          density_layer_phantom(2.0, 6, 9, true), density_layer_phantom(2.0, 6, 9, false), 0.0, n,
          {{5, 0.003}, {6, 0.003}, {7, 0.003}}, no_range_rejection);
  return out;
}

std::vector<ValidationResult> sensitivity_case(const ValidationContext& ctx) {
  // Each perturbation must make a criterion of the suite fail: proof that the criteria see a
  // 2 % range change and a wrong elastic model (issue 12). The range changes and the Mott
  // correction switched off are tried on the 90Y DPK criteria (a shell to R95 or X90), the
  // elastic model used before issue 12 on the 1 MeV EDKnrc kernel (1.5 % of its peak).
  struct Perturbation {
    std::string name;
    bool mono;  // 1 MeV kernel instead of the 90Y DPK
    double density;
    std::function<void(KernelRunOptions&)> tweak;
  };
  const std::vector<Perturbation> cases = {
      {"range +2 % (water at 0.98 g/cm3)", false, 0.98, {}},
      {"range −2 % (water at 1.02 g/cm3)", false, 1.02, {}},
      {"elastic: Wentzel–Molière Z(Z+1), Mott correction off", false, 0,
       [](KernelRunOptions& o) { o.tables.elastic = ElasticModel::wentzel_rutherford; }},
      {"elastic: Wentzel–Molière Z(Z+1) with McKinley–Feshbach (the model before issue 12)", true, 0,
       [](KernelRunOptions& o) { o.tables.elastic = ElasticModel::wentzel_mckinley_feshbach; }},
  };
  std::vector<ValidationResult> out;
  for (const auto& p : cases) {
    KernelCheck c;
    bool extra_fail = false;
    std::ostringstream extra;
    if (p.mono) {
      double r0_mm = 0;
      c = mono_kernel_check(ctx, 1.0, ctx.quick ? 200000 : 1000000, "sensitivity/" + p.name, p.tweak, r0_mm);
    } else {
      c = y90_dpk_check(ctx, combine(y90_dpk_replicas(ctx, ctx.quick ? 200000 : 2000000, "sensitivity/" + p.name,
                                                      p.density, p.tweak)));
      extra_fail = std::abs(c.x90_mc_mm / c.x90_ref_mm - 1) > 0.01;
      extra << "; X90 " << c.x90_mc_mm << " mm (" << percent(c.x90_mc_mm / c.x90_ref_mm - 1) << ")";
    }
    const BinCheck& w = c.worst();
    const double scale = p.mono ? c.scale : w.ref;
    ValidationResult r;
    r.name = "sensitivity: " + p.name + " fails the " + (p.mono ? "1 MeV EDKnrc kernel" : "90Y DPK") + " criteria";
    r.reference = p.mono ? "edk_mono_1 criteria (±1.5 % of peak + kσ)" : "dpk_y90_water criteria (shells to R95, X90 ±1 %)";
    r.reference_value = w.ref;
    r.value = w.mc;
    r.sigma = std::hypot(w.mc_sigma, w.ref_sigma);
    r.dof = kReplicaDof;
    r.difference = w.difference() / scale;
    r.tolerance = "must fail";
    r.passed = c.failures > 0 || extra_fail;
    std::ostringstream n;
    n << c.failures << " of " << c.bins.size() << " bins fail (worst " << w.x_lo << "–" << w.x_hi << (p.mono ? " r/r0, " : " mm, ")
      << percent(r.difference) << (p.mono ? " of peak" : "") << " vs allowed " << percent(w.allowed / scale) << ")"
      << extra.str();
    r.notes = n.str();
    out.push_back(r);
  }
  return out;
}

}  // namespace bd::validation
