// The Monte Carlo reporting record of AAPM Task Group 268 (RECORDS: Sechopoulos et al.,
// "RECORDS: improved Reporting of montE CarlO RaDiation transport Studies", Med Phys 45 (2018)
// e1-e5), kept with every dose file (HDF5 group /provenance) and shown by `betadose info
// dose.h5` and `betadose report`.
//
// The record is a list of sections, each tagged with the item of the TG-268 checklist /
// template table it answers (code and version, validation, timing, geometry, materials,
// source, cross sections and physics, transport parameters, variance reduction, scored
// quantities, histories and statistical uncertainty, statistical methods, post-processing).
// A value is text or a number; a number's unit is in its key (`wall_time_s`). Every value is
// taken from the objects the run used (the TransportParams and table options after the cut-offs
// were matched to the grid, the materials and nuclide as loaded, the models' descriptors next
// to their code): nothing here repeats a model name or a parameter by hand.
//
// HDF5 layout: /provenance (attribute `standard`), one subgroup per section in order (link
// creation order tracked), attribute `tg268_item`, then one attribute per value (string or
// float64), in order (attribute creation order tracked). Readable with h5py.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "betadose/device.hh"

namespace bd {

struct ElectronTableOptions;
struct TransportParams;
struct Material;
struct Nuclide;

inline constexpr const char* kProvenanceStandard =
    "AAPM TG-268 RECORDS (Sechopoulos et al., Med Phys 45 (2018) e1-e5)";

struct ProvenanceValue {
  std::string key;
  std::string text;  // the value as text (numbers: 10 significant digits)
  double number = 0;
  bool numeric = false;
};

struct ProvenanceSection {
  std::string name;        // e.g. "code", "transport_parameters" (an HDF5 group name)
  std::string tg268_item;  // e.g. "Code, version/release date"
  std::vector<ProvenanceValue> values;

  ProvenanceSection& add(const std::string& key, const std::string& text);
  ProvenanceSection& add(const std::string& key, const char* text) { return add(key, std::string(text)); }
  ProvenanceSection& add(const std::string& key, double number);
  // A float parameter: recorded as its shortest decimal (7 significant digits), e.g. 0.01 for
  // 0.01f, not 0.009999999776.
  ProvenanceSection& add(const std::string& key, float number);
  // nullptr when absent.
  const ProvenanceValue* find(const std::string& key) const;
};

struct ProvenanceRecord {
  std::vector<ProvenanceSection> sections;

  bool empty() const { return sections.empty(); }
  // The section `name` (appended with `tg268_item` when absent).
  ProvenanceSection& section(const std::string& name, const std::string& tg268_item);
  const ProvenanceSection* find(const std::string& name) const;
  // Appends the sections of `other` (values of a section already present are appended to it).
  void merge(const ProvenanceRecord& other);
};

// ---- sections that do not depend on the run --------------------------------------------------

// Code name, version, git commit (baked in at build time), compiler, build type, backends.
ProvenanceSection code_provenance();
// Host name, OS, CPU model and cores, OpenMP threads, GPUs, device used, MPI ranks.
ProvenanceSection machine_provenance(Device device, int threads);
// The validation suite and its cases ("name: what it compares", from validation_cases() of
// include/betadose/validation.hh, which the caller links).
ProvenanceSection validation_provenance(const std::vector<std::string>& cases);
// Every model of physics_models() with its reference.
ProvenanceSection physics_provenance();
// Cut-offs, production thresholds, step limits, straggling, table grid.
ProvenanceSection transport_parameters_provenance(const TransportParams& params,
                                                  const ElectronTableOptions& tables);
// Range rejection (on/off) and that no other technique biases or reweights histories.
ProvenanceSection variance_reduction_provenance(const TransportParams& params);
// The generator and the run's seed.
ProvenanceSection random_numbers_provenance(std::uint64_t seed);
// Each material with density, I and source (the CT calibration files are among the case's
// inputs, RunCaseDescription::inputs).
ProvenanceSection materials_provenance(const std::vector<Material>& materials);
// Nuclide data file, source, half-life, sampled mean beta energy, energy per decay.
void add_nuclide_provenance(ProvenanceSection& source, const Nuclide& nuclide);

// ---- one Monte Carlo run ---------------------------------------------------------------------

// What the caller of the transport knows about the case (inputs, conversions).
struct RunCaseDescription {
  std::string geometry;              // "CT ct.nii.gz (HU, Schneider 2000)", "labels ..."
  std::string activity_image;        // file or directory
  std::string activity_units;        // bq | bq-per-ml | counts
  std::string units_conversion;      // how the map became Bq (normalisation to the total ...)
  double total_activity_bq = 0;
  double lung_shunt_fraction = 0;
  std::string lung_shunt_mode;       // uniform | map
  double lung_activity_bq = 0;
  double activity_outside_grid_fraction = 0;
  std::string activity_mask;         // restriction mask (empty: none)
  // Where every input number came from (the case pipeline's record: quantity -> "value
  // [source]"); written as the section "inputs".
  std::vector<std::pair<std::string, std::string>> inputs;
};

// What the transport did (DoseResult and the options it ran with).
struct RunTransportDescription {
  std::uint64_t histories = 0;
  int batches = 0;
  std::uint64_t seed = 0;
  Device device = Device::cpu;
  int threads = 0;
  double wall_time_s = 0;            // the engine (transport and its preparation)
  double transport_wall_time_s = 0;  // transport only
  double target_rel_uncertainty = 0;
  double mean_rel_uncertainty = 0;   // over the stopping region
  std::string uncertainty_region;    // "voxels above 50 % of the maximum dose" or a mask name
  double energy_balance_relative_residual = 0;
};

// The whole record of a voxel Monte Carlo run: code, validation, timing and machine, geometry,
// materials, source (with the nuclide), physics, transport parameters, variance reduction,
// scored quantity and normalisation, statistics (histories, batches, method, values), random
// numbers, post-processing.
ProvenanceRecord mc_run_provenance(const RunCaseDescription& run_case, const Nuclide& nuclide,
                                   const std::vector<Material>& materials, const TransportParams& params,
                                   const ElectronTableOptions& tables,
                                   const RunTransportDescription& transport,
                                   const std::vector<std::string>& validation_cases);

// Replaces the sections of `record` that depend on what the transport did (timing, machine,
// scored quantities with the energy balance, statistics, statistical methods, random numbers)
// by those of `transport`, in place: the merge of job-array parts finishes the record of a
// part this way, so that it reads as one run's.
void set_mc_transport_provenance(ProvenanceRecord& record, const RunTransportDescription& transport);

// A deterministic kernel method (ldm/dpk/vsv): the same record without transport, statistics
// and random numbers, with the kernel's source and the density correction instead.
ProvenanceRecord kernel_method_provenance(const RunCaseDescription& run_case,
                                          const Nuclide& nuclide,
                                          const std::vector<Material>& materials,
                                          const std::string& method, const std::string& kernel,
                                          const std::string& density_correction,
                                          double wall_time_s,
                                          const std::vector<std::string>& validation_cases);

// Plain-text rendering (betadose info): "[name] tg268_item" then "  key: value" lines.
std::string format_provenance(const ProvenanceRecord& record);

// The commit the build came from ("unknown" outside a git checkout; "-dirty" when the work
// tree had uncommitted changes), baked in by cmake/build_info.cmake at build time.
const char* build_git_commit();

}  // namespace bd
