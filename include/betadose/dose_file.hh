// The betadose dose file (HDF5), DESIGN.md §4. Readable with h5py/HDFView without betadose:
//   /dose                  float32 [nz][ny][nx]  absorbed dose [Gy]
//   /dose_rel_uncertainty  float32 [nz][ny][nx]  relative standard uncertainty (1 sigma)
//   /activity_bq, /density_g_cm3 (float32), /material_id (uint8, attribute material_names),
//   /roi/<name> (uint8 masks)                              optional
//   root attributes: filetype="betadose-dose", version, spacing_mm[3], origin_mm[3],
//   direction[9], nuclide, total_activity_bq, histories, seed, device, betadose_version,
//   method, dose_to ("medium" or "water": dose to water in medium, mc --dose-to), wall_time_s,
//   energy_emitted_J, energy_deposited_J, energy_escaped_J, plus any
//   numeric extras and string attributes (DoseFile::text).
//   /provenance            the TG-268 record of the run (include/betadose/provenance.hh)
// Written atomically: to "<path>.tmp-<pid>" first, then renamed over <path>.
#pragma once

#include <cctype>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "betadose/grid.hh"
#include "betadose/provenance.hh"

namespace bd {

inline constexpr const char* kDoseFileType = "betadose-dose";
inline constexpr int kDoseFileVersion = 1;

struct DoseFile {
  Grid grid;
  std::vector<float> dose_gy;
  std::vector<float> dose_rel_uncertainty;
  std::vector<float> activity_bq;         // optional (empty = absent)
  std::vector<float> density_g_cm3;       // optional
  std::vector<std::uint8_t> material_id;  // optional
  std::vector<std::string> material_names;
  std::map<std::string, std::vector<std::uint8_t>> roi;

  std::string nuclide = "Y-90";
  std::string method = "mc";  // mc, ldm, dpk, vsv
  std::string dose_to = "medium";  // medium | water (dose to water in medium); attribute dose_to
  std::string device = "cpu";
  double total_activity_bq = 0;
  std::uint64_t histories = 0;
  std::uint64_t seed = 0;
  double wall_time_s = 0;
  double energy_emitted_J = 0;
  double energy_deposited_J = 0;
  double energy_escaped_J = 0;
  std::map<std::string, double> extra;  // further numeric attributes (units in the name)
  // Further string attributes: provenance of the inputs ("provenance", one line per number:
  // "quantity = value  [source]"), the activity units and reference time, the outside-geometry
  // policy, ... (case_output.hh).
  std::map<std::string, std::string> text;
  ProvenanceRecord provenance;  // the TG-268 record, group /provenance (empty: none stored)
};

// True for the names a dose file may have: *.h5 or *.hdf5 (any case).
inline bool has_dose_file_extension(const std::string& path) {
  auto ends = [&](const char* suffix) {
    const std::string sfx(suffix);
    if (path.size() <= sfx.size()) return false;
    for (std::size_t i = 0; i < sfx.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(path[path.size() - sfx.size() + i])) != sfx[i]) return false;
    return true;
  };
  return ends(".h5") || ends(".hdf5");
}

// Refuses (CheckFailed, exit 1) NaN/Inf in any map and writes atomically (output_file.hh).
void write_dose_file(const std::string& path, const DoseFile& file);
// Throws InputError naming the file and the problem when it is not a betadose dose file of a
// supported version, or a dataset has the wrong shape. The read is rehearsed in a child process
// first (src/io/isolated_read.hh), so a crash of the HDF5 library on a damaged file is an
// InputError too.
DoseFile read_dose_file(const std::string& path);
// The same read without the rehearsal: a crash of the library is a crash of this process. For
// the fuzz harness only (tests/fuzz/fuzz_dose_file.cpp), which fuzzes betadose's own checks in
// one process and sorts the library's crashes out afterwards (tools/fuzz.sh).
DoseFile read_dose_file_in_this_process(const std::string& path);

}  // namespace bd
