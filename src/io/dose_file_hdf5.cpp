// HDF5 writer/reader of the dose file contract (include/betadose/dose_file.hh).
#include <hdf5.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <sstream>
#include <type_traits>
#include <filesystem>
#include <functional>
#include <stdexcept>

#include "betadose/checksum.hh"
#include "betadose/dose_file.hh"
#include "betadose/errors.hh"
#include "betadose/input_file.hh"
#include "betadose/memory_check.hh"
#include "betadose/output_file.hh"
#include "betadose/value_checks.hh"
#include "hdf5_attributes.hh"
#include "isolated_read.hh"

namespace bd {
namespace {

using H5Handle = h5::Handle;
using h5::check;
using h5::has_attr;
using h5::read_attr_string;
using h5::write_attr_double;
using h5::write_attr_doubles;
using h5::write_attr_string;
using h5::write_attr_strings;
using h5::write_attr_u64;
using h5::write_volume;

// A numeric attribute of `expected` values (0: any count), every one finite.
std::vector<double> read_attr_doubles(hid_t loc, const char* name, const std::string& path,
                                      std::size_t expected) {
  if (!has_attr(loc, name)) throw InputError(path + ": attribute '" + name + "' is missing");
  H5Handle attr(H5Aopen(loc, name, H5P_DEFAULT), H5Aclose);
  H5Handle ftype(H5Aget_type(attr), H5Tclose);
  H5Handle space(H5Aget_space(attr), H5Sclose);
  const auto cls = ftype.id < 0 ? H5T_NO_CLASS : H5Tget_class(ftype);
  if (attr.id < 0 || (cls != H5T_FLOAT && cls != H5T_INTEGER))
    throw InputError(path + ": attribute '" + name + "' is not a number");
  const hssize_t points = H5Sget_simple_extent_npoints(space);
  if (points < 1 || points > 1024)
    throw InputError(path + ": attribute '" + name + "' has " + std::to_string(points) + " values");
  const auto n = static_cast<std::size_t>(points);
  if (expected && n != expected)
    throw InputError(path + ": attribute '" + name + "' has " + std::to_string(n) +
                     " values, expected " + std::to_string(expected));
  std::vector<double> v(n);
  check(H5Aread(attr, H5T_NATIVE_DOUBLE, v.data()), path + ": reading attribute " + name);
  for (double x : v)
    if (!std::isfinite(x)) throw InputError(path + ": attribute '" + name + "' is not finite (" + std::to_string(x) + ")");
  return v;
}

std::uint64_t read_attr_u64(hid_t loc, const char* name, const std::string& path) {
  H5Handle attr(H5Aopen(loc, name, H5P_DEFAULT), H5Aclose);
  H5Handle ftype(H5Aget_type(attr), H5Tclose);
  H5Handle space(H5Aget_space(attr), H5Sclose);
  std::uint64_t v = 0;
  if (attr.id < 0 || ftype.id < 0 || H5Tget_class(ftype) != H5T_INTEGER || H5Sget_simple_extent_npoints(space) != 1 ||
      H5Aread(attr, H5T_NATIVE_UINT64, &v) < 0)
    throw InputError(path + ": attribute '" + name + "' is not a whole number");
  return v;
}

std::vector<std::string> read_attr_strings(hid_t loc, const char* name, const std::string& path) {
  std::vector<std::string> out;
  if (!has_attr(loc, name)) return out;
  H5Handle attr(H5Aopen(loc, name, H5P_DEFAULT), H5Aclose);
  H5Handle space(H5Aget_space(attr), H5Sclose);
  H5Handle ftype(H5Aget_type(attr), H5Tclose);
  // Variable-length strings only (what write_dose_file writes): a fixed-length string would
  // not fit the pointer array below.
  if (attr.id < 0 || ftype.id < 0 || H5Tget_class(ftype) != H5T_STRING || H5Tis_variable_str(ftype) <= 0)
    throw InputError(path + ": attribute '" + name + "' is not a list of variable-length strings");
  const hssize_t points = H5Sget_simple_extent_npoints(space);
  if (points < 0 || points > 255)
    throw InputError(path + ": attribute '" + name + "' has " + std::to_string(points) + " entries (at most 255)");
  std::vector<char*> ptrs(static_cast<std::size_t>(points), nullptr);
  H5Handle mtype(H5Tcopy(ftype), H5Tclose);
  check(H5Aread(attr, mtype, ptrs.data()), path + ": reading attribute " + name);
  for (char* p : ptrs) out.emplace_back(p ? p : "");
  H5Dvlen_reclaim(mtype, space, H5P_DEFAULT, ptrs.data());
  return out;
}

// What the values of a map may be.
enum class Values { any_finite, non_negative };

template <class T>
std::vector<T> read_volume(hid_t file, const std::string& name, hid_t mem_type, const Grid& g,
                           const std::string& path, bool required, Values rule = Values::any_finite) {
  if (H5Lexists(file, name.c_str(), H5P_DEFAULT) <= 0) {
    if (required) throw InputError(path + ": dataset '" + name + "' is missing");
    return {};
  }
  H5Handle ds(H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (ds.id < 0) throw InputError(path + ": '" + name + "' is not a dataset");
  H5Handle space(H5Dget_space(ds), H5Sclose);
  H5Handle type(H5Dget_type(ds), H5Tclose);
  const auto cls = type.id < 0 ? H5T_NO_CLASS : H5Tget_class(type);
  if (cls != H5T_FLOAT && cls != H5T_INTEGER)
    throw InputError(path + ": dataset '" + name + "' does not hold numbers");
  hsize_t dims[3] = {0, 0, 0};
  if (H5Sget_simple_extent_ndims(space) != 3)
    throw InputError(path + ": dataset '" + name + "' is not 3-D");
  H5Sget_simple_extent_dims(space, dims, nullptr);
  if (dims[0] != g.size[2] || dims[1] != g.size[1] || dims[2] != g.size[0])
    throw InputError(path + ": dataset '" + name + "' has shape [" + std::to_string(dims[0]) +
                     "][" + std::to_string(dims[1]) + "][" + std::to_string(dims[2]) +
                     "], expected [nz][ny][nx] = " + g.describe());
  // HDF5 sizes its conversion and chunk buffers from the file's datatype and chunk shape, not
  // from the dataset's: a damaged file that declares a huge element or chunk made the library
  // ask for 1 GB to read a 2-voxel mask (fuzz_dose_file). A number is at most 8 bytes; a chunk
  // is at most the dataset.
  const std::size_t element_bytes = type.id < 0 ? 0 : H5Tget_size(type);
  if (element_bytes == 0 || element_bytes > 8)
    throw InputError(path + ": dataset '" + name + "' has " + std::to_string(element_bytes) +
                     "-byte elements (numbers of 1 to 8 bytes expected)");
  {
    H5Handle dcpl(H5Dget_create_plist(ds), H5Pclose);
    if (dcpl.id >= 0 && H5Pget_layout(dcpl) == H5D_CHUNKED) {
      hsize_t chunk[3] = {0, 0, 0};
      if (H5Pget_chunk(dcpl, 3, chunk) != 3 || chunk[0] == 0 || chunk[1] == 0 || chunk[2] == 0 ||
          chunk[0] > dims[0] || chunk[1] > dims[1] || chunk[2] > dims[2])
        throw InputError(path + ": dataset '" + name + "' has a chunk shape [" + std::to_string(chunk[0]) + "][" +
                         std::to_string(chunk[1]) + "][" + std::to_string(chunk[2]) +
                         "] that does not fit inside the dataset");
    }
  }
  std::vector<T> data(g.voxel_count());
  check(H5Dread(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()), path + ": reading " + name);
  if constexpr (std::is_floating_point_v<T>) {
    std::size_t bad = 0, first = 0;
    for (std::size_t i = 0; i < data.size(); ++i) {
      const bool ok = std::isfinite(data[i]) && (rule == Values::any_finite || data[i] >= 0);
      if (!ok && bad++ == 0) first = i;
    }
    if (bad) {
      const std::size_t nx = g.size[0], ny = g.size[1];
      std::ostringstream os;
      os << path << ": dataset '" << name << "' has " << bad << " voxel(s) that are "
         << (rule == Values::non_negative ? "negative or not finite (NaN/Inf)" : "not finite (NaN/Inf)")
         << ", the first " << data[first] << " at voxel (" << first % nx << ", " << (first / nx) % ny << ", "
         << first / (nx * ny) << ")";
      throw InputError(os.str());
    }
  }
  return data;
}

// /provenance: one subgroup per section, values as attributes, both in creation order.
void write_provenance(hid_t file, const ProvenanceRecord& record) {
  if (record.empty()) return;
  H5Handle gcpl(H5Pcreate(H5P_GROUP_CREATE), H5Pclose);
  check(H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), "provenance order");
  H5Handle top(H5Gcreate2(file, "provenance", H5P_DEFAULT, gcpl, H5P_DEFAULT), H5Gclose);
  check(top.id, "creating /provenance");
  write_attr_string(top, "standard", kProvenanceStandard);
  for (const auto& section : record.sections) {
    H5Handle scpl(H5Pcreate(H5P_GROUP_CREATE), H5Pclose);
    check(H5Pset_attr_creation_order(scpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), "provenance order");
    H5Handle g(H5Gcreate2(top, section.name.c_str(), H5P_DEFAULT, scpl, H5P_DEFAULT), H5Gclose);
    check(g.id, "creating /provenance/" + section.name);
    write_attr_string(g, "tg268_item", section.tg268_item);
    for (const auto& v : section.values) {
      if (v.numeric) write_attr_double(g, v.key.c_str(), v.number);
      else write_attr_string(g, v.key.c_str(), v.text);
    }
  }
}

ProvenanceRecord read_provenance(hid_t file, const std::string& path) {
  ProvenanceRecord record;
  if (H5Lexists(file, "provenance", H5P_DEFAULT) <= 0) return record;
  H5Handle top(H5Gopen2(file, "provenance", H5P_DEFAULT), H5Gclose);
  std::vector<std::string> names;
  struct Links {
    static herr_t visit(hid_t, const char* name, const H5L_info_t*, void* data) {
      static_cast<std::vector<std::string>*>(data)->push_back(name);
      return 0;
    }
  };
  // Creation order when the writer tracked it (betadose does), else name order.
  hsize_t idx = 0;
  if (H5Literate(top, H5_INDEX_CRT_ORDER, H5_ITER_INC, &idx, &Links::visit, &names) < 0) {
    names.clear();
    idx = 0;
    H5Literate(top, H5_INDEX_NAME, H5_ITER_INC, &idx, &Links::visit, &names);
  }
  struct Attrs {
    ProvenanceSection* section;
    const std::string* path;
    std::string error;  // an InputError met inside HDF5's iteration (never thrown through C frames)
    static herr_t visit(hid_t loc, const char* name, const H5A_info_t*, void* data) {
      auto* self = static_cast<Attrs*>(data);
      if (std::string(name) == "tg268_item") return 0;
      try {
        H5Handle attr(H5Aopen(loc, name, H5P_DEFAULT), H5Aclose);
        H5Handle type(H5Aget_type(attr), H5Tclose);
        if (H5Tget_class(type) == H5T_STRING) {
          self->section->add(name, read_attr_string(loc, name, *self->path));
        } else {
          const std::vector<double> v = read_attr_doubles(loc, name, *self->path, 1);
          self->section->add(name, v[0]);
        }
      } catch (const InputError& e) {
        self->error = e.what();
        return -1;
      }
      return 0;
    }
  };
  for (const auto& name : names) {
    H5Handle g(H5Gopen2(top, name.c_str(), H5P_DEFAULT), H5Gclose);
    if (g.id < 0) continue;
    ProvenanceSection& s = record.section(
        name, has_attr(g, "tg268_item") ? read_attr_string(g, "tg268_item", path) : std::string());
    Attrs attrs{&s, &path, {}};
    hsize_t n = 0;
    if (H5Aiterate2(g, H5_INDEX_CRT_ORDER, H5_ITER_INC, &n, &Attrs::visit, &attrs) < 0) {
      if (!attrs.error.empty()) throw InputError(attrs.error + " (in /provenance/" + name + ")");
      s.values.clear();
      n = 0;
      const herr_t rc = H5Aiterate2(g, H5_INDEX_NAME, H5_ITER_INC, &n, &Attrs::visit, &attrs);
      if (!attrs.error.empty()) throw InputError(attrs.error + " (in /provenance/" + name + ")");
      check(rc, path + ": reading /provenance/" + name);
    }
  }
  return record;
}

}  // namespace

namespace {

// SHA-256 of what a dose file says (grid, every dataset, every attribute; not the TG-268
// provenance group), in a fixed order: a reader refuses a file changed after betadose wrote
// it (a dose rescaled or a unit edited with h5py reads as valid otherwise).
std::string dose_file_digest(const DoseFile& f) {
  const auto d = make_sha256();
  auto text = [&](const std::string& s) {
    const std::uint64_t n = s.size();
    d->update(&n, sizeof n);
    d->update(s.data(), s.size());
  };
  auto array = [&](const auto& v) {
    const std::uint64_t n = v.size();
    d->update(&n, sizeof n);
    if (!v.empty()) d->update(v.data(), v.size() * sizeof(v[0]));
  };
  const std::uint64_t size[3] = {f.grid.size[0], f.grid.size[1], f.grid.size[2]};
  d->update(size, sizeof size);
  d->update(f.grid.spacing_mm.data(), sizeof(double) * 3);
  d->update(f.grid.origin_mm.data(), sizeof(double) * 3);
  d->update(f.grid.direction.data(), sizeof(double) * 9);
  array(f.dose_gy);
  array(f.dose_rel_uncertainty);
  array(f.activity_bq);
  array(f.density_g_cm3);
  array(f.material_id);
  if (!f.material_id.empty())  // the names are written as an attribute of material_id only
    for (const auto& m : f.material_names) text(m);
  for (const auto& [name, mask] : f.roi) {
    text(name);
    array(mask);
  }
  for (const std::string* t : {&f.nuclide, &f.method, &f.dose_to, &f.device}) text(*t);
  for (double v : {f.total_activity_bq, f.wall_time_s, f.energy_emitted_J, f.energy_deposited_J, f.energy_escaped_J})
    d->update(&v, sizeof v);
  for (std::uint64_t v : {f.histories, f.seed}) d->update(&v, sizeof v);
  for (const auto& [name, v] : f.extra) {
    text(name);
    d->update(&v, sizeof v);
  }
  for (const auto& [name, v] : f.text) {
    text(name);
    text(v);
  }
  return d->hex();
}

}  // namespace

void write_dose_file(const std::string& path, const DoseFile& f) {
  const Grid& g = f.grid;
  BD_VALIDATE(f.dose_gy.size() == g.voxel_count(),
              path << ": dose has " << f.dose_gy.size() << " values for " << g.describe());
  // No NaN/Inf may reach a dose file: checked before anything is created (exit 1).
  require_finite_output(f.dose_gy.data(), f.dose_gy.size(), &g, path + ": /dose");
  require_finite_output(f.dose_rel_uncertainty.data(), f.dose_rel_uncertainty.size(), &g,
                        path + ": /dose_rel_uncertainty");
  require_finite_output(f.activity_bq.data(), f.activity_bq.size(), &g, path + ": /activity_bq");
  require_finite_output(f.density_g_cm3.data(), f.density_g_cm3.size(), &g, path + ": /density_g_cm3");
  StagedOutput out(path, "dose file");
  const std::string& tmp = out.path();
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  {
    H5Handle file(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
    if (file.id < 0) throw InputError(path + ": cannot create the output file (directory missing or not writable?)");
    write_attr_string(file, "filetype", kDoseFileType);
    write_attr_u64(file, "version", kDoseFileVersion);
    write_attr_string(file, "betadose_version", BETADOSE_VERSION);
    write_attr_doubles(file, "spacing_mm", g.spacing_mm.data(), 3);
    write_attr_doubles(file, "origin_mm", g.origin_mm.data(), 3);
    write_attr_doubles(file, "direction", g.direction.data(), 9);
    write_attr_string(file, "nuclide", f.nuclide);
    write_attr_string(file, "method", f.method);
    write_attr_string(file, "dose_to", f.dose_to);
    write_attr_string(file, "device", f.device);
    write_attr_string(file, "dose_units", "Gy");
    write_attr_string(file, "content_sha256", dose_file_digest(f));
    write_attr_double(file, "total_activity_bq", f.total_activity_bq);
    write_attr_u64(file, "histories", f.histories);
    write_attr_u64(file, "seed", f.seed);
    write_attr_double(file, "wall_time_s", f.wall_time_s);
    write_attr_double(file, "energy_emitted_J", f.energy_emitted_J);
    write_attr_double(file, "energy_deposited_J", f.energy_deposited_J);
    write_attr_double(file, "energy_escaped_J", f.energy_escaped_J);
    for (const auto& [name, value] : f.extra) write_attr_double(file, name.c_str(), value);
    for (const auto& [name, value] : f.text) write_attr_string(file, name.c_str(), value);

    write_volume(file, "dose", f.dose_gy, H5T_NATIVE_FLOAT, H5T_IEEE_F32LE, g);
    write_volume(file, "dose_rel_uncertainty", f.dose_rel_uncertainty, H5T_NATIVE_FLOAT, H5T_IEEE_F32LE, g);
    write_volume(file, "activity_bq", f.activity_bq, H5T_NATIVE_FLOAT, H5T_IEEE_F32LE, g);
    write_volume(file, "density_g_cm3", f.density_g_cm3, H5T_NATIVE_FLOAT, H5T_IEEE_F32LE, g);
    if (!f.material_id.empty()) {
      write_volume(file, "material_id", f.material_id, H5T_NATIVE_UINT8, H5T_STD_U8LE, g);
      H5Handle ds(H5Dopen2(file, "material_id", H5P_DEFAULT), H5Dclose);
      write_attr_strings(ds, "material_names", f.material_names);
    }
    for (const auto& [name, mask] : f.roi)
      write_volume(file, "roi/" + name, mask, H5T_NATIVE_UINT8, H5T_STD_U8LE, g);
    write_provenance(file, f.provenance);
    check(H5Fflush(file, H5F_SCOPE_GLOBAL), "flushing " + path);
    check(file.close(), "closing " + path + " (disk full?)");
  }
  out.commit();
}

namespace {

DoseFile read_dose_file_here(const std::string& path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  if (H5Fis_hdf5(path.c_str()) <= 0) throw InputError(path + ": not an HDF5 file (expected a betadose dose file)");
  H5Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (file.id < 0) throw InputError(path + ": cannot open the HDF5 file");
  if (!has_attr(file, "filetype") || read_attr_string(file, "filetype", path) != kDoseFileType)
    throw InputError(path + ": not a betadose dose file (root attribute filetype is not '" +
                     std::string(kDoseFileType) + "')");
  DoseFile f;
  if (!has_attr(file, "version")) throw InputError(path + ": attribute 'version' is missing");
  const std::uint64_t version = read_attr_u64(file, "version", path);
  if (version != static_cast<std::uint64_t>(kDoseFileVersion))
    throw InputError(path + ": dose file version " + std::to_string(version) +
                     " is not supported (this betadose reads version " + std::to_string(kDoseFileVersion) + ")");
  auto spacing = read_attr_doubles(file, "spacing_mm", path, 3);
  auto origin = read_attr_doubles(file, "origin_mm", path, 3);
  auto direction = read_attr_doubles(file, "direction", path, 9);
  for (int a = 0; a < 3; ++a) {
    f.grid.spacing_mm[a] = spacing[a];
    f.grid.origin_mm[a] = origin[a];
  }
  for (int e = 0; e < 9; ++e) f.grid.direction[e] = direction[e];
  {
    if (H5Lexists(file, "dose", H5P_DEFAULT) <= 0) throw InputError(path + ": dataset 'dose' is missing");
    H5Handle ds(H5Dopen2(file, "dose", H5P_DEFAULT), H5Dclose);
    if (ds.id < 0) throw InputError(path + ": 'dose' is not a dataset");
    H5Handle space(H5Dget_space(ds), H5Sclose);
    hsize_t dims[3] = {0, 0, 0};
    if (H5Sget_simple_extent_ndims(space) != 3) throw InputError(path + ": dataset 'dose' is not 3-D");
    H5Sget_simple_extent_dims(space, dims, nullptr);
    f.grid.size = {static_cast<std::size_t>(dims[2]), static_cast<std::size_t>(dims[1]),
                   static_cast<std::size_t>(dims[0])};
  }
  validate_grid(f.grid, path);
  // Before any allocation: the maps (up to 4 float) and masks (1 byte each) must fit.
  std::size_t masks = 0;
  if (H5Lexists(file, "roi", H5P_DEFAULT) > 0) {
    H5Handle grp(H5Gopen2(file, "roi", H5P_DEFAULT), H5Gclose);
    if (grp.id < 0) throw InputError(path + ": '/roi' is not a group");
    H5G_info_t info{};
    if (H5Gget_info(grp, &info) < 0) throw InputError(path + ": cannot list '/roi'");
    masks = static_cast<std::size_t>(info.nlinks);
    if (masks > 1024) throw InputError(path + ": '/roi' holds " + std::to_string(masks) + " entries (at most 1024)");
  }
  const double voxels = double(f.grid.size[0]) * double(f.grid.size[1]) * double(f.grid.size[2]);
  require_memory(voxels * (4.0 * 4 + 1.0 + double(masks)), path + ": " + f.grid.describe(),
                 "a machine with more memory (the dose file's grid is this large)");
  f.dose_gy = read_volume<float>(file, "dose", H5T_NATIVE_FLOAT, f.grid, path, true, Values::non_negative);
  f.dose_rel_uncertainty =
      read_volume<float>(file, "dose_rel_uncertainty", H5T_NATIVE_FLOAT, f.grid, path, false, Values::non_negative);
  f.activity_bq = read_volume<float>(file, "activity_bq", H5T_NATIVE_FLOAT, f.grid, path, false, Values::non_negative);
  f.density_g_cm3 = read_volume<float>(file, "density_g_cm3", H5T_NATIVE_FLOAT, f.grid, path, false, Values::non_negative);
  f.material_id = read_volume<std::uint8_t>(file, "material_id", H5T_NATIVE_UINT8, f.grid, path, false);
  if (!f.material_id.empty()) {
    H5Handle ds(H5Dopen2(file, "material_id", H5P_DEFAULT), H5Dclose);
    f.material_names = read_attr_strings(ds, "material_names", path);
  }
  if (masks > 0) {
    H5Handle grp(H5Gopen2(file, "roi", H5P_DEFAULT), H5Gclose);
    for (std::size_t i = 0; i < masks; ++i) {
      const ssize_t len = H5Lget_name_by_idx(grp, ".", H5_INDEX_NAME, H5_ITER_INC, hsize_t(i), nullptr, 0, H5P_DEFAULT);
      if (len <= 0 || len > 4096) throw InputError(path + ": '/roi' entry " + std::to_string(i) + " has no usable name");
      std::string name(static_cast<std::size_t>(len) + 1, '\0');
      H5Lget_name_by_idx(grp, ".", H5_INDEX_NAME, H5_ITER_INC, hsize_t(i), name.data(), name.size(), H5P_DEFAULT);
      name.resize(static_cast<std::size_t>(len));
      f.roi[name] = read_volume<std::uint8_t>(file, "roi/" + name, H5T_NATIVE_UINT8, f.grid, path, true);
    }
  }
  auto read_d = [&](const char* n, double& out) {
    if (has_attr(file, n)) out = read_attr_doubles(file, n, path, 1)[0];
  };
  auto read_u = [&](const char* n, std::uint64_t& out) {
    if (has_attr(file, n)) out = read_attr_u64(file, n, path);
  };
  if (has_attr(file, "nuclide")) f.nuclide = read_attr_string(file, "nuclide", path);
  if (has_attr(file, "method")) f.method = read_attr_string(file, "method", path);
  if (has_attr(file, "dose_to")) f.dose_to = read_attr_string(file, "dose_to", path);
  if (has_attr(file, "device")) f.device = read_attr_string(file, "device", path);
  read_d("total_activity_bq", f.total_activity_bq);
  read_u("histories", f.histories);
  read_u("seed", f.seed);
  read_d("wall_time_s", f.wall_time_s);
  read_d("energy_emitted_J", f.energy_emitted_J);
  read_d("energy_deposited_J", f.energy_deposited_J);
  read_d("energy_escaped_J", f.energy_escaped_J);
  // Any other scalar floating-point root attribute is a numeric extra (units in its name), any
  // other scalar string attribute a text extra; both are checked as above (finite numbers,
  // strings of bounded length).
  struct Iter {
    DoseFile* file;
    std::string path;
    std::string error;
    static herr_t visit(hid_t loc, const char* name, const H5A_info_t*, void* data) {
      static const char* known[] = {"total_activity_bq", "wall_time_s", "energy_emitted_J",
                                    "energy_deposited_J", "energy_escaped_J", "filetype",
                                    "betadose_version", "nuclide", "method", "dose_to", "device", "dose_units",
                                    "content_sha256"};
      for (const char* k : known)
        if (std::string(name) == k) return 0;
      auto* it = static_cast<Iter*>(data);
      try {
        H5Handle attr(H5Aopen(loc, name, H5P_DEFAULT), H5Aclose);
        H5Handle type(H5Aget_type(attr), H5Tclose);
        H5Handle space(H5Aget_space(attr), H5Sclose);
        if (H5Sget_simple_extent_npoints(space) != 1) return 0;
        if (H5Tget_class(type) == H5T_STRING) {
          it->file->text[name] = read_attr_string(loc, name, it->path);
        } else if (H5Tget_class(type) == H5T_FLOAT) {
          it->file->extra[name] = read_attr_doubles(loc, name, it->path, 1)[0];
        }
      } catch (const InputError& e) {
        it->error = e.what();
        return -1;  // stops the iteration; reported below (no exception through HDF5's C frames)
      }
      return 0;
    }
  } iter{&f, path, {}};
  H5Aiterate2(file, H5_INDEX_NAME, H5_ITER_NATIVE, nullptr, &Iter::visit, &iter);
  if (!iter.error.empty()) throw InputError(iter.error);
  // Doses in Gy of a known nuclide (analyze's BED uses its half-life), a source >= 0.
  if (has_attr(file, "dose_units")) {
    const std::string units = read_attr_string(file, "dose_units", path);
    BD_VALIDATE(units == "Gy", path << ": attribute dose_units is '" << units << "'; betadose dose files hold Gy");
  }
  BD_VALIDATE(has_attr(file, "nuclide"), path << ": attribute nuclide is missing (the emitter of the dose)");
  BD_VALIDATE(f.total_activity_bq >= 0, path << ": attribute total_activity_bq is " << f.total_activity_bq
                                             << " (expected >= 0)");
  // Files of this version carry a digest of their contents; one written by an older betadose
  // (or another tool) has none and is read as it is.
  if (has_attr(file, "content_sha256"))
    BD_VALIDATE(read_attr_string(file, "content_sha256", path) == dose_file_digest(f),
                path << ": the dose file was changed or damaged after betadose wrote it (content_sha256 does not "
                        "match its datasets and attributes); refusing it");
  f.provenance = read_provenance(file, path);
  return f;
}

}  // namespace

DoseFile read_dose_file(const std::string& path) {
  require_input_file(path);  // a FIFO would block H5Fis_hdf5
  return io::read_isolated_value<DoseFile>(path, "dose file", "HDF5", [&] { return read_dose_file_here(path); });
}

DoseFile read_dose_file_in_this_process(const std::string& path) {
  require_input_file(path);
  return read_dose_file_here(path);
}

}  // namespace bd
