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

// Independent replicas per Monte Carlo quantity: ν = kReplicas − 1 degrees of freedom.
inline constexpr int kReplicas = 8;
inline constexpr double kReplicaDof = kReplicas - 1;

// Seed of replica r of the run named `stream` (a label unique in the suite, e.g.
// "tumour_5cm/tumour-source"): distinct for every (suite seed, stream, replica), so no two
// runs of the suite share random numbers.
std::uint64_t replica_seed(std::uint64_t suite_seed, const std::string& stream, int replica);

// `histories` decays split over kReplicas independent runs (seeds from replica_seed), so that
// the spread of any region quantity gives an honest statistical uncertainty (voxel
// correlations included).
std::vector<DoseResult> run_replicas(const Phantom& phantom, const VoxelSource& source,
                                     double histories, const ValidationContext& ctx, const std::string& stream);

std::string reference_file(const ValidationContext& ctx, const std::string& name);
// Appends rows to the data file DIR/<name> of this run (header first) and rewrites the file
// atomically with everything appended to it since start_data_files(): a file left by an
// earlier run into the same folder is replaced, not extended.
void append_csv(const ValidationContext& ctx, const std::string& name, const std::string& header,
                const std::string& rows);
// Forgets the data files of a previous run in this process (run_validation calls it first).
void start_data_files();
// A CSV field: quoted (RFC 4180) when it holds a comma, a quote or a line break.
std::string csv_field(const std::string& text);

std::vector<ValidationResult> uniform_liver_case(const ValidationContext& ctx);
std::vector<ValidationResult> tumour_partition_case(const ValidationContext& ctx, double diameter_mm,
                                                    const std::vector<double>& tn_ratios);
std::vector<ValidationResult> lung_shunt_case(const ValidationContext& ctx);
std::vector<ValidationResult> mono_electron_kernel_case(const ValidationContext& ctx, double e0_MeV);
std::vector<ValidationResult> dpk_y90_case(const ValidationContext& ctx);
// tissue "soft" (ICRU soft tissue, 1.04 g/cm3) or "bone" (ICRU compact bone, 1.85 g/cm3).
std::vector<ValidationResult> vsv_case(const ValidationContext& ctx, const std::string& tissue, double voxel_mm);
// Checkerboards of identical materials and density layers against their exact references.
std::vector<ValidationResult> invariance_case(const ValidationContext& ctx);
// 2 % range changes and wrong elastic models must fail the 90Y DPK criteria.
std::vector<ValidationResult> sensitivity_case(const ValidationContext& ctx);
// Kernel methods vs Monte Carlo on the liver-lung-rib phantom (src/validation/kernel_study_case.cpp).
std::vector<ValidationResult> kernel_study_case(const ValidationContext& ctx);

}  // namespace bd::validation
