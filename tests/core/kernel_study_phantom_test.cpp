// The kernel-study phantom: geometry and activity as specified.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "betadose/errors.hh"
#include "betadose/kernel_study.hh"

namespace {

TEST(KernelStudyPhantom, GeometryAndActivityAsSpecified) {
  bd::LiverLungPhantomSpec spec;
  const auto c = bd::make_liver_lung_phantom(spec);
  const auto& g = c.phantom.grid;
  ASSERT_EQ(c.roi.size(), 4u);
  std::map<std::string, const std::vector<std::uint8_t>*> roi;
  for (const auto& [name, mask] : c.roi) roi[name] = &mask;
  double total = 0, lung_bq = 0, tumour_bq = 0, normal_bq = 0;
  std::size_t n_tumour = 0, n_normal = 0, n_rib = 0;
  bool tumour_touches_lung = false;
  for (std::size_t k = 0; k < g.size[2]; ++k)
    for (std::size_t j = 0; j < g.size[1]; ++j)
      for (std::size_t i = 0; i < g.size[0]; ++i) {
        const std::size_t v = g.linear_index(i, j, k);
        total += c.source.activity_bq[v];
        const auto mat = c.phantom.material_names[c.phantom.material_id[v]];
        if ((*roi["lung"])[v]) {
          lung_bq += c.source.activity_bq[v];
          EXPECT_EQ(mat, "lung");
          EXPECT_FLOAT_EQ(c.phantom.density_g_cm3[v], 0.26f);
        }
        if ((*roi["tumour"])[v]) {
          tumour_bq += c.source.activity_bq[v];
          ++n_tumour;
          EXPECT_EQ(mat, "liver");
          if (k + 1 < g.size[2] && (*roi["lung"])[g.linear_index(i, j, k + 1)]) tumour_touches_lung = true;
        }
        if ((*roi["normal_liver"])[v]) {
          normal_bq += c.source.activity_bq[v];
          ++n_normal;
        }
        if ((*roi["rib"])[v]) {
          ++n_rib;
          EXPECT_EQ(mat, "cortical-bone");
          EXPECT_EQ(c.source.activity_bq[v], 0.0);
        }
      }
  EXPECT_NEAR(total, spec.total_activity_bq, 1e-9 * spec.total_activity_bq);
  EXPECT_NEAR(lung_bq / total, spec.lung_shunt, 1e-12);
  EXPECT_NEAR((tumour_bq / n_tumour) / (normal_bq / n_normal), spec.tn_ratio, 1e-9);
  EXPECT_TRUE(tumour_touches_lung);
  // tumour volume: a 15 mm sphere = 14.1 ml, within the voxelisation error of 3 mm voxels
  EXPECT_NEAR(n_tumour * 27e-3, 4.0 / 3.0 * M_PI * 15 * 15 * 15 * 1e-3, 0.1 * 14.1);
  EXPECT_GT(n_rib, 50u);
  // No activity in the outer 2 voxels of the grid (electrons would leave the geometry there).
  for (std::size_t k = 0; k < g.size[2]; ++k)
    for (std::size_t j = 0; j < g.size[1]; ++j)
      for (std::size_t i = 0; i < g.size[0]; ++i) {
        const bool edge = i < 2 || j < 2 || k < 2 || i + 2 >= g.size[0] || j + 2 >= g.size[1] ||
                          k + 2 >= g.size[2];
        if (edge) {
          EXPECT_EQ(c.source.activity_bq[g.linear_index(i, j, k)], 0.0);
        }
      }
}

TEST(KernelStudyPhantom, RejectsBadSpecs) {
  bd::LiverLungPhantomSpec spec;
  spec.tumour_radius_mm = 80;
  EXPECT_THROW(bd::make_liver_lung_phantom(spec), bd::InputError);
  spec = {};
  spec.lung_shunt = 1.0;
  EXPECT_THROW(bd::make_liver_lung_phantom(spec), bd::InputError);
  spec = {};
  spec.size = {{10, 10, 10}};
  EXPECT_THROW(bd::make_liver_lung_phantom(spec), bd::InputError);
}

}  // namespace
