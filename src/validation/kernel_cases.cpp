// Validation cases for the point kernels: monoenergetic electron scaled kernels vs EGSnrc
// EDKnrc, the 90Y DPK vs Graves 2019, and 90Y voxel S-values vs Lanconelli 2012.
// References are read from validation/references (copies of the published data with their
// provenance lines) and materials/kernels.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <filesystem>
#include <sstream>

#include "betadose/absorbed_fraction.hh"
#include "betadose/data_paths.hh"
#include "betadose/errors.hh"
#include "betadose/point_kernels.hh"
#include "validation_support.hh"

namespace bd::validation {

namespace {

// Rows of a CSV with '#' comments, as maps from column name to text.
std::vector<std::map<std::string, std::string>> read_csv(const std::string& path) {
  std::ifstream in(path);
  BD_VALIDATE(in, path << ": cannot open");
  std::vector<std::string> header;
  std::vector<std::map<std::string, std::string>> rows;
  std::string line;
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
    std::map<std::string, std::string> row;
    for (std::size_t c = 0; c < header.size() && c < cells.size(); ++c) row[header[c]] = cells[c];
    rows.push_back(row);
  }
  return rows;
}

KernelRunOptions kernel_options(const ValidationContext& ctx, double histories) {
  KernelRunOptions o;
  o.histories = static_cast<std::uint64_t>(histories);
  o.batches = 10;
  o.seed = ctx.seed;
  o.device = ctx.device;
  o.threads = ctx.threads;
  return o;
}

// ESTAR CSDA range of water [cm] at E0, log-log interpolation of the NIST table.
double estar_water_range_cm(const ValidationContext& ctx, double e_MeV) {
  double prev_e = 0, prev_r = 0;
  for (const auto& row : read_csv(reference_file(ctx, "estar_water_air_nist.csv"))) {
    if (row.at("material") != "water_liquid") continue;
    const double e = std::stod(row.at("T_MeV")), r = std::stod(row.at("CSDA_range_g_cm2"));
    if (e >= e_MeV && prev_e > 0)
      return std::exp(std::log(prev_r) + std::log(r / prev_r) * std::log(e_MeV / prev_e) / std::log(e / prev_e));
    prev_e = e;
    prev_r = r;
  }
  throw InputError("ESTAR water table does not cover " + std::to_string(e_MeV) + " MeV");
}

}  // namespace

std::vector<ValidationResult> mono_electron_kernel_case(const ValidationContext& ctx, double e0_MeV) {
  const double r0_mm = 10 * estar_water_range_cm(ctx, e0_MeV);
  const double shell_mm = r0_mm / 40;
  const auto dpk = run_dpk({"", e0_MeV}, "water", shell_mm, 1.2 * r0_mm,
                           kernel_options(ctx, ctx.quick ? 40000 : 400000));
  // F(x) = d(E/E0)/d(r/r0) per shell, x = r_mid/r0.
  std::vector<double> x, f, s;
  for (const auto& sh : dpk.shells) {
    x.push_back(sh.r_mid_mm / r0_mm);
    f.push_back(sh.energy_per_decay_MeV / e0_MeV / (shell_mm / r0_mm));
    s.push_back(f.back() * sh.rel_uncertainty);
  }
  auto interp = [&](const std::vector<double>& col, double xv) {
    if (xv <= x.front()) return col.front();
    for (std::size_t i = 1; i < x.size(); ++i)
      if (x[i] >= xv) return col[i - 1] + (col[i] - col[i - 1]) * (xv - x[i - 1]) / (x[i] - x[i - 1]);
    return col.back();
  };
  // EGSnrc EDKnrc where it exists (0.1, 1 MeV), else ETRAN (0.5 MeV).
  std::vector<double> rx, rf;
  std::string code;
  for (const char* c : {"EGSnrc", "ETRAN"}) {
    for (const auto& row : read_csv(reference_file(ctx, "dpk_mono_electrons_water_egsnrc_etran.csv")))
      if (row.at("code") == c && std::abs(std::stod(row.at("E0_MeV")) - e0_MeV) < 1e-9) {
        rx.push_back(std::stod(row.at("r_over_r0")));
        rf.push_back(std::stod(row.at("F")));
      }
    if (!rx.empty()) {
      code = c;
      break;
    }
  }
  BD_VALIDATE(!rx.empty(), "no EGSnrc/ETRAN kernel for " << e0_MeV << " MeV in the reference file");
  const double peak = *std::max_element(rf.begin(), rf.end());
  double worst = 0, worst_sigma = 0, worst_x = 0;
  std::ostringstream csv;
  for (std::size_t i = 0; i < rx.size(); ++i) {
    const double mc = interp(f, rx[i]), sig = interp(s, rx[i]);
    csv << rx[i] << "," << mc << "," << rf[i] << "," << sig << "," << code << ",r/r0,F = d(E/E0)/d(r/r0),0\n";
    if (rx[i] > 1.0) continue;
    const double dev = (mc - rf[i]) / peak;
    // The pass rule applies per point: excess beyond 3 % of the peak, within 3σ.
    if (std::abs(dev) - 3 * sig / peak > std::abs(worst) - 3 * worst_sigma) {
      worst = dev;
      worst_sigma = sig / peak;
      worst_x = rx[i];
    }
  }
  std::ostringstream name;
  name << "edk_mono_" << e0_MeV << "MeV";
  append_csv(ctx, "kernel_" + name.str() + ".csv", "x,betadose,reference,sigma,reference_name,x_label,y_label,log_y", csv.str());
  ValidationResult r;
  r.name = name.str() + ": max |F_MC − F_" + code + "| / peak over 0–1 r/r0";
  r.reference = code == "EGSnrc" ? "EGSnrc EDKnrc scaled kernel (Mainegra-Hing et al. 2005)"
                                 : "ETRAN scaled kernel (Berger/Seltzer, as quoted by Ferrer 2007)";
  r.reference_value = peak;
  r.value = peak * (1 + worst);
  r.sigma = worst_sigma * peak;
  r.difference = worst;
  r.tolerance = "±3 % of peak + 3σ";
  r.passed = within_band(worst, worst_sigma, -0.03, 0.03);
  std::ostringstream notes;
  notes << "worst point at r/r0 = " << worst_x << "; r0 (ESTAR CSDA) = " << r0_mm << " mm; "
        << dpk.histories << " electrons";
  r.notes = notes.str();
  return {r};
}

std::vector<ValidationResult> dpk_y90_case(const ValidationContext& ctx) {
  const auto dpk = run_dpk({"Y-90", 0}, "water", 0.5, 12.0, kernel_options(ctx, ctx.quick ? 100000 : 1000000));
  // Graves 2019: 0.1 mm shells; sum five into each 0.5 mm shell.
  std::vector<double> graves(dpk.shells.size(), 0.0);
  double graves_x90 = 0;
  {
    RadialKernel k = read_graves_dpk(reference_file(ctx, "dpk_y90_water_graves2019.csv"), 12.0);
    (void)k;
    double r_in = 0;
    for (const auto& row : read_csv(reference_file(ctx, "dpk_y90_water_graves2019.csv"))) {
      const double r_mm = std::stod(row.at("r_outer_cm")) * 10;
      if (r_mm > 12.0 + 1e-9) break;
      const auto shell = static_cast<std::size_t>((0.5 * (r_in + r_mm)) / 0.5);
      if (shell < graves.size()) graves[shell] += std::stod(row.at("E_dep_per_emission_MeV"));
      r_in = r_mm;
    }
    // X90 relative to the emitted energy (same definition as betadose: 0.9·Ē).
    double cum = 0;
    r_in = 0;
    for (const auto& row : read_csv(reference_file(ctx, "dpk_y90_water_graves2019.csv"))) {
      const double r_mm = std::stod(row.at("r_outer_cm")) * 10, e = std::stod(row.at("E_dep_per_emission_MeV"));
      if (cum + e >= 0.9 * dpk.emitted_per_decay_MeV) {
        graves_x90 = r_in + (0.9 * dpk.emitted_per_decay_MeV - cum) / e * (r_mm - r_in);
        break;
      }
      cum += e;
      r_in = r_mm;
    }
  }
  std::vector<ValidationResult> out;
  double worst = 0, worst_sigma = 0, worst_r = 0;
  std::ostringstream csv;
  for (std::size_t i = 0; i < dpk.shells.size(); ++i) {
    const auto& sh = dpk.shells[i];
    csv << sh.r_mid_mm << "," << sh.energy_per_decay_MeV << "," << graves[i] << ","
        << sh.energy_per_decay_MeV * sh.rel_uncertainty
        << ",Graves 2019,r [mm],energy per decay per 0.5 mm shell [MeV],1\n";
    if (sh.r_outer_mm > 4.0 + 1e-9 || graves[i] <= 0) continue;
    const double dev = sh.energy_per_decay_MeV / graves[i] - 1;
    if (std::abs(dev) - 3 * sh.rel_uncertainty > std::abs(worst) - 3 * worst_sigma) {
      worst = dev;
      worst_sigma = sh.rel_uncertainty;
      worst_r = sh.r_mid_mm;
    }
  }
  append_csv(ctx, "kernel_dpk_y90_water.csv", "x,betadose,reference,sigma,reference_name,x_label,y_label,log_y", csv.str());
  {
    ValidationResult r;
    r.name = "dpk_y90_water: worst 0.5 mm shell energy vs Graves 2019, r <= 4 mm";
    r.reference = "Graves et al. 2019 (Med Phys 46:5284)";
    r.reference_value = 1.0;
    r.value = 1 + worst;
    r.sigma = worst_sigma;
    r.difference = worst;
    r.tolerance = "±3 % + 3σ";
    r.passed = within_band(worst, worst_sigma, -0.03, 0.03);
    std::ostringstream n;
    n << "worst shell at r = " << worst_r << " mm; " << dpk.histories << " decays";
    r.notes = n.str();
    out.push_back(r);
  }
  {
    ValidationResult r;
    r.name = "dpk_y90_water: X90 [mm]";
    r.reference = "Graves et al. 2019 X90";
    r.reference_value = graves_x90;
    r.value = dpk.x90_mm;
    r.difference = dpk.x90_mm / graves_x90 - 1;
    r.tolerance = "report; ±5 % (published kernels differ beyond 4 mm)";
    r.passed = std::abs(r.difference) < 0.05;
    out.push_back(r);
  }
  return out;
}

std::vector<ValidationResult> vsv_soft_case(const ValidationContext& ctx, double voxel_mm) {
  // Lanconelli 2012 (DOSXYZnrc) used ICRU soft tissue at 1.04 g/cm³: the four-component ICRU
  // composition at that density (see tests/core/transport_y90_test.cpp for the sensitivity).
  const auto vsv = run_vsv({"Y-90", 0}, "soft-tissue-icru4", voxel_mm, 3,
                           kernel_options(ctx, ctx.quick ? 200000 : 2000000), 1.04);
  std::ostringstream column;
  column << "soft_" << voxel_mm << "mm";
  const auto rows = read_csv((std::filesystem::path(materials_dir()) / "kernels" / "vsv_y90_lanconelli2012_all.csv").string());
  auto reference = [&](int i, int j, int k) {
    for (const auto& row : rows)
      if (std::stoi(row.at("i")) == i && std::stoi(row.at("j")) == j && std::stoi(row.at("k")) == k)
        return std::stod(row.at(column.str()));
    throw InputError("Lanconelli table has no entry " + std::to_string(i) + "," + std::to_string(j) + "," + std::to_string(k));
  };
  struct Check {
    int i, j, k;
    double tol;
  };
  std::vector<ValidationResult> out;
  for (const Check c : {Check{0, 0, 0, 0.02}, Check{1, 0, 0, 0.05}, Check{1, 1, 0, 0.05}, Check{1, 1, 1, 0.05},
                        Check{2, 0, 0, 0.10}}) {
    double s = -1, rel = 0;
    for (const auto& e : vsv.entries)
      if (e.i == c.i && e.j == c.j && e.k == c.k) {
        s = e.s_mGy_per_MBq_s;
        rel = e.rel_uncertainty;
      }
    const double ref = reference(c.i, c.j, c.k);
    ValidationResult r;
    std::ostringstream n;
    n << "vsv_soft_" << voxel_mm << "mm: S(" << c.i << "," << c.j << "," << c.k << ") [mGy/(MBq s)]";
    r.name = n.str();
    r.reference = "Lanconelli et al. 2012 (DOSXYZnrc)";
    r.reference_value = ref;
    r.value = s;
    r.sigma = s * rel;
    r.difference = s / ref - 1;
    std::ostringstream t;
    t << "±" << 100 * c.tol << " % + 3σ";
    r.tolerance = t.str();
    r.passed = within_band(r.difference, rel, -c.tol, c.tol);
    out.push_back(r);
  }
  return out;
}

}  // namespace bd::validation
