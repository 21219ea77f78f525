// HDF5 writer/reader of the `betadose spheres` file (include/betadose/spheres_file.hh).
#include <hdf5.h>

#include <cmath>
#include <filesystem>
#include <sstream>

#include "betadose/errors.hh"
#include "betadose/spheres_file.hh"
#include "hdf5_attributes.hh"
#include "isolated_read.hh"

namespace bd {
namespace {

using h5::check;
using h5::Handle;

constexpr double kJoulePerMeV = 1.602176634e-13;

Handle make_group(hid_t loc, const std::string& name) {
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl, 1);
  Handle g(H5Gcreate2(loc, name.c_str(), lcpl, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
  check(g.id, "creating group " + name);
  return Handle(H5Gopen2(loc, name.c_str(), H5P_DEFAULT), H5Gclose);
}

template <class T>
void write_array(hid_t loc, const std::string& name, const std::vector<T>& data, const std::vector<hsize_t>& dims,
                 hid_t mem_type, hid_t file_type) {
  hsize_t n = 1;
  for (hsize_t d : dims) n *= d;
  if (n != data.size()) throw std::logic_error("spheres file: dataset " + name + " shape");
  Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
  Handle ds(H5Dcreate2(loc, name.c_str(), file_type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose);
  check(ds.id, "creating dataset " + name);
  if (n) check(H5Dwrite(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()), "writing " + name);
}

void write_doubles(hid_t loc, const std::string& name, const std::vector<double>& v) {
  write_array(loc, name, v, {v.size()}, H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE);
}

std::string percent_name(double x) {
  std::ostringstream os;
  os << "d" << x << "_gy";
  return os.str();
}

std::string below_name(double x) {
  std::ostringstream os;
  os << "fraction_below_" << x << "gy";
  return os.str();
}

}  // namespace

void write_spheres_file_to(const std::string& file_path, const SpheresStudyResult& r, const SpheresFileMeta& meta) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  Handle file(H5Fcreate(file_path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
  if (file.id < 0) throw InputError(file_path + ": cannot create the output file");
  const Grid& g = r.grid;
  h5::write_attr_string(file, "filetype", kSpheresFileType);
  h5::write_attr_u64(file, "version", kSpheresFileVersion);
  h5::write_attr_string(file, "betadose_version", BETADOSE_VERSION);
  h5::write_attr_string(file, "mode", meta.mode);
  h5::write_attr_string(file, "model", meta.model);
  h5::write_attr_u64(file, "seed", meta.seed);
  h5::write_attr_u64(file, "realisations", static_cast<std::uint64_t>(meta.realisations));
  h5::write_attr_double(file, "mean_dose_gy", meta.mean_dose_gy);
  h5::write_attr_double(file, "days_after_calibration", meta.days_after_calibration);
  h5::write_attr_doubles(file, "spacing_mm", g.spacing_mm.data(), 3);
  h5::write_attr_doubles(file, "origin_mm", g.origin_mm.data(), 3);
  const double size[3] = {double(g.size[0]), double(g.size[1]), double(g.size[2])};
  h5::write_attr_doubles(file, "grid_size", size, 3);
  h5::write_attr_u64(file, "periodic", r.periodic ? 1 : 0);
  h5::write_attr_double(file, "region_volume_ml", r.region_volume_ml);
  h5::write_attr_string(file, "tissue_material", r.tissue_material);
  h5::write_attr_double(file, "tissue_density_g_cm3", r.tissue_density_g_cm3);
  h5::write_attr_u64(file, "self_dose_correction", meta.self_dose ? 1 : 0);
  h5::write_attr_u64(file, "size_spread", meta.size_spread ? 1 : 0);
  h5::write_attr_double(file, "wall_time_s", r.wall_time_s);
  h5::write_attr_strings(file, "notes", r.notes.empty() ? std::vector<std::string>{""} : r.notes);
  const std::size_t bins = r.products.empty() || r.products[0].dvh.empty() ? 0 : r.products[0].dvh[0].size();
  std::vector<double> axis(bins);
  for (std::size_t b = 0; b < bins; ++b) axis[b] = b * r.dvh_bin_gy;
  write_doubles(file, "dvh_dose_gy", axis);
  if (!r.mask.empty()) h5::write_volume(file, "mask", r.mask, H5T_NATIVE_UINT8, H5T_STD_U8LE, g);
  for (const auto& k : r.kernels) {
    Handle kg = make_group(file, "kernels/" + k.nuclide);
    write_doubles(kg, "r_inner_mm", k.r_inner_mm);
    write_doubles(kg, "r_outer_mm", k.r_outer_mm);
    write_doubles(kg, "energy_per_decay_MeV", k.energy_MeV);
    h5::write_attr_string(kg, "material", k.material);
    h5::write_attr_double(kg, "density_g_cm3", k.density_g_cm3);
    h5::write_attr_u64(kg, "histories", k.histories);
    h5::write_attr_double(kg, "emitted_per_decay_MeV", k.emitted_per_decay_MeV);
    h5::write_attr_string(kg, "cache_file", k.file);
  }
  for (const auto& p : r.products) {
    Handle pg = make_group(file, "products/" + p.product.name);
    h5::write_attr_string(pg, "nuclide", p.product.nuclide);
    h5::write_attr_double(pg, "activity_per_sphere_bq", p.activity_per_sphere_bq);
    h5::write_attr_double(pg, "activity_at_calibration_bq", p.product.activity_bq);
    h5::write_attr_double(pg, "diameter_um", p.product.diameter_um);
    h5::write_attr_double(pg, "density_g_cm3", p.product.density_g_cm3);
    h5::write_attr_double(pg, "expected_spheres", p.expected_spheres);
    h5::write_attr_double(pg, "self_absorbed_fraction", p.self_absorbed_fraction);
    h5::write_attr_u64(pg, "lobule_depth", static_cast<std::uint64_t>(p.lobule_depth));
    h5::write_attr_strings(pg, "notes", p.notes.empty() ? std::vector<std::string>{""} : p.notes);
    const std::size_t R = p.metrics.size();
    std::vector<double> dvh;
    for (const auto& d : p.dvh) dvh.insert(dvh.end(), d.begin(), d.end());
    write_array(pg, "dvh_volume_fraction", dvh, {R, bins}, H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE);
    auto column = [&](auto f) {
      std::vector<double> v;
      for (std::size_t i = 0; i < R; ++i) v.push_back(f(i));
      return v;
    };
    write_doubles(pg, "mean_dose_gy", column([&](std::size_t i) { return p.metrics[i].mean_gy; }));
    write_doubles(pg, "cv", column([&](std::size_t i) { return p.metrics[i].cv; }));
    write_doubles(pg, "min_dose_gy", column([&](std::size_t i) { return p.metrics[i].min_gy; }));
    write_doubles(pg, "max_dose_gy", column([&](std::size_t i) { return p.metrics[i].max_gy; }));
    if (R) {
      for (const auto& [x, unused] : p.metrics[0].d_percent_gy) {
        (void)unused;
        write_doubles(pg, percent_name(x), column([&, x = x](std::size_t i) { return p.metrics[i].d(x); }));
      }
      for (const auto& [x, unused] : p.metrics[0].fraction_below) {
        (void)unused;
        write_doubles(pg, below_name(x), column([&, x = x](std::size_t i) { return p.metrics[i].below(x); }));
      }
      if (p.metrics[0].lobules_below_fraction >= 0)
        write_doubles(pg, "lobules_below_40gy_fraction",
                      column([&](std::size_t i) { return p.metrics[i].lobules_below_fraction; }));
    }
    std::vector<std::uint64_t> counts(p.sphere_count.begin(), p.sphere_count.end());
    write_array(pg, "sphere_count", counts, {counts.size()}, H5T_NATIVE_UINT64, H5T_STD_U64LE);
    write_doubles(pg, "spheres_per_ml", p.spheres_per_ml);
    write_doubles(pg, "activity_per_sphere_bq", p.activity_used_bq);
    write_doubles(pg, "energy_emitted_J", column([&](std::size_t i) { return p.energy_emitted_MeV[i] * kJoulePerMeV; }));
    write_doubles(pg, "energy_tissue_J", column([&](std::size_t i) { return p.energy_tissue_MeV[i] * kJoulePerMeV; }));
    write_doubles(pg, "energy_spheres_J", column([&](std::size_t i) { return p.energy_spheres_MeV[i] * kJoulePerMeV; }));
    if (!p.first_dose_gy.empty()) {
      std::vector<float> d(p.first_dose_gy.begin(), p.first_dose_gy.end());
      h5::write_volume(pg, "dose_realisation_0", d, H5T_NATIVE_FLOAT, H5T_IEEE_F32LE, g);
    }
    if (!p.first_spheres.empty()) {
      Handle sg = make_group(pg, "spheres_realisation_0");
      std::vector<double> x, y, z, a, dia;
      std::vector<std::uint32_t> c;
      for (const auto& s : p.first_spheres) {
        x.push_back(s.position_mm[0]);
        y.push_back(s.position_mm[1]);
        z.push_back(s.position_mm[2]);
        a.push_back(s.activity_bq);
        dia.push_back(s.diameter_um);
        c.push_back(s.cluster);
      }
      write_doubles(sg, "x_mm", x);
      write_doubles(sg, "y_mm", y);
      write_doubles(sg, "z_mm", z);
      write_doubles(sg, "activity_bq", a);
      write_doubles(sg, "diameter_um", dia);
      write_array(sg, "cluster_id", c, {c.size()}, H5T_NATIVE_UINT32, H5T_STD_U32LE);
    }
  }
  check(H5Fflush(file, H5F_SCOPE_GLOBAL), "flushing " + file_path);
  check(file.close(), "closing " + file_path + " (disk full?)");
}

namespace {

SpheresFileSummary read_spheres_file_summary_here(const std::string& path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  if (H5Fis_hdf5(path.c_str()) <= 0) throw InputError(path + ": not an HDF5 file");
  Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (file.id < 0) throw InputError(path + ": cannot open the HDF5 file");
  if (!h5::has_attr(file, "filetype") || h5::read_attr_string(file, "filetype", path) != kSpheresFileType)
    throw InputError(path + ": not a betadose spheres file (filetype is not '" + std::string(kSpheresFileType) + "')");
  SpheresFileSummary s;
  Handle products(H5Gopen2(file, "products", H5P_DEFAULT), H5Gclose);
  if (products.id < 0) throw InputError(path + ": group 'products' is missing");
  hsize_t n = 0;
  H5Gget_num_objs(products, &n);
  for (hsize_t i = 0; i < n; ++i) {
    char name[256];
    H5Gget_objname_by_idx(products, i, name, sizeof(name));
    s.products.emplace_back(name);
    Handle ds(H5Dopen2(products, (std::string(name) + "/dvh_volume_fraction").c_str(), H5P_DEFAULT), H5Dclose);
    if (ds.id < 0) throw InputError(path + ": products/" + name + "/dvh_volume_fraction is missing");
    Handle space(H5Dget_space(ds), H5Sclose);
    hsize_t dims[2] = {0, 0};
    if (H5Sget_simple_extent_ndims(space) != 2) throw InputError(path + ": dvh_volume_fraction is not 2-D");
    H5Sget_simple_extent_dims(space, dims, nullptr);
    s.realisations = dims[0];
    s.dvh_bins = dims[1];
    Handle md(H5Dopen2(products, (std::string(name) + "/mean_dose_gy").c_str(), H5P_DEFAULT), H5Dclose);
    if (md.id < 0) throw InputError(path + ": products/" + name + "/mean_dose_gy is missing");
    std::vector<double> v(dims[0]);
    check(H5Dread(md, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), "reading mean_dose_gy");
    double m = 0;
    for (double x : v) m += x / static_cast<double>(v.size());
    s.mean_dose_gy.push_back(m);
  }
  return s;
}

}  // namespace

SpheresFileSummary read_spheres_file_summary(const std::string& path) {
  if (!std::filesystem::exists(path)) throw InputError(path + ": file not found");
  return io::read_isolated_value<SpheresFileSummary>(path, "spheres file", "HDF5",
                                                     [&] { return read_spheres_file_summary_here(path); });
}

}  // namespace bd
