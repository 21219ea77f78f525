// Point-kernel comparisons with published kernels (include/betadose/kernel_checks.hh).
#include "betadose/kernel_checks.hh"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "betadose/errors.hh"
#include "betadose/text_parse.hh"

namespace bd {
namespace {

// Rows of a CSV with '#' comments as maps from column name to text.
std::vector<std::map<std::string, std::string>> read_rows(const std::string& path) {
  std::ifstream in(path);
  BD_VALIDATE(in, path << ": cannot open reference file");
  std::vector<std::string> header;
  std::vector<std::map<std::string, std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) cells.push_back(trim(cell));
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

double number(const std::map<std::string, std::string>& row, const std::string& column, const std::string& path) {
  const auto it = row.find(column);
  BD_VALIDATE(it != row.end(), path << ": column '" << column << "' missing");
  return parse_number(it->second, path, column);
}

void finish(KernelCheck& c, double k) {
  c.k = k;
  for (auto& b : c.bins) {
    b.allowed = b.tolerance + k * std::hypot(b.mc_sigma, b.ref_sigma);
    b.passed = std::abs(b.difference()) <= b.allowed;
    if (!b.passed) ++c.failures;
  }
}

}  // namespace

const BinCheck& KernelCheck::worst() const {
  BD_VALIDATE(!bins.empty(), "kernel check '" << reference << "': no bins compared");
  return *std::max_element(bins.begin(), bins.end(), [](const BinCheck& a, const BinCheck& b) {
    return std::abs(a.difference()) / a.allowed < std::abs(b.difference()) / b.allowed;
  });
}

double estar_water_csda_range(const std::string& estar_csv, double T_MeV) {
  for (const auto& row : read_rows(estar_csv)) {
    if (row.at("material") != "water_liquid") continue;
    if (std::abs(number(row, "T_MeV", estar_csv) - T_MeV) < 1e-9 * T_MeV)
      return number(row, "CSDA_range_g_cm2", estar_csv);
  }
  BD_VALIDATE(false, estar_csv << ": no liquid-water row at " << T_MeV << " MeV");
  return 0;
}

KernelCheck check_mono_kernel(const std::vector<double>& f, const std::vector<double>& sigma,
                              const std::string& csv, const std::string& code, double e0, double tol, double x_max,
                              double k) {
  std::vector<double> rx, rf;
  for (const auto& row : read_rows(csv))
    if (row.at("code") == code && std::abs(number(row, "E0_MeV", csv) - e0) < 1e-9) {
      rx.push_back(number(row, "r_over_r0", csv));
      rf.push_back(number(row, "F", csv));
    }
  BD_VALIDATE(rx.size() >= 4, csv << ": no " << code << " kernel for " << e0 << " MeV");
  const double h = 0.05;
  auto at = [&](double x) {  // linear between the reference points
    for (std::size_t i = 0; i + 1 < rx.size(); ++i)
      if (x >= rx[i] - 1e-9 && x <= rx[i + 1] + 1e-9)
        return rf[i] + (x - rx[i]) / (rx[i + 1] - rx[i]) * (rf[i + 1] - rf[i]);
    return 0.0;
  };
  KernelCheck c;
  c.reference = code + " " + std::to_string(e0) + " MeV scaled kernel";
  c.scale = *std::max_element(rf.begin(), rf.end());
  for (std::size_t i = 0; i < f.size() && (i + 1) * h <= x_max + 1e-9; ++i) {
    BinCheck b;
    b.x_lo = i * h;
    b.x_hi = (i + 1) * h;
    b.mc = f[i];
    b.mc_sigma = sigma[i];
    if (code == "EGSnrc") {
      // EDKnrc rows are the averages over the same 0.05 bins (x near the bin centre).
      BD_VALIDATE(i < rx.size() && std::abs(rx[i] - (i + 0.5) * h) < 0.2 * h,
                  csv << ": EGSnrc " << e0 << " MeV rows are not 0.05 bins at row " << i);
      b.ref = rf[i];
    } else {
      b.ref = (at(b.x_lo) + 4 * at(0.5 * (b.x_lo + b.x_hi)) + at(b.x_hi)) / 6.0;
    }
    b.tolerance = tol * c.scale;
    c.bins.push_back(b);
  }
  finish(c, k);
  return c;
}

KernelCheck check_y90_dpk(const std::vector<double>& energy, const std::vector<double>& sigma,
                          const std::string& csv, double mean_energy, double k) {
  const double shell_mm = 0.5;
  std::vector<double> ref(energy.size(), 0.0), ref_var(energy.size(), 0.0);
  std::vector<std::pair<double, double>> fine;
  for (const auto& row : read_rows(csv)) {
    const double r_mm = number(row, "r_outer_cm", csv) * 10, e = number(row, "E_dep_per_emission_MeV", csv);
    const double u = number(row, "rel_uncertainty", csv);
    const long i = std::lround(r_mm / 0.1) - 1;  // 0-based 0.1 mm shell
    if (i < 0 || r_mm > 12.0 + 1e-9) continue;
    const auto s = static_cast<std::size_t>(i / 5);
    if (s < ref.size()) {
      ref[s] += e;
      ref_var[s] += (e * u) * (e * u);
    }
    fine.push_back({r_mm, e});
  }
  BD_VALIDATE(fine.size() >= 100, csv << ": expected the 0.1 mm shells to 12 mm");
  auto radius_of = [&](const std::vector<std::pair<double, double>>& shells, double fraction) {
    double cum = 0, r_in = 0;
    for (const auto& [r, e] : shells) {
      if (cum + e >= fraction * mean_energy) return r_in + (fraction * mean_energy - cum) / e * (r - r_in);
      cum += e;
      r_in = r;
    }
    return -1.0;
  };
  std::vector<std::pair<double, double>> mc;
  for (std::size_t i = 0; i < energy.size(); ++i) mc.push_back({(i + 1) * shell_mm, energy[i]});
  KernelCheck c;
  c.reference = "Graves et al. 2019 90Y DPK in water";
  c.r95_ref_mm = radius_of(fine, 0.95);
  c.x90_ref_mm = radius_of(fine, 0.90);
  c.x90_mc_mm = radius_of(mc, 0.90);
  for (std::size_t i = 0; i < energy.size(); ++i) {
    BinCheck b;
    b.x_lo = i * shell_mm;
    b.x_hi = (i + 1) * shell_mm;
    if (b.x_lo >= c.r95_ref_mm) break;
    b.mc = energy[i];
    b.mc_sigma = sigma[i];
    b.ref = ref[i];
    b.ref_sigma = std::sqrt(ref_var[i]);
    b.tolerance = (b.x_hi <= 4.0 + 1e-9 ? 0.03 : 0.05) * ref[i];
    c.bins.push_back(b);
  }
  finish(c, k);
  return c;
}

}  // namespace bd
