// HDF5 writer/reader of the dose file contract (include/betadose/dose_file.hh).
#include <hdf5.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <stdexcept>

#include "betadose/dose_file.hh"
#include "betadose/errors.hh"
#include "betadose/output_file.hh"
#include "hdf5_attributes.hh"

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

std::vector<double> read_attr_doubles(hid_t loc, const char* name, const std::string& path,
                                      std::size_t expected) {
  if (!has_attr(loc, name)) throw InputError(path + ": attribute '" + name + "' is missing");
  H5Handle attr(H5Aopen(loc, name, H5P_DEFAULT), H5Aclose);
  H5Handle space(H5Aget_space(attr), H5Sclose);
  const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space));
  if (expected && n != expected)
    throw InputError(path + ": attribute '" + name + "' has " + std::to_string(n) +
                     " values, expected " + std::to_string(expected));
  std::vector<double> v(n);
  check(H5Aread(attr, H5T_NATIVE_DOUBLE, v.data()), std::string("reading ") + name);
  return v;
}

std::vector<std::string> read_attr_strings(hid_t loc, const char* name) {
  std::vector<std::string> out;
  if (!has_attr(loc, name)) return out;
  H5Handle attr(H5Aopen(loc, name, H5P_DEFAULT), H5Aclose);
  H5Handle space(H5Aget_space(attr), H5Sclose);
  const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space));
  std::vector<char*> ptrs(n, nullptr);
  H5Handle ftype(H5Aget_type(attr), H5Tclose);
  H5Handle mtype(H5Tcopy(ftype), H5Tclose);
  check(H5Aread(attr, mtype, ptrs.data()), std::string("reading ") + name);
  for (char* p : ptrs) out.emplace_back(p ? p : "");
  H5Handle dspace(H5Aget_space(attr), H5Sclose);
  H5Dvlen_reclaim(mtype, dspace, H5P_DEFAULT, ptrs.data());
  return out;
}

template <class T>
std::vector<T> read_volume(hid_t file, const std::string& name, hid_t mem_type, const Grid& g,
                           const std::string& path, bool required) {
  if (H5Lexists(file, name.c_str(), H5P_DEFAULT) <= 0) {
    if (required) throw InputError(path + ": dataset '" + name + "' is missing");
    return {};
  }
  H5Handle ds(H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Dclose);
  H5Handle space(H5Dget_space(ds), H5Sclose);
  hsize_t dims[3] = {0, 0, 0};
  if (H5Sget_simple_extent_ndims(space) != 3)
    throw InputError(path + ": dataset '" + name + "' is not 3-D");
  H5Sget_simple_extent_dims(space, dims, nullptr);
  if (dims[0] != g.size[2] || dims[1] != g.size[1] || dims[2] != g.size[0])
    throw InputError(path + ": dataset '" + name + "' has shape [" + std::to_string(dims[0]) +
                     "][" + std::to_string(dims[1]) + "][" + std::to_string(dims[2]) +
                     "], expected [nz][ny][nx] = " + g.describe());
  std::vector<T> data(g.voxel_count());
  check(H5Dread(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()), "reading " + name);
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
    static herr_t visit(hid_t loc, const char* name, const H5A_info_t*, void* data) {
      auto* self = static_cast<Attrs*>(data);
      if (std::string(name) == "tg268_item") return 0;
      H5Handle attr(H5Aopen(loc, name, H5P_DEFAULT), H5Aclose);
      H5Handle type(H5Aget_type(attr), H5Tclose);
      if (H5Tget_class(type) == H5T_STRING) {
        self->section->add(name, read_attr_string(loc, name, *self->path));
      } else {
        double v = 0;
        if (H5Aread(attr, H5T_NATIVE_DOUBLE, &v) < 0) return -1;
        self->section->add(name, v);
      }
      return 0;
    }
  };
  for (const auto& name : names) {
    H5Handle g(H5Gopen2(top, name.c_str(), H5P_DEFAULT), H5Gclose);
    if (g.id < 0) continue;
    ProvenanceSection& s = record.section(
        name, has_attr(g, "tg268_item") ? read_attr_string(g, "tg268_item", path) : std::string());
    Attrs attrs{&s, &path};
    hsize_t n = 0;
    if (H5Aiterate2(g, H5_INDEX_CRT_ORDER, H5_ITER_INC, &n, &Attrs::visit, &attrs) < 0) {
      s.values.clear();
      n = 0;
      check(H5Aiterate2(g, H5_INDEX_NAME, H5_ITER_INC, &n, &Attrs::visit, &attrs),
            "reading /provenance/" + name + " of " + path);
    }
  }
  return record;
}

}  // namespace

void write_dose_file(const std::string& path, const DoseFile& f) {
  const Grid& g = f.grid;
  if (f.dose_gy.size() != g.voxel_count())
    throw std::logic_error("write_dose_file: dose does not match the grid");
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
    write_attr_string(file, "device", f.device);
    write_attr_string(file, "dose_units", "Gy");
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

DoseFile read_dose_file(const std::string& path) {
  if (!std::filesystem::exists(path)) throw InputError(path + ": file not found");
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  if (H5Fis_hdf5(path.c_str()) <= 0) throw InputError(path + ": not an HDF5 file (expected a betadose dose file)");
  H5Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (file.id < 0) throw InputError(path + ": cannot open the HDF5 file");
  if (!has_attr(file, "filetype") || read_attr_string(file, "filetype", path) != kDoseFileType)
    throw InputError(path + ": not a betadose dose file (root attribute filetype is not '" +
                     std::string(kDoseFileType) + "')");
  DoseFile f;
  {
    H5Handle attr(H5Aopen(file, "version", H5P_DEFAULT), H5Aclose);
    std::uint64_t version = 0;
    if (attr.id < 0 || H5Aread(attr, H5T_NATIVE_UINT64, &version) < 0)
      throw InputError(path + ": attribute 'version' is missing or unreadable");
    if (version != static_cast<std::uint64_t>(kDoseFileVersion))
      throw InputError(path + ": dose file version " + std::to_string(version) +
                       " is not supported (this betadose reads version " +
                       std::to_string(kDoseFileVersion) + ")");
  }
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
    H5Handle space(H5Dget_space(ds), H5Sclose);
    hsize_t dims[3] = {0, 0, 0};
    if (H5Sget_simple_extent_ndims(space) != 3) throw InputError(path + ": dataset 'dose' is not 3-D");
    H5Sget_simple_extent_dims(space, dims, nullptr);
    f.grid.size = {static_cast<std::size_t>(dims[2]), static_cast<std::size_t>(dims[1]),
                   static_cast<std::size_t>(dims[0])};
  }
  validate_grid(f.grid, path);
  f.dose_gy = read_volume<float>(file, "dose", H5T_NATIVE_FLOAT, f.grid, path, true);
  f.dose_rel_uncertainty = read_volume<float>(file, "dose_rel_uncertainty", H5T_NATIVE_FLOAT, f.grid, path, false);
  f.activity_bq = read_volume<float>(file, "activity_bq", H5T_NATIVE_FLOAT, f.grid, path, false);
  f.density_g_cm3 = read_volume<float>(file, "density_g_cm3", H5T_NATIVE_FLOAT, f.grid, path, false);
  f.material_id = read_volume<std::uint8_t>(file, "material_id", H5T_NATIVE_UINT8, f.grid, path, false);
  if (!f.material_id.empty()) {
    H5Handle ds(H5Dopen2(file, "material_id", H5P_DEFAULT), H5Dclose);
    f.material_names = read_attr_strings(ds, "material_names");
  }
  if (H5Lexists(file, "roi", H5P_DEFAULT) > 0) {
    H5Handle grp(H5Gopen2(file, "roi", H5P_DEFAULT), H5Gclose);
    hsize_t n = 0;
    H5Gget_num_objs(grp, &n);
    for (hsize_t i = 0; i < n; ++i) {
      char name[256];
      H5Gget_objname_by_idx(grp, i, name, sizeof(name));
      f.roi[name] = read_volume<std::uint8_t>(file, std::string("roi/") + name, H5T_NATIVE_UINT8, f.grid, path, true);
    }
  }
  auto read_d = [&](const char* n, double& out) {
    if (has_attr(file, n)) out = read_attr_doubles(file, n, path, 1)[0];
  };
  auto read_u = [&](const char* n, std::uint64_t& out) {
    if (!has_attr(file, n)) return;
    H5Handle attr(H5Aopen(file, n, H5P_DEFAULT), H5Aclose);
    H5Aread(attr, H5T_NATIVE_UINT64, &out);
  };
  if (has_attr(file, "nuclide")) f.nuclide = read_attr_string(file, "nuclide", path);
  if (has_attr(file, "method")) f.method = read_attr_string(file, "method", path);
  if (has_attr(file, "device")) f.device = read_attr_string(file, "device", path);
  read_d("total_activity_bq", f.total_activity_bq);
  read_u("histories", f.histories);
  read_u("seed", f.seed);
  read_d("wall_time_s", f.wall_time_s);
  read_d("energy_emitted_J", f.energy_emitted_J);
  read_d("energy_deposited_J", f.energy_deposited_J);
  read_d("energy_escaped_J", f.energy_escaped_J);
  // Any other scalar floating-point root attribute is a numeric extra (units in its name), any
  // other scalar string attribute a text extra.
  struct Iter {
    DoseFile* file;
    std::string path;
    static herr_t visit(hid_t loc, const char* name, const H5A_info_t*, void* data) {
      static const char* known[] = {"total_activity_bq", "wall_time_s", "energy_emitted_J",
                                    "energy_deposited_J", "energy_escaped_J", "filetype",
                                    "betadose_version", "nuclide", "method", "device", "dose_units"};
      for (const char* k : known)
        if (std::string(name) == k) return 0;
      auto* it = static_cast<Iter*>(data);
      H5Handle attr(H5Aopen(loc, name, H5P_DEFAULT), H5Aclose);
      H5Handle type(H5Aget_type(attr), H5Tclose);
      H5Handle space(H5Aget_space(attr), H5Sclose);
      if (H5Sget_simple_extent_npoints(space) != 1) return 0;
      if (H5Tget_class(type) == H5T_STRING) {
        it->file->text[name] = read_attr_string(loc, name, it->path);
        return 0;
      }
      if (H5Tget_class(type) != H5T_FLOAT) return 0;
      double v = 0;
      if (H5Aread(attr, H5T_NATIVE_DOUBLE, &v) >= 0) it->file->extra[name] = v;
      return 0;
    }
  } iter{&f, path};
  H5Aiterate2(file, H5_INDEX_NAME, H5_ITER_NATIVE, nullptr, &Iter::visit, &iter);
  f.provenance = read_provenance(file, path);
  return f;
}

}  // namespace bd
