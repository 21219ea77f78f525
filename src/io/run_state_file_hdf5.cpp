// HDF5 checkpoints and job-array parts (include/betadose/run_state_file.hh).
#include <hdf5.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "betadose/checksum.hh"
#include "betadose/errors.hh"
#include "betadose/output_file.hh"
#include "betadose/run_state_file.hh"
#include "hdf5_attributes.hh"
#include "isolated_read.hh"

namespace bd {
namespace {

namespace fs = std::filesystem;
using h5::check;
using h5::Handle;
using h5::has_attr;
using h5::read_attr_string;
using h5::write_attr_double;
using h5::write_attr_doubles;
using h5::write_attr_string;
using h5::write_attr_strings;
using h5::write_attr_u64;

// ---- typed reads with messages naming the file --------------------------------------------

std::uint64_t read_u64(hid_t loc, const char* name, const std::string& path) {
  if (!has_attr(loc, name)) throw InputError(path + ": attribute '" + name + "' is missing");
  Handle attr(H5Aopen(loc, name, H5P_DEFAULT), H5Aclose);
  Handle type(H5Aget_type(attr), H5Tclose);
  Handle space(H5Aget_space(attr), H5Sclose);
  if (H5Tget_class(type) != H5T_INTEGER || H5Sget_simple_extent_npoints(space) != 1)
    throw InputError(path + ": attribute '" + name + "' is not one whole number");
  std::uint64_t v = 0;
  check(H5Aread(attr, H5T_NATIVE_UINT64, &v), path + ": reading " + name);
  return v;
}

std::vector<double> read_doubles(hid_t loc, const char* name, const std::string& path, std::size_t expected) {
  if (!has_attr(loc, name)) throw InputError(path + ": attribute '" + name + "' is missing");
  Handle attr(H5Aopen(loc, name, H5P_DEFAULT), H5Aclose);
  Handle type(H5Aget_type(attr), H5Tclose);
  Handle space(H5Aget_space(attr), H5Sclose);
  const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space));
  if (H5Tget_class(type) != H5T_FLOAT || n != expected)
    throw InputError(path + ": attribute '" + name + "' is not " + std::to_string(expected) + " number(s)");
  std::vector<double> v(n);
  check(H5Aread(attr, H5T_NATIVE_DOUBLE, v.data()), path + ": reading " + name);
  return v;
}

std::vector<std::string> read_strings(hid_t loc, const char* name, const std::string& path) {
  if (!has_attr(loc, name)) throw InputError(path + ": attribute '" + name + "' is missing");
  Handle attr(H5Aopen(loc, name, H5P_DEFAULT), H5Aclose);
  Handle space(H5Aget_space(attr), H5Sclose);
  Handle ftype(H5Aget_type(attr), H5Tclose);
  if (H5Tget_class(ftype) != H5T_STRING || H5Tis_variable_str(ftype) <= 0)
    throw InputError(path + ": attribute '" + name + "' is not a list of strings");
  const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space));
  std::vector<char*> ptrs(n, nullptr);
  Handle mtype(H5Tcopy(ftype), H5Tclose);
  check(H5Aread(attr, mtype, ptrs.data()), path + ": reading " + name);
  std::vector<std::string> out;
  for (char* p : ptrs) out.emplace_back(p ? p : "");
  H5Dvlen_reclaim(mtype, space, H5P_DEFAULT, ptrs.data());
  return out;
}

// 1-D or 2-D dataset of plain numbers, byte-shuffled and deflated (level 1: fast; tallies and
// sums are zero outside the body, and shuffled high bytes of counts compress well).
template <class T>
void write_array(hid_t loc, const char* name, const T* data, std::vector<hsize_t> dims, hid_t mem, hid_t file_type) {
  Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
  Handle plist(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  std::vector<hsize_t> chunk = dims;
  for (std::size_t a = 0; a + 1 < chunk.size(); ++a) chunk[a] = 1;
  chunk.back() = std::min<hsize_t>(std::max<hsize_t>(chunk.back(), 1), 1 << 18);
  bool empty = false;
  for (auto d : dims) empty = empty || d == 0;
  if (!empty) {
    H5Pset_chunk(plist, static_cast<int>(chunk.size()), chunk.data());
    H5Pset_shuffle(plist);
    H5Pset_deflate(plist, 1);
  }
  Handle ds(H5Dcreate2(loc, name, file_type, space, H5P_DEFAULT, plist, H5P_DEFAULT), H5Dclose);
  check(ds.id, std::string("creating dataset ") + name);
  if (!empty) check(H5Dwrite(ds, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), std::string("writing ") + name);
}

std::vector<hsize_t> dataset_dims(hid_t loc, const char* name, const std::string& path) {
  if (H5Lexists(loc, name, H5P_DEFAULT) <= 0) throw InputError(path + ": dataset '" + name + "' is missing");
  Handle ds(H5Dopen2(loc, name, H5P_DEFAULT), H5Dclose);
  Handle space(H5Dget_space(ds), H5Sclose);
  const int nd = H5Sget_simple_extent_ndims(space);
  if (nd < 1) throw InputError(path + ": dataset '" + name + "' is not an array");
  std::vector<hsize_t> dims(static_cast<std::size_t>(nd));
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  return dims;
}

// Whole dataset `name` of exactly `n` values.
template <class T>
std::vector<T> read_array(hid_t loc, const char* name, hid_t mem, std::size_t n, const std::string& path) {
  std::size_t count = 1;
  for (auto d : dataset_dims(loc, name, path)) count *= static_cast<std::size_t>(d);
  if (count != n)
    throw InputError(path + ": dataset '" + name + "' has " + std::to_string(count) + " values, expected " +
                     std::to_string(n));
  std::vector<T> v(n);
  if (n == 0) return v;
  Handle ds(H5Dopen2(loc, name, H5P_DEFAULT), H5Dclose);
  check(H5Dread(ds, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), path + ": reading " + name);
  return v;
}

// Row `row` of a 2-D dataset [rows][n].
std::vector<unsigned long long> read_row(hid_t loc, const char* name, std::size_t row, std::size_t n,
                                         const std::string& path) {
  const auto dims = dataset_dims(loc, name, path);
  if (dims.size() != 2 || row >= dims[0] || dims[1] != n)
    throw InputError(path + ": dataset '" + std::string(name) + "' does not hold row " + std::to_string(row) +
                     " of " + std::to_string(n) + " values");
  Handle ds(H5Dopen2(loc, name, H5P_DEFAULT), H5Dclose);
  Handle fspace(H5Dget_space(ds), H5Sclose);
  hsize_t start[2] = {row, 0}, count[2] = {1, n};
  check(H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, nullptr, count, nullptr), path + ": selecting a row");
  hsize_t mdim = n;
  Handle mspace(H5Screate_simple(1, &mdim, nullptr), H5Sclose);
  std::vector<unsigned long long> v(n);
  check(H5Dread(ds, H5T_NATIVE_ULLONG, mspace, fspace, H5P_DEFAULT, v.data()), path + ": reading " + name);
  return v;
}

// ---- file handles ------------------------------------------------------------------------

// The open file's id (the caller owns it), after its filetype and version are checked.
hid_t open_for_reading(const std::string& path, const char* filetype, const char* what) {
  if (!fs::exists(path)) throw InputError(path + ": file not found");
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  if (H5Fis_hdf5(path.c_str()) <= 0) throw InputError(path + ": not an HDF5 file (expected a betadose " + what + ")");
  Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (file.id < 0) throw InputError(path + ": cannot open the HDF5 file");
  const std::string type = has_attr(file, "filetype") ? read_attr_string(file, "filetype", path) : "";
  if (type != filetype)
    throw InputError(path + ": not a betadose " + what + " (filetype '" + type + "', expected '" + filetype + "')");
  const std::uint64_t version = read_u64(file, "version", path);
  if (version != static_cast<std::uint64_t>(kRunStateFileVersion))
    throw InputError(path + ": " + what + " version " + std::to_string(version) + " is not supported (this betadose reads " +
                     std::to_string(kRunStateFileVersion) + ")");
  const hid_t id = file.id;
  file.id = -1;
  return id;
}

// Creates `path` through the output layer, lets `write(file)` fill it, closes and commits.
template <class Write>
void write_staged_hdf5(const std::string& path, const std::string& what, const Write& write) {
  StagedOutput out(path, what);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  {
    Handle file(H5Fcreate(out.path().c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
    if (file.id < 0) throw InputError(path + ": cannot create the " + what);
    write(file.id);
    check(file.close(), "closing " + path + " (disk full?)");
  }
  out.commit();
}

// ---- the parts both files share --------------------------------------------------------------

void write_common(hid_t file, const char* filetype, const RunIdentity& id, const RunState& s) {
  write_attr_string(file, "filetype", filetype);
  write_attr_u64(file, "version", kRunStateFileVersion);
  write_attr_string(file, "betadose_version", BETADOSE_VERSION);
  write_attr_string(file, "command", id.command);
  write_attr_string(file, "options", id.options);
  // One "option<TAB>sha256" line per input (a list attribute cannot be empty).
  std::string inputs;
  for (const auto& [o, h] : id.inputs) inputs += o + "\t" + h + "\n";
  write_attr_string(file, "inputs", inputs);
  write_attr_string(file, "case_fingerprint", s.case_fingerprint);
  write_attr_u64(file, "histories", s.histories);
  write_attr_u64(file, "batches", static_cast<std::uint64_t>(s.batches_requested));
  write_attr_u64(file, "per_batch", s.per_batch);
  write_attr_u64(file, "seed", s.seed);
  write_attr_string(file, "device", s.device);
  write_attr_double(file, "target_rel_uncertainty", s.target_rel_uncertainty);
}

void read_common(hid_t file, const std::string& path, RunIdentity& id, RunState& s) {
  id.command = read_attr_string(file, "command", path);
  id.options = read_attr_string(file, "options", path);
  std::istringstream inputs(read_attr_string(file, "inputs", path));
  for (std::string line; std::getline(inputs, line);) {
    const auto tab = line.find('\t');
    if (tab == std::string::npos) throw InputError(path + ": attribute 'inputs' has a line without option and checksum");
    id.inputs.emplace_back(line.substr(0, tab), line.substr(tab + 1));
  }
  s.case_fingerprint = read_attr_string(file, "case_fingerprint", path);
  s.histories = read_u64(file, "histories", path);
  const std::uint64_t batches = read_u64(file, "batches", path);
  s.per_batch = read_u64(file, "per_batch", path);
  s.seed = read_u64(file, "seed", path);
  s.device = read_attr_string(file, "device", path);
  s.target_rel_uncertainty = read_doubles(file, "target_rel_uncertainty", path, 1)[0];
  if (batches < 2 || batches > (1u << 30) || s.histories == 0 ||
      BatchLayout::make(s.histories, static_cast<int>(batches)).per_batch != s.per_batch)
    throw InputError(path + ": histories " + std::to_string(s.histories) + ", batches " + std::to_string(batches) +
                     " and per_batch " + std::to_string(s.per_batch) + " do not agree");
  s.batches_requested = static_cast<int>(batches);
}

void digest_common(Digest& d, const char* filetype, const RunIdentity& id, const RunState& s) {
  auto text = [&](const std::string& t) {
    const std::uint64_t n = t.size();
    d.update(&n, sizeof n);
    d.update(t.data(), t.size());
  };
  auto u64 = [&](std::uint64_t v) { d.update(&v, sizeof v); };
  text(filetype);
  u64(kRunStateFileVersion);
  text(id.command);
  text(id.options);
  for (const auto& [o, h] : id.inputs) {
    text(o);
    text(h);
  }
  text(s.case_fingerprint);
  u64(s.histories);
  u64(static_cast<std::uint64_t>(s.batches_requested));
  u64(s.per_batch);
  u64(s.seed);
  text(s.device);
  d.update(&s.target_rel_uncertainty, sizeof(double));
}

std::string checkpoint_digest(const CheckpointFile& c) {
  Sha256 d;
  digest_common(d, kCheckpointFileType, c.identity, c.state);
  const RunTotals& t = c.state.totals;
  const std::uint64_t counts[4] = {static_cast<std::uint64_t>(c.state.next_batch), t.histories,
                                   static_cast<std::uint64_t>(t.batches), t.sum_MeV.size()};
  d.update(counts, sizeof counts);
  d.update(&t.wall_s, sizeof t.wall_s);
  d.update(t.balance.data(), t.balance.size() * sizeof(double));
  d.update(t.sum_MeV.data(), t.sum_MeV.size() * sizeof(double));
  d.update(t.sum2_MeV2.data(), t.sum2_MeV2.size() * sizeof(double));
  return d.hex();
}

std::string batch_digest(const BatchTally& b) {
  Sha256 d;
  const std::uint64_t head[4] = {static_cast<std::uint64_t>(b.batch), b.begin, b.end, b.tally.size()};
  d.update(head, sizeof head);
  d.update(b.tally.data(), b.tally.size() * sizeof(unsigned long long));
  d.update(b.balance.data(), b.balance.size() * sizeof(unsigned long long));
  return d.hex();
}

std::string part_digest(const PartFile& p, const std::string& case_bytes) {
  Sha256 d;
  digest_common(d, kPartFileType, p.identity, p.header);
  const std::uint64_t head[4] = {p.range.begin, p.range.end, p.tally_bins, p.batches.size()};
  d.update(head, sizeof head);
  d.update(&p.transport_wall_s, sizeof p.transport_wall_s);
  for (std::size_t i = 0; i < p.batches.size(); ++i) {
    const BatchTally& b = p.batches[i];
    const std::uint64_t row[3] = {static_cast<std::uint64_t>(b.batch), b.begin, b.end};
    d.update(row, sizeof row);
    d.update(p.batch_sha256[i].data(), p.batch_sha256[i].size());
  }
  const VoxelRunScale& s = p.scale;
  for (double v : {s.total_activity_bq, s.decays_per_bq, s.betas_per_decay}) d.update(&v, sizeof v);
  d.update(&s.seed, sizeof s.seed);
  const std::string dose_to = to_string(s.dose_to);
  for (const std::string* t : {&s.device, &s.nuclide, &dose_to, &p.uncertainty_mask}) {
    const std::uint64_t n = t->size();
    d.update(&n, sizeof n);
    d.update(t->data(), t->size());
  }
  const std::uint64_t n = case_bytes.size();
  d.update(&n, sizeof n);
  d.update(case_bytes.data(), case_bytes.size());
  return d.hex();
}

void check_digest(const std::string& path, const std::string& stored, const std::string& computed, const char* what) {
  if (stored != computed)
    throw InputError(path + ": the " + std::string(what) +
                     " was changed or damaged after it was written (content_sha256 does not match its "
                     "contents); refusing it");
}

// The case's dose file as bytes: written by the dose-file writer next to `near`, never
// committed (a StagedOutput that is discarded), so it round-trips the whole contract.
std::string dose_file_bytes(const DoseFile& f, const std::string& near) {
  const fs::path dir = fs::absolute(near).parent_path();
  StagedOutput scratch((dir / ("case-dose-" + std::to_string(::getpid()) + ".h5")).string(), "part scratch file");
  write_dose_file(scratch.path(), f);
  std::ifstream in(scratch.path(), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) throw InputError(near + ": cannot read back the case dose file");
  return bytes;
}

DoseFile dose_file_from_bytes(const std::string& bytes, const std::string& path) {
  StagedOutput scratch((fs::temp_directory_path() / ("betadose-part-case-" + std::to_string(::getpid()) + ".h5")).string(),
                       "part scratch file");
  write_file_atomic(scratch.path(), bytes, "part scratch file");
  try {
    return read_dose_file(scratch.path());
  } catch (const InputError& e) {
    throw InputError(path + ": its case dose file is unreadable (" + e.what() + ")");
  }
}

}  // namespace

// ---- checkpoints ---------------------------------------------------------------------------

void write_checkpoint_file(const std::string& path, const CheckpointFile& c) {
  write_staged_hdf5(path, "checkpoint", [&](hid_t file) {
    write_common(file, kCheckpointFileType, c.identity, c.state);
    const RunTotals& t = c.state.totals;
    write_attr_u64(file, "next_batch", static_cast<std::uint64_t>(c.state.next_batch));
    write_attr_u64(file, "histories_done", t.histories);
    write_attr_u64(file, "batches_done", static_cast<std::uint64_t>(t.batches));
    write_attr_double(file, "wall_time_s", t.wall_s);
    write_attr_doubles(file, "balance", t.balance.data(), t.balance.size());
    write_array(file, "sum_MeV", t.sum_MeV.data(), {t.sum_MeV.size()}, H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE);
    write_array(file, "sum2_MeV2", t.sum2_MeV2.data(), {t.sum2_MeV2.size()}, H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE);
    write_attr_string(file, "content_sha256", checkpoint_digest(c));
  });
}

static CheckpointFile read_checkpoint_file_here(const std::string& path) {
  Handle file(open_for_reading(path, kCheckpointFileType, "checkpoint"), H5Fclose);
  CheckpointFile c;
  read_common(file, path, c.identity, c.state);
  RunTotals& t = c.state.totals;
  c.state.next_batch = static_cast<int>(std::min<std::uint64_t>(read_u64(file, "next_batch", path), 1u << 30));
  t.histories = read_u64(file, "histories_done", path);
  t.batches = static_cast<int>(std::min<std::uint64_t>(read_u64(file, "batches_done", path), 1u << 30));
  t.wall_s = read_doubles(file, "wall_time_s", path, 1)[0];
  const auto bal = read_doubles(file, "balance", path, kBalanceSize);
  std::copy(bal.begin(), bal.end(), t.balance.begin());
  const auto dims = dataset_dims(file, "sum_MeV", path);
  t.sum_MeV = read_array<double>(file, "sum_MeV", H5T_NATIVE_DOUBLE, dims[0], path);
  t.sum2_MeV2 = read_array<double>(file, "sum2_MeV2", H5T_NATIVE_DOUBLE, dims[0], path);
  check_digest(path, read_attr_string(file, "content_sha256", path), checkpoint_digest(c), "checkpoint");
  return c;
}

// ---- parts ---------------------------------------------------------------------------------

void write_part_file(const std::string& path, const PartFile& p_in) {
  PartFile p = p_in;
  if (p.batch_sha256.size() != p.batches.size()) {
    p.batch_sha256.clear();
    for (const auto& b : p.batches) p.batch_sha256.push_back(batch_digest(b));
  }
  const std::string case_bytes = p.case_dose_file.dose_gy.empty() ? std::string() : dose_file_bytes(p.case_dose_file, path);
  write_staged_hdf5(path, "part file", [&](hid_t file) {
    write_common(file, kPartFileType, p.identity, p.header);
    write_attr_u64(file, "range_begin", p.range.begin);
    write_attr_u64(file, "range_end", p.range.end);
    write_attr_u64(file, "tally_bins", p.tally_bins);
    write_attr_double(file, "transport_wall_time_s", p.transport_wall_s);
    const std::size_t nb = p.batches.size();
    std::vector<std::uint64_t> index, begin, end;
    std::vector<unsigned long long> tally, balance;
    tally.reserve(nb * p.tally_bins);
    for (const auto& b : p.batches) {
      if (b.tally.size() != p.tally_bins) throw std::logic_error("write_part_file: batch tally size");
      index.push_back(static_cast<std::uint64_t>(b.batch));
      begin.push_back(b.begin);
      end.push_back(b.end);
      tally.insert(tally.end(), b.tally.begin(), b.tally.end());
      balance.insert(balance.end(), b.balance.begin(), b.balance.end());
    }
    Handle grp(H5Gcreate2(file, "batches", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
    check(grp.id, "creating /batches");
    write_array(grp, "index", index.data(), {nb}, H5T_NATIVE_UINT64, H5T_STD_U64LE);
    write_array(grp, "begin", begin.data(), {nb}, H5T_NATIVE_UINT64, H5T_STD_U64LE);
    write_array(grp, "end", end.data(), {nb}, H5T_NATIVE_UINT64, H5T_STD_U64LE);
    write_array(grp, "tally", tally.data(), {nb, p.tally_bins}, H5T_NATIVE_ULLONG, H5T_STD_U64LE);
    write_array(grp, "balance", balance.data(), {nb, static_cast<hsize_t>(kBalanceSize)}, H5T_NATIVE_ULLONG,
                H5T_STD_U64LE);
    write_attr_strings(grp, "sha256", p.batch_sha256);
    Handle scale(H5Gcreate2(file, "scale", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
    check(scale.id, "creating /scale");
    write_attr_double(scale, "total_activity_bq", p.scale.total_activity_bq);
    write_attr_double(scale, "decays_per_bq_s", p.scale.decays_per_bq);
    write_attr_double(scale, "betas_per_decay", p.scale.betas_per_decay);
    write_attr_u64(scale, "seed", p.scale.seed);
    write_attr_string(scale, "device", p.scale.device);
    write_attr_string(scale, "nuclide", p.scale.nuclide);
    write_attr_string(scale, "dose_to", to_string(p.scale.dose_to));
    write_attr_string(scale, "uncertainty_mask", p.uncertainty_mask);
    write_array(file, "case_dose_file", reinterpret_cast<const unsigned char*>(case_bytes.data()),
                {case_bytes.size()}, H5T_NATIVE_UCHAR, H5T_STD_U8LE);
    write_attr_string(file, "content_sha256", part_digest(p, case_bytes));
  });
}

static PartFile read_part_header_here(const std::string& path) {
  Handle file(open_for_reading(path, kPartFileType, "part file"), H5Fclose);
  PartFile p;
  read_common(file, path, p.identity, p.header);
  p.range.begin = read_u64(file, "range_begin", path);
  p.range.end = read_u64(file, "range_end", path);
  p.tally_bins = read_u64(file, "tally_bins", path);
  p.transport_wall_s = read_doubles(file, "transport_wall_time_s", path, 1)[0];
  {
    if (H5Lexists(file, "batches", H5P_DEFAULT) <= 0) throw InputError(path + ": group /batches is missing");
    Handle grp(H5Gopen2(file, "batches", H5P_DEFAULT), H5Gclose);
    const auto dims = dataset_dims(grp, "index", path);
    const std::size_t nb = dims[0];
    const auto index = read_array<std::uint64_t>(grp, "index", H5T_NATIVE_UINT64, nb, path);
    const auto begin = read_array<std::uint64_t>(grp, "begin", H5T_NATIVE_UINT64, nb, path);
    const auto end = read_array<std::uint64_t>(grp, "end", H5T_NATIVE_UINT64, nb, path);
    p.batch_sha256 = read_strings(grp, "sha256", path);
    if (p.batch_sha256.size() != nb) throw InputError(path + ": /batches sha256 has the wrong length");
    for (std::size_t i = 0; i < nb; ++i) {
      BatchTally b;
      b.batch = static_cast<int>(std::min<std::uint64_t>(index[i], 1u << 30));
      b.begin = begin[i];
      b.end = end[i];
      p.batches.push_back(std::move(b));
    }
  }
  {
    if (H5Lexists(file, "scale", H5P_DEFAULT) <= 0) throw InputError(path + ": group /scale is missing");
    Handle scale(H5Gopen2(file, "scale", H5P_DEFAULT), H5Gclose);
    p.scale.total_activity_bq = read_doubles(scale, "total_activity_bq", path, 1)[0];
    p.scale.decays_per_bq = read_doubles(scale, "decays_per_bq_s", path, 1)[0];
    p.scale.betas_per_decay = read_doubles(scale, "betas_per_decay", path, 1)[0];
    p.scale.seed = read_u64(scale, "seed", path);
    p.scale.device = read_attr_string(scale, "device", path);
    p.scale.nuclide = read_attr_string(scale, "nuclide", path);
    p.scale.dose_to = parse_dose_to(read_attr_string(scale, "dose_to", path), path + ": /scale attribute dose_to");
    p.uncertainty_mask = read_attr_string(scale, "uncertainty_mask", path);
  }
  const auto case_dims = dataset_dims(file, "case_dose_file", path);
  const auto case_raw = read_array<unsigned char>(file, "case_dose_file", H5T_NATIVE_UCHAR, case_dims[0], path);
  const std::string case_bytes(case_raw.begin(), case_raw.end());
  check_digest(path, read_attr_string(file, "content_sha256", path), part_digest(p, case_bytes), "part file");

  // The layout: the batches a range touches, each as its intersection with the range.
  const BatchLayout layout = BatchLayout::make(p.header.histories, p.header.batches_requested);
  BD_VALIDATE(p.range.begin < p.range.end && p.range.end <= layout.histories,
              path << ": range " << p.range.begin << ":" << p.range.end << " is not inside the run's "
                   << layout.histories << " decays");
  const int first = layout.batch_of(p.range.begin), last = layout.batch_of(p.range.end - 1);
  BD_VALIDATE(p.batches.size() == static_cast<std::size_t>(last - first + 1),
              path << ": holds " << p.batches.size() << " batches, its range touches " << last - first + 1);
  for (std::size_t i = 0; i < p.batches.size(); ++i) {
    const BatchTally& b = p.batches[i];
    const int want = first + static_cast<int>(i);
    BD_VALIDATE(b.batch == want && b.begin == std::max(layout.begin(want), p.range.begin) &&
                    b.end == std::min(layout.end(want), p.range.end),
                path << ": batch entry " << i << " (batch " << b.batch << ", decays " << b.begin << ":" << b.end
                     << ") does not match the range " << p.range.begin << ":" << p.range.end);
  }
  if (!case_bytes.empty()) p.case_dose_file = dose_file_from_bytes(case_bytes, path);
  return p;
}

static BatchTally read_part_batch_here(const std::string& path, const PartFile& header, std::size_t i) {
  BD_VALIDATE(i < header.batches.size(), path << ": no batch entry " << i);
  Handle file(open_for_reading(path, kPartFileType, "part file"), H5Fclose);
  Handle grp(H5Gopen2(file, "batches", H5P_DEFAULT), H5Gclose);
  BatchTally b = header.batches[i];
  b.tally = read_row(grp, "tally", i, header.tally_bins, path);
  const auto bal = read_row(grp, "balance", i, kBalanceSize, path);
  std::copy(bal.begin(), bal.end(), b.balance.begin());
  if (batch_digest(b) != header.batch_sha256[i])
    throw InputError(path + ": the tally of batch " + std::to_string(b.batch) +
                     " was changed or damaged after it was written (its sha256 does not match); refusing it");
  BD_VALIDATE(b.balance[kCountDecays] == b.end - b.begin,
              path << ": batch " << b.batch << " counts " << b.balance[kCountDecays] << " decays for its range "
                   << b.begin << ":" << b.end);
  return b;
}

// Every read of a checkpoint or part is rehearsed in a child process (isolated_read.hh): these
// files come from other runs, other machines or a shared scratch directory.
CheckpointFile read_checkpoint_file(const std::string& path) {
  return io::read_isolated_value<CheckpointFile>(path, "checkpoint", "HDF5", [&] { return read_checkpoint_file_here(path); });
}

PartFile read_part_header(const std::string& path) {
  return io::read_isolated_value<PartFile>(path, "part file", "HDF5", [&] { return read_part_header_here(path); });
}

BatchTally read_part_batch(const std::string& path, const PartFile& header, std::size_t i) {
  return io::read_isolated_value<BatchTally>(path, "part file", "HDF5",
                                             [&] { return read_part_batch_here(path, header, i); });
}

}  // namespace bd
