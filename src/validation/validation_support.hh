// Small helpers shared by the validation cases.
#pragma once

#include <string>
#include <vector>

#include "betadose/phantom.hh"
#include "betadose/source.hh"
#include "betadose/transport.hh"
#include "betadose/validation.hh"

namespace bd::validation {

double mean_of(const std::vector<double>& v);
// Standard error of the mean of independent replicas (sample sd / sqrt(n)).
double standard_error_of(const std::vector<double>& v);

// `histories` decays split over independent replica runs (different seeds), so that the
// spread of any region quantity gives an honest statistical uncertainty (voxel
// correlations included).
std::vector<DoseResult> run_replicas(const Phantom& phantom, const VoxelSource& source,
                                     double histories, const ValidationContext& ctx, int replicas = 5);

std::string reference_file(const ValidationContext& ctx, const std::string& name);
// Appends rows to DIR/<name>, writing the header first when the file is new.
void append_csv(const ValidationContext& ctx, const std::string& name, const std::string& header,
                const std::string& rows);

std::vector<ValidationResult> uniform_liver_case(const ValidationContext& ctx);
std::vector<ValidationResult> tumour_partition_case(const ValidationContext& ctx, double diameter_mm,
                                                    const std::vector<double>& tn_ratios);
std::vector<ValidationResult> lung_shunt_case(const ValidationContext& ctx);
std::vector<ValidationResult> mono_electron_kernel_case(const ValidationContext& ctx, double e0_MeV);
std::vector<ValidationResult> dpk_y90_case(const ValidationContext& ctx);
std::vector<ValidationResult> vsv_soft_case(const ValidationContext& ctx, double voxel_mm);
// Kernel methods vs Monte Carlo on the liver-lung-rib phantom (src/validation/kernel_study_case.cpp).
std::vector<ValidationResult> kernel_study_case(const ValidationContext& ctx);

}  // namespace bd::validation
