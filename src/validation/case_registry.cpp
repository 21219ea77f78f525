// The list of validation cases: name, description, CI subset flag, runner.
#include "validation_support.hh"

namespace bd {

std::vector<ValidationCase> validation_cases() {
  using namespace validation;
  return {
      {"uniform_liver", "uniform 90Y in a liver block: CPE core vs MIRD, emitted energy, energy balance",
       true, uniform_liver_case},
      {"tumour_5cm", "liver + 5 cm tumour, T/N 1, 4, 8 vs partition model and DPK expectation", true,
       [](const ValidationContext& c) { return tumour_partition_case(c, 50, c.quick ? std::vector<double>{4} : std::vector<double>{1, 4, 8}); }},
      {"tumour_3cm", "liver + 3 cm tumour, T/N 1, 4, 8", false,
       [](const ValidationContext& c) { return tumour_partition_case(c, 30, {1, 4, 8}); }},
      {"tumour_2cm", "liver + 2 cm tumour, T/N 1, 4, 8", false,
       [](const ValidationContext& c) { return tumour_partition_case(c, 20, {1, 4, 8}); }},
      {"dpk_y90_water", "90Y point kernel in water vs Graves 2019 (0.5 mm shells to R95), X90", true,
       dpk_y90_case},
      {"edk_mono_0.1", "0.1 MeV electron scaled kernel in water vs EGSnrc EDKnrc", false,
       [](const ValidationContext& c) { return mono_electron_kernel_case(c, 0.1); }},
      {"edk_mono_0.5", "0.5 MeV electron scaled kernel in water vs ETRAN", false,
       [](const ValidationContext& c) { return mono_electron_kernel_case(c, 0.5); }},
      {"edk_mono_1", "1 MeV electron scaled kernel in water vs EGSnrc EDKnrc", false,
       [](const ValidationContext& c) { return mono_electron_kernel_case(c, 1.0); }},
      {"vsv_soft_3mm", "90Y voxel S-values, soft tissue, 3 mm vs Lanconelli 2012", false,
       [](const ValidationContext& c) { return vsv_case(c, "soft", 3); }},
      {"vsv_soft_4mm", "90Y voxel S-values, soft tissue, 4 mm vs Lanconelli 2012", false,
       [](const ValidationContext& c) { return vsv_case(c, "soft", 4); }},
      {"vsv_soft_6mm", "90Y voxel S-values, soft tissue, 6 mm vs Lanconelli 2012", false,
       [](const ValidationContext& c) { return vsv_case(c, "soft", 6); }},
      {"vsv_bone_2.21mm", "90Y voxel S-values, compact bone, 2.21 mm vs Lanconelli 2012, with the "
       "bremsstrahlung tail beyond the electron range",
       false,
       [](const ValidationContext& c) { return vsv_case(c, "bone", 2.21); }},
      {"vsv_bone_4mm", "90Y voxel S-values, compact bone, 4 mm vs Lanconelli 2012, with the "
       "bremsstrahlung tail beyond the electron range",
       false,
       [](const ValidationContext& c) { return vsv_case(c, "bone", 4); }},
      {"vsv_bone_9.28mm", "90Y voxel S-values, compact bone, 9.28 mm vs Lanconelli 2012, with the "
       "bremsstrahlung tail beyond the electron range",
       false,
       [](const ValidationContext& c) { return vsv_case(c, "bone", 9.28); }},
      {"invariance", "identical-material checkerboards and density layers vs their exact references", false,
       invariance_case},
      {"sensitivity", "a 2 % range change and wrong elastic models must fail a kernel criterion (90Y DPK, 1 MeV EDKnrc)", false,
       sensitivity_case},
      {"lung_shunt", "10 % lung shunt into lung at 0.26 g/cm3: MC vs lung-dose formula", false,
       lung_shunt_case},
      {"kernel_study", "MC vs LDM, DPK and VSV convolution at the liver-lung interface (tumour, liver, lung, rib)",
       false, kernel_study_case},
  };
}

}  // namespace bd
