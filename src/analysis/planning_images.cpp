// Volumes, masses and T/N for planning from masks, SPECT counts and CT densities on one grid.
#include <cmath>
#include <iomanip>
#include <sstream>

#include "betadose/errors.hh"
#include "betadose/planning.hh"

namespace bd {

namespace {

void check_len(std::size_t n, std::size_t expected, const char* what) {
  BD_VALIDATE(n == 0 || n == expected, what << " has " << n << " voxels, the mask grid " << expected
                                            << " (expected images resampled to the mask grid)");
}

std::string pct(double f) {
  std::ostringstream os;
  os << std::setprecision(3) << 100.0 * f << " %";
  return os.str();
}

}  // namespace

DerivedPlanningInputs derive_planning_inputs(const PlanningImages& im) {
  const std::size_t n = im.grid.voxel_count();
  check_len(im.liver.size(), n, "--mask liver");
  check_len(im.tumour.size(), n, "--mask tumour");
  check_len(im.normal_liver.size(), n, "--mask normal-liver");
  check_len(im.lung.size(), n, "--mask lung");
  check_len(im.spect_counts.size(), n, "--spect");
  check_len(im.density_g_cm3.size(), n, "--ct density");
  BD_VALIDATE(!im.tumour.empty(), "--mask tumour=FILE is needed to derive planning inputs");
  BD_VALIDATE(!im.liver.empty() || !im.normal_liver.empty(),
              "--mask liver=FILE or --mask normal-liver=FILE is needed with the tumour mask");
  const bool have_density = !im.density_g_cm3.empty();
  const bool have_spect = !im.spect_counts.empty();
  BD_VALIDATE(im.lung.empty() || have_density,
              "--mask lung needs --ct: the lung mass comes from CT densities (lung density "
              "varies from 0.2 to 0.4 g/ml, so there is no default); or give --lung-mass-kg");

  const double voxel_ml = im.grid.voxel_volume_ml();
  std::size_t n_t = 0, n_n = 0, n_lung = 0, t_outside = 0, t_overlap = 0;
  double m_t = 0, m_n = 0, m_lung = 0, c_t = 0, c_n = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const bool t = im.tumour[i] != 0;
    const bool in_liver = !im.liver.empty() && im.liver[i] != 0;
    const bool nl_mask = !im.normal_liver.empty() && im.normal_liver[i] != 0;
    const double rho = have_density ? im.density_g_cm3[i] : 0.0;
    if (t) {
      ++n_t;
      if (!im.liver.empty() && !in_liver) ++t_outside;
      if (nl_mask) ++t_overlap;
      m_t += rho * voxel_ml;
      if (have_spect) c_t += im.spect_counts[i];
    }
    // Tumour takes precedence over an overlapping normal-liver mask.
    const bool normal = !t && (im.normal_liver.empty() ? in_liver : nl_mask);
    if (normal) {
      ++n_n;
      m_n += rho * voxel_ml;
      if (have_spect) c_n += im.spect_counts[i];
    }
    if (!im.lung.empty() && im.lung[i] != 0) {
      ++n_lung;
      m_lung += rho * voxel_ml;
    }
  }
  BD_VALIDATE(n_t > 0, "--mask tumour is empty (no voxel set)");
  BD_VALIDATE(n_n > 0, "the normal liver (liver mask minus tumour, or --mask normal-liver) is empty");
  BD_VALIDATE(im.lung.empty() || n_lung > 0, "--mask lung is empty (no voxel set)");

  DerivedPlanningInputs d;
  const double f_outside = double(t_outside) / double(n_t);
  const double f_overlap = double(t_overlap) / double(n_t);
  BD_VALIDATE(f_outside <= 0.01, "inconsistent masks: " << t_outside << " of " << n_t
                                                       << " tumour voxels (" << pct(f_outside)
                                                       << ") lie outside the liver mask "
                                                          "(expected the tumour inside the liver)");
  BD_VALIDATE(f_overlap <= 0.01, "inconsistent masks: " << t_overlap << " of " << n_t
                                                       << " tumour voxels (" << pct(f_overlap)
                                                       << ") are also in the normal-liver mask");
  if (t_outside > 0)
    d.notes.push_back(std::to_string(t_outside) + " tumour voxels (" + pct(f_outside) +
                      ") lie outside the liver mask; counted as tumour.");

  d.tumour_volume_ml = double(n_t) * voxel_ml;
  d.normal_liver_volume_ml = double(n_n) * voxel_ml;
  if (have_density) {
    d.tumour_mass_kg = m_t * 1e-3;
    d.normal_liver_mass_kg = m_n * 1e-3;
    d.liver_mass_kg = (m_t + m_n) * 1e-3;
    if (!im.lung.empty()) d.lung_mass_kg = m_lung * 1e-3;
  } else {
    d.notes.push_back("No CT: masses from mask volumes at the default liver density.");
  }
  if (have_spect) {
    BD_VALIDATE(c_n > 0, "--spect: no counts in the normal liver (T/N undefined; check the "
                         "SPECT and mask alignment)");
    BD_VALIDATE(c_t >= 0, "--spect: negative total counts in the tumour");
    // Activity concentration ratio: counts per ml in each compartment.
    d.tn_ratio = (c_t / d.tumour_volume_ml) / (c_n / d.normal_liver_volume_ml);
  }
  return d;
}

}  // namespace bd
