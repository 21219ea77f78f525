// HDF5 writer of comparison maps (see comparison_file.hh).
#include <hdf5.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "betadose/comparison_file.hh"
#include "betadose/errors.hh"
#include "betadose/output_file.hh"
#include "betadose/value_checks.hh"
#include "hdf5_handle.hh"

namespace bd {

namespace {

using Handle = h5::Handle;

void ok(herr_t status, const std::string& path, const std::string& what) {
  if (status < 0) throw InputError(path + ": HDF5 error while " + what);
}

void attr_doubles(hid_t loc, const std::string& name, const double* v, hsize_t n,
                  const std::string& path) {
  Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  Handle attr(H5Acreate2(loc, name.c_str(), H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose);
  ok(attr.id < 0 ? -1 : H5Awrite(attr, H5T_NATIVE_DOUBLE, v), path, "writing attribute " + name);
}

void attr_string(hid_t loc, const std::string& name, const std::string& s, const std::string& path) {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type, s.empty() ? 1 : s.size());
  H5Tset_strpad(type, H5T_STR_NULLTERM);
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle attr(H5Acreate2(loc, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  ok(attr.id < 0 ? -1 : H5Awrite(attr, type, s.c_str()), path, "writing attribute " + name);
}

}  // namespace

void write_comparison_file(const std::string& path, const ComparisonFile& f) {
  const std::size_t n = f.grid.voxel_count();
  for (const auto& [name, data] : f.maps) {
    BD_VALIDATE(data.size() == n, path << ": map " << name << " has " << data.size()
                                       << " values for a grid of " << n << " voxels");
    require_finite_output(data.data(), data.size(), &f.grid, path + ": /" + name);
  }
  StagedOutput out(path, "comparison file");
  const std::string& tmp = out.path();
  {
    Handle file(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
    BD_VALIDATE(file.id >= 0, path << ": cannot create the file (is the folder writable?)");
    hsize_t dims[3] = {f.grid.size[2], f.grid.size[1], f.grid.size[0]};
    for (const auto& [name, data] : f.maps) {
      Handle space(H5Screate_simple(3, dims, nullptr), H5Sclose);
      Handle plist(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
      hsize_t chunk[3] = {1, dims[1], dims[2]};
      H5Pset_chunk(plist, 3, chunk);
      H5Pset_deflate(plist, 4);
      Handle ds(H5Dcreate2(file, ("/" + name).c_str(), H5T_IEEE_F32LE, space, H5P_DEFAULT, plist,
                           H5P_DEFAULT),
                H5Dclose);
      ok(ds.id < 0 ? -1 : H5Dwrite(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()),
         path, "writing /" + name);
    }
    attr_string(file, "filetype", "betadose-comparison", path);
    const double version = 1;
    attr_doubles(file, "version", &version, 1, path);
    attr_doubles(file, "spacing_mm", f.grid.spacing_mm.data(), 3, path);
    attr_doubles(file, "origin_mm", f.grid.origin_mm.data(), 3, path);
    attr_doubles(file, "direction", f.grid.direction.data(), 9, path);
    for (const auto& [name, v] : f.numbers) attr_doubles(file, name, &v, 1, path);
    for (const auto& [name, s] : f.texts) attr_string(file, name, s, path);
    ok(H5Fflush(file, H5F_SCOPE_GLOBAL), path, "flushing");
    ok(file.close(), path, "closing (disk full?)");
  }
  out.commit();
}

}  // namespace bd
