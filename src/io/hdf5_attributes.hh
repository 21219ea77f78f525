// Typed HDF5 attribute and dataset helpers shared by the writers and readers in src/io (private
// header: only src/io includes HDF5). Failures throw InputError naming what failed.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "betadose/errors.hh"
#include "betadose/grid.hh"
#include "hdf5_handle.hh"

namespace bd::h5 {

// An HDF5 call that failed: bad input on reading, a failed output (disk full) on writing.
inline void check(herr_t status, const std::string& what) {
  if (status < 0) throw InputError(what + " failed (HDF5 error)");
}

inline void write_attr_doubles(hid_t loc, const char* name, const double* v, hsize_t n) {
  Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  Handle attr(H5Acreate2(loc, name, H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  check(H5Awrite(attr, H5T_NATIVE_DOUBLE, v), std::string("writing attribute ") + name);
}
inline void write_attr_double(hid_t loc, const char* name, double v) { write_attr_doubles(loc, name, &v, 1); }
inline void write_attr_u64(hid_t loc, const char* name, std::uint64_t v) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle attr(H5Acreate2(loc, name, H5T_NATIVE_UINT64, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  check(H5Awrite(attr, H5T_NATIVE_UINT64, &v), std::string("writing attribute ") + name);
}
inline void write_attr_string(hid_t loc, const char* name, const std::string& s) {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type, s.empty() ? 1 : s.size());
  H5Tset_strpad(type, H5T_STR_NULLTERM);
  H5Tset_cset(type, H5T_CSET_UTF8);
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle attr(H5Acreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  check(H5Awrite(attr, type, s.c_str()), std::string("writing attribute ") + name);
}
inline void write_attr_strings(hid_t loc, const char* name, const std::vector<std::string>& v) {
  std::vector<const char*> ptrs;
  for (const auto& s : v) ptrs.push_back(s.c_str());
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  hsize_t n = v.size();
  Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  Handle attr(H5Acreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  check(H5Awrite(attr, type, ptrs.data()), std::string("writing attribute ") + name);
}

template <class T>
void write_volume(hid_t loc, const std::string& name, const std::vector<T>& data, hid_t mem_type,
                  hid_t file_type, const Grid& g) {
  if (data.empty()) return;
  if (data.size() != g.voxel_count())
    throw InputError("HDF5 file: dataset " + name + " has " + std::to_string(data.size()) + " values for " +
                     g.describe());
  hsize_t dims[3] = {g.size[2], g.size[1], g.size[0]};
  Handle space(H5Screate_simple(3, dims, nullptr), H5Sclose);
  // Chunked + deflate: dose maps are mostly zeros outside the body.
  Handle plist(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  hsize_t chunk[3] = {1, g.size[1], g.size[0]};
  H5Pset_chunk(plist, 3, chunk);
  H5Pset_deflate(plist, 4);
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl, 1);
  Handle ds(H5Dcreate2(loc, name.c_str(), file_type, space, lcpl, plist, H5P_DEFAULT), H5Dclose);
  check(ds.id, "creating dataset " + name);
  check(H5Dwrite(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()), "writing " + name);
}

inline bool has_attr(hid_t loc, const char* name) { return H5Aexists(loc, name) > 0; }

// Longest string attribute read (provenance texts are a few kB) [bytes].
inline constexpr std::size_t kMaxAttributeBytes = std::size_t(16) << 20;

// A single string attribute (fixed or variable length, at most kMaxAttributeBytes).
inline std::string read_attr_string(hid_t loc, const char* name, const std::string& path) {
  if (!has_attr(loc, name)) throw InputError(path + ": attribute '" + name + "' is missing");
  Handle attr(H5Aopen(loc, name, H5P_DEFAULT), H5Aclose);
  Handle ftype(H5Aget_type(attr), H5Tclose);
  Handle space(H5Aget_space(attr), H5Sclose);
  if (attr.id < 0 || ftype.id < 0 || H5Tget_class(ftype) != H5T_STRING)
    throw InputError(path + ": attribute '" + name + "' is not a string");
  if (H5Sget_simple_extent_npoints(space) != 1)
    throw InputError(path + ": attribute '" + name + "' is not a single string");
  if (H5Tis_variable_str(ftype) > 0) {
    char* s = nullptr;
    Handle mtype(H5Tcopy(ftype), H5Tclose);
    check(H5Aread(attr, mtype, &s), path + ": reading attribute " + name);
    std::string out = s ? s : "";
    H5free_memory(s);
    return out;
  }
  const std::size_t size = H5Tget_size(ftype);
  if (size == 0 || size > kMaxAttributeBytes)
    throw InputError(path + ": attribute '" + name + "' has an implausible length (" + std::to_string(size) +
                     " bytes)");
  std::string buf(size + 1, '\0');
  Handle mtype(H5Tcopy(ftype), H5Tclose);
  check(H5Aread(attr, mtype, buf.data()), path + ": reading attribute " + name);
  return std::string(buf.c_str());
}

}  // namespace bd::h5
