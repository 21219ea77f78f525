// The bad-input catalogue (issue 11): one CLI case per class of hostile input, each run as a
// user would run it. Every case asserts the exit code, that the message names the file or the
// option, and that no file was created, changed or removed anywhere under the test directory.
// Classes: truncated/oversized data per image format, bad spacing/origin/direction/sizes,
// FIFOs and directories as inputs, broken DICOM series, text readers (CSV, TOML), dose files
// with NaN/Inf/negative values or bad attributes, outputs that are inputs (path, symlink,
// hard link) or cannot be written, wrapped or absurd numbers, implausible activity.
// Signals and full disks: interrupt_cli_test.cpp.
#include <gtest/gtest.h>
#include <zlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "betadose/image_io.hh"
#include "cli_runner.hh"
#include "file_snapshot.hh"
#include "raw_images.hh"
#include "support/paths.hh"

namespace fs = std::filesystem;
using bd::test::float_bytes;
using bd::test::write_bytes;

namespace {

// The good inputs every case starts from, made once: an 8x8x6 grid of 4 mm voxels.
struct Inputs {
  std::string root, ct, act, liver, dose, pet;
};

const Inputs& inputs() {
  static const Inputs in = [] {
    Inputs i;
    i.root = ::testing::TempDir() + "/bd_catalogue_" + std::to_string(::getpid());
    fs::remove_all(i.root);
    fs::create_directories(i.root + "/base");
    bd::Grid g;
    g.size = {{8, 8, 6}};
    g.spacing_mm = {{4, 4, 4}};
    g.origin_mm = {{-14, -14, -10}};
    bd::Volume<float> ct(g, 40.0f), act(g, 0.0f);
    bd::Volume<std::uint8_t> liver(g, 0);
    for (std::size_t j = 0; j < 8; ++j)
      for (std::size_t i2 = 0; i2 < 8; ++i2) ct(i2, j, 0) = -1000.0f;  // air below the body
    for (std::size_t k = 1; k < 5; ++k)
      for (std::size_t j = 2; j < 6; ++j)
        for (std::size_t i2 = 2; i2 < 6; ++i2) {
          act(i2, j, k) = 10.0f;
          liver(i2, j, k) = 1;
        }
    i.ct = i.root + "/base/ct.nii";
    i.act = i.root + "/base/act.nii";
    i.liver = i.root + "/base/liver.nii";
    i.dose = i.root + "/base/dose.h5";
    i.pet = i.root + "/base/nm";
    bd::write_image(i.ct, ct);
    bd::write_image(i.act, act);
    bd::write_image(i.liver, liver);
    bd::write_dicom_series(i.pet, act, "NM");
    const auto r = bd::test::run_cli_argv({"kernel", "--method", "ldm", "--ct", i.ct, "--activity", i.act,
                                           "--total-activity-gbq", "1", "--mask", "liver=" + i.liver, "--out", i.dose,
                                           "--quiet"});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return i;
  }();
  return in;
}

struct Run {
  std::vector<std::string> args;
  int exit_code = 2;
  std::vector<std::string> needles;  // each must appear in the output (file, option, field)
};

struct Case {
  std::string name;
  std::function<Run(const std::string& dir)> make;  // writes the case's files into dir
};

// Runs each case in its own directory; checks exit code, message and that nothing under the
// catalogue's root changed.
void run_cases(const std::vector<Case>& cases) {
  const Inputs& in = inputs();
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string dir = in.root + "/" + c.name;
    fs::create_directories(dir);
    const Run run = c.make(dir);
    const auto before = bd::test::snapshot(in.root);
    const auto r = bd::test::run_cli_argv(run.args);
    std::string line;
    for (const auto& a : run.args) line += a + " ";
    EXPECT_EQ(r.exit_code, run.exit_code) << line << "\n" << r.output;
    for (const auto& n : run.needles) EXPECT_NE(r.output.find(n), std::string::npos) << "'" << n << "' in\n" << r.output;
    EXPECT_EQ(bd::test::snapshot_diff(before, bd::test::snapshot(in.root)), "") << line;
  }
}

// kernel (LDM: fast) with `activity` as the activity image; outputs into `dir`.
Run kernel_activity(const std::string& activity, const std::string& dir, std::vector<std::string> needles) {
  return {{"kernel", "--method", "ldm", "--uniform", "water", "--activity", activity, "--total-activity-gbq", "1",
           "--out", dir + "/out.h5", "--export", dir + "/out.nii.gz"},
          2,
          std::move(needles)};
}

Run kernel_ct(const std::string& ct, const std::string& dir, std::vector<std::string> needles) {
  return {{"kernel", "--method", "ldm", "--ct", ct, "--activity", inputs().act, "--total-activity-gbq", "1", "--out",
           dir + "/out.h5"},
          2,
          std::move(needles)};
}

std::string good_voxels() { return float_bytes(std::vector<float>(8 * 8 * 6, 1.0f)); }

std::string nifti(const bd::test::Nifti1& h, const std::string& data) { return h.bytes + data; }

std::string write_nii(const std::string& dir, const std::string& name, const std::string& bytes) {
  write_bytes(dir + "/" + name, bytes);
  return dir + "/" + name;
}

std::string mhd(const std::string& dir, const std::string& header, const std::string& raw, bool write_raw = true) {
  write_bytes(dir + "/img.mhd", header);
  if (write_raw) write_bytes(dir + "/img.raw", raw);
  return dir + "/img.mhd";
}

std::string nrrd(const std::string& dir, const std::string& header, const std::string& data) {
  write_bytes(dir + "/img.nrrd", header + data);
  return dir + "/img.nrrd";
}

const char* kDirs = "(4,0,0) (0,4,0) (0,0,4)";

// ---- image readers -------------------------------------------------------------------------

std::vector<Case> image_cases() {
  using bd::test::Nifti1;
  std::vector<Case> c;
  auto nii_case = [&](const std::string& name, std::function<void(Nifti1&, std::string&)> edit,
                      std::vector<std::string> needles) {
    c.push_back({name, [edit, needles](const std::string& d) {
                   Nifti1 h(8, 8, 6, 4, 4, 4);
                   std::string data = good_voxels();
                   edit(h, data);
                   auto n = needles;
                   const std::string p = write_nii(d, "img.nii", nifti(h, data));
                   n.insert(n.begin(), p);
                   return kernel_activity(p, d, n);
                 }});
  };
  nii_case("nifti_truncated", [](Nifti1&, std::string& d) { d.resize(d.size() / 2); }, {"truncated"});
  nii_case("nifti_oversized", [](Nifti1&, std::string& d) { d += std::string(64, 'x'); }, {"more than"});
  nii_case("nifti_pixdim_zero", [](Nifti1& h, std::string&) { h.pixdim(1, 0.0f); }, {"pixdim[1]"});
  nii_case("nifti_pixdim_nan", [](Nifti1& h, std::string&) { h.pixdim(2, std::nanf("")); }, {"pixdim[2]"});
  nii_case("nifti_pixdim_inf", [](Nifti1& h, std::string&) { h.pixdim(3, INFINITY); }, {"pixdim[3]"});
  nii_case("nifti_pixdim_negative", [](Nifti1& h, std::string&) { h.pixdim(1, -4.0f); }, {"pixdim[1]"});
  nii_case("nifti_dim_zero", [](Nifti1& h, std::string&) { h.set<std::int16_t>(42, 0); }, {"dim[1]"});
  nii_case("nifti_four_d", [](Nifti1& h, std::string& d) {
    h.set<std::int16_t>(40, 4);
    h.set<std::int16_t>(48, 2);
    d += d;
  }, {"4-D"});
  nii_case("nifti_datatype_unknown", [](Nifti1& h, std::string&) { h.set<std::int16_t>(70, 3); }, {"datatype"});
  nii_case("nifti_bitpix_mismatch", [](Nifti1& h, std::string&) { h.set<std::int16_t>(72, 16); }, {"bitpix"});
  nii_case("nifti_scale_nan", [](Nifti1& h, std::string&) { h.set<float>(112, std::nanf("")); }, {"scl_slope"});
  nii_case("nifti_vox_offset_beyond_file", [](Nifti1& h, std::string&) { h.set<float>(108, 1e6f); }, {"vox_offset"});
  nii_case("nifti_sform_nan", [](Nifti1& h, std::string&) { h.set<float>(292, std::nanf("")); }, {"sform"});
  nii_case("nifti_huge_dims", [](Nifti1& h, std::string&) {
    for (int a = 0; a < 3; ++a) h.set<std::int16_t>(42 + 2 * a, 30000);
  }, {"voxels"});
  nii_case("nifti_not_nifti", [](Nifti1& h, std::string&) { h.set<std::int32_t>(0, 123); }, {"sizeof_hdr"});
  // Each of these was read with exit 0 before: ITK's NIfTI reader makes NaN/Inf voxels 0 (an
  // activity hole, water in a CT), scales the spacing of a file in m or µm but not its origin,
  // and replaces a sheared sform by the qform.
  nii_case("nifti_nan_voxel", [](Nifti1&, std::string& d) {
    std::vector<float> v(8 * 8 * 6, 1.0f);
    v[5 + 8 * (2 + 8 * 4)] = std::nanf("");
    d = float_bytes(v);
  }, {"NaN/infinite", "5,2,4"});
  nii_case("nifti_infinite_voxel", [](Nifti1&, std::string& d) {
    std::vector<float> v(8 * 8 * 6, 1.0f);
    v[1] = INFINITY;
    d = float_bytes(v);
  }, {"NaN/infinite", "1,0,0"});
  nii_case("nifti_units_metres", [](Nifti1& h, std::string&) { h.set<char>(123, 1); }, {"xyzt_units", "metres"});
  nii_case("nifti_units_micrometres", [](Nifti1& h, std::string&) { h.set<char>(123, 3); }, {"micrometres"});
  nii_case("nifti_sheared_sform_with_qform", [](Nifti1& h, std::string&) {
    h.set<std::int16_t>(252, 1);  // a valid identity qform beside the sheared sform
    h.set<float>(288, 2.0f);      // srow_x[2]: x moves 2 mm per slice
  }, {"sform voxel axes 0 and 2", "sheared"});
  nii_case("nifti_version_2", [](Nifti1& h, std::string&) { h.set<std::int32_t>(0, 540); }, {"NIfTI-2"});
  c.push_back({"nifti_gz_cut", [](const std::string& d) {
                 const std::string p = d + "/img.nii.gz";
                 bd::test::write_gzip(p, nifti(Nifti1(8, 8, 6, 4, 4, 4), good_voxels()));
                 const auto size = fs::file_size(p);
                 fs::resize_file(p, size - 20);
                 return kernel_activity(p, d, {p, "cut short"});
               }});
  c.push_back({"nifti_gz_short_data", [](const std::string& d) {
                 const std::string p = d + "/img.nii.gz";
                 bd::test::write_gzip(p, nifti(Nifti1(8, 8, 6, 4, 4, 4), good_voxels().substr(0, 100)));
                 return kernel_activity(p, d, {p, "truncated"});
               }});
  // MetaImage
  auto mhd_case = [&](const std::string& name, std::function<std::string(const std::string&)> make,
                      std::vector<std::string> needles) {
    c.push_back({name, [make, needles](const std::string& d) {
                   auto n = needles;
                   const std::string p = make(d);
                   n.insert(n.begin(), p);
                   return kernel_activity(p, d, n);
                 }});
  };
  const std::string dims = "8 8 6", sp = "4 4 4";
  mhd_case("metaimage_raw_short", [=](const std::string& d) {
    return mhd(d, bd::test::mha_header(dims, sp, "img.raw"), good_voxels().substr(0, 500));
  }, {"img.raw", "truncated"});
  mhd_case("metaimage_raw_long", [=](const std::string& d) {
    return mhd(d, bd::test::mha_header(dims, sp, "img.raw"), good_voxels() + "abcd");
  }, {"more than"});
  mhd_case("metaimage_raw_missing", [=](const std::string& d) {
    return mhd(d, bd::test::mha_header(dims, sp, "img.raw"), "", false);
  }, {"img.raw", "no such file"});
  mhd_case("metaimage_local_truncated", [=](const std::string& d) {
    write_bytes(d + "/img.mha", bd::test::mha_header(dims, sp, "LOCAL") + good_voxels().substr(0, 1000));
    return d + "/img.mha";
  }, {"truncated"});
  mhd_case("metaimage_spacing_zero", [=](const std::string& d) {
    return mhd(d, bd::test::mha_header(dims, "4 0 4", "img.raw"), good_voxels());
  }, {"elementspacing[1]"});
  mhd_case("metaimage_spacing_nan", [=](const std::string& d) {
    return mhd(d, bd::test::mha_header(dims, "4 4 nan", "img.raw"), good_voxels());
  }, {"elementspacing[2]"});
  mhd_case("metaimage_origin_inf", [=](const std::string& d) {
    std::string h = bd::test::mha_header(dims, sp, "img.raw");
    h.replace(h.find("Offset = 0 0 0"), 14, "Offset = 0 1e999 0");
    return mhd(d, h, good_voxels());
  }, {"offset"});
  mhd_case("metaimage_direction_not_orthonormal", [=](const std::string& d) {
    std::string h = bd::test::mha_header(dims, sp, "img.raw");
    h.replace(h.find("1 0 0 0 1 0 0 0 1"), 17, "1 0 0 0 2 0 0 0 1");
    return mhd(d, h, good_voxels());
  }, {"orthonormal"});
  mhd_case("metaimage_dimsize_zero", [=](const std::string& d) {
    return mhd(d, bd::test::mha_header("8 0 6", sp, "img.raw"), good_voxels());
  }, {"DimSize[1]"});
  mhd_case("metaimage_type_unknown", [=](const std::string& d) {
    std::string h = bd::test::mha_header(dims, sp, "img.raw");
    h.replace(h.find("MET_FLOAT"), 9, "MET_QUATERNION");
    return mhd(d, h, good_voxels());
  }, {"ElementType"});
  mhd_case("metaimage_compressed_corrupt", [=](const std::string& d) {
    std::string h = bd::test::mha_header(dims, sp, "LOCAL");
    h.replace(h.find("CompressedData = False"), 22, "CompressedData = True\nCompressedDataSize = 28");
    write_bytes(d + "/img.mha", h + "this is not zlib data at all");
    return d + "/img.mha";
  }, {"corrupt"});
  // Valid zlib data in a LOCAL block without its size: ITK's MetaIO read the map as one voxel.
  mhd_case("metaimage_compressed_local_without_size", [=](const std::string& d) {
    std::string h = bd::test::mha_header(dims, sp, "LOCAL");
    h.replace(h.find("CompressedData = False"), 22, "CompressedData = True");
    const std::string raw = good_voxels();
    uLongf packed_size = compressBound(raw.size());
    std::string packed(packed_size, '\0');
    compress(reinterpret_cast<Bytef*>(&packed[0]), &packed_size, reinterpret_cast<const Bytef*>(raw.data()), raw.size());
    packed.resize(packed_size);
    write_bytes(d + "/img.mha", h + packed);
    return d + "/img.mha";
  }, {"CompressedDataSize"});
  mhd_case("metaimage_data_file_fifo", [=](const std::string& d) {
    ::mkfifo((d + "/img.raw").c_str(), 0600);
    return mhd(d, bd::test::mha_header(dims, sp, "img.raw"), "", false);
  }, {"FIFO"});
  // NRRD
  mhd_case("nrrd_space_not_a_patient_frame", [=](const std::string& d) {
    std::string h = bd::test::nrrd_header("8 8 6", kDirs);
    const auto at = h.find("space: ");
    h.replace(at, h.find('\n', at) - at, "space: 3D-left-handed");
    return nrrd(d, h, good_voxels());
  }, {"3D-left-handed", "patient frame"});
  mhd_case("nrrd_raw_truncated", [=](const std::string& d) {
    return nrrd(d, bd::test::nrrd_header("8 8 6", kDirs), good_voxels().substr(0, 600));
  }, {"truncated"});
  mhd_case("nrrd_raw_oversized", [=](const std::string& d) {
    return nrrd(d, bd::test::nrrd_header("8 8 6", kDirs), good_voxels() + "zz");
  }, {"more than"});
  mhd_case("nrrd_gzip_cut", [=](const std::string& d) {
    bd::test::write_gzip(d + "/data.gz", good_voxels());
    std::ifstream in(d + "/data.gz", std::ios::binary);
    std::string gz((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    fs::remove(d + "/data.gz");
    return nrrd(d, bd::test::nrrd_header("8 8 6", kDirs, "gzip"), gz.substr(0, gz.size() - 10));
  }, {"cut short"});
  mhd_case("nrrd_zero_direction", [=](const std::string& d) {
    return nrrd(d, bd::test::nrrd_header("8 8 6", "(4,0,0) (0,0,0) (0,0,4)"), good_voxels());
  }, {"space directions of axis 1"});
  mhd_case("nrrd_origin_nan", [=](const std::string& d) {
    std::string h = bd::test::nrrd_header("8 8 6", kDirs);
    h.replace(h.find("space origin: (0,0,0)"), 21, "space origin: (0,nan,0)");
    return nrrd(d, h, good_voxels());
  }, {"space origin"});
  mhd_case("nrrd_bzip2_unsupported", [=](const std::string& d) {
    return nrrd(d, bd::test::nrrd_header("8 8 6", kDirs, "bzip2"), "BZh9");
  }, {"encoding"});
  mhd_case("nrrd_ascii_too_few_values", [=](const std::string& d) {
    return nrrd(d, bd::test::nrrd_header("8 8 6", kDirs, "ascii"), "1 2 3 4\n");
  }, {"text values"});
  mhd_case("nrrd_detached_missing", [=](const std::string& d) {
    write_bytes(d + "/img.nhdr", bd::test::nrrd_header("8 8 6", kDirs, "raw", "data file: gone.raw\n"));
    return d + "/img.nhdr";
  }, {"gone.raw"});
  // Every input role goes through the same reader: CT, mask, segmentation.
  c.push_back({"ct_truncated", [](const std::string& d) {
                 bd::test::Nifti1 h(8, 8, 6, 4, 4, 4);
                 const std::string p = write_nii(d, "ct.nii", nifti(h, good_voxels().substr(0, 800)));
                 return kernel_ct(p, d, {p, "truncated"});
               }});
  c.push_back({"mask_spacing_nan", [](const std::string& d) {
                 bd::test::Nifti1 h(8, 8, 6, 4, 4, 4);
                 h.pixdim(1, std::nanf(""));
                 const std::string p = write_nii(d, "mask.nii", nifti(h, good_voxels()));
                 Run r = kernel_ct(inputs().ct, d, {p, "pixdim[1]"});
                 r.args.insert(r.args.end(), {"--mask", "m=" + p});
                 return r;
               }});
  c.push_back({"segmentation_truncated", [](const std::string& d) {
                 const std::string p = d + "/s.seg.nrrd";
                 write_bytes(p, "NRRD0004\ntype: unsigned char\ndimension: 4\nsizes: 2 8 8 6\n"
                                "space directions: none (4,0,0) (0,4,0) (0,0,4)\nkinds: list domain domain domain\n"
                                "encoding: raw\nspace origin: (0,0,0)\nSegment0_Name:=Liver\n\n" +
                                    std::string(100, '\1'));
                 Run r = kernel_ct(inputs().ct, d, {p, "truncated"});
                 r.args.insert(r.args.end(), {"--segmentation", p});
                 return r;
               }});
  // Inputs that are not regular files.
  c.push_back({"activity_fifo", [](const std::string& d) {
                 const std::string p = d + "/act.nii";
                 ::mkfifo(p.c_str(), 0600);
                 return kernel_activity(p, d, {p, "FIFO"});
               }});
  c.push_back({"activity_empty_directory", [](const std::string& d) {
                 fs::create_directories(d + "/empty");
                 return kernel_activity(d + "/empty", d, {d + "/empty", "no readable DICOM"});
               }});
  c.push_back({"activity_missing", [](const std::string& d) {
                 return kernel_activity(d + "/nothing.nii", d, {d + "/nothing.nii", "no such file"});
               }});
  c.push_back({"activity_unknown_format", [](const std::string& d) {
                 write_bytes(d + "/act.png", "PNG");
                 return kernel_activity(d + "/act.png", d, {d + "/act.png", "unsupported"});
               }});
  // DICOM series.
  auto series_copy = [](const std::string& d) {
    fs::copy(inputs().pet, d + "/nm");
    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(d + "/nm")) files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    return files;
  };
  c.push_back({"dicom_slice_truncated", [=](const std::string& d) {
                 const auto files = series_copy(d);
                 fs::resize_file(files[2], fs::file_size(files[2]) - 50);
                 return kernel_activity(d + "/nm", d, {files[2]});
               }});
  c.push_back({"dicom_slice_missing", [=](const std::string& d) {
                 const auto files = series_copy(d);
                 fs::remove(files[3]);
                 return kernel_activity(d + "/nm", d, {files[4], "missing"});
               }});
  c.push_back({"dicom_directory_with_fifo", [=](const std::string& d) {
                 series_copy(d);
                 ::mkfifo((d + "/nm/zz.dcm").c_str(), 0600);
                 return kernel_activity(d + "/nm", d, {d + "/nm/zz.dcm", "FIFO"});
               }});
  c.push_back({"rtstruct_truncated", [=](const std::string& d) {
                 const std::string p = d + "/rs.dcm";
                 const auto r = bd::test::run_program_argv(
                     {"/usr/bin/python3", bd::test::source_path("tests/python/make_rtstruct.py"), p, "12"});
                 EXPECT_EQ(r.exit_code, 0) << r.output;
                 fs::resize_file(p, fs::file_size(p) / 2);
                 Run run = kernel_ct(inputs().ct, d, {p});
                 run.args.insert(run.args.end(), {"--rtstruct", p});
                 return run;
               }});
  return c;
}

// ---- text readers: calibration, tables, kernels, configs -----------------------------------

Run with_files(Run r, std::vector<std::string> extra) {
  r.args.insert(r.args.end(), extra.begin(), extra.end());
  return r;
}

std::vector<Case> text_cases() {
  std::vector<Case> c;
  auto file_case = [&](const std::string& name, const std::string& file, const std::string& text,
                       std::function<Run(const std::string& d, const std::string& p)> run) {
    c.push_back({name, [=](const std::string& d) {
                   const std::string p = d + "/" + file;
                   if (text == "<fifo>") ::mkfifo(p.c_str(), 0600);
                   else write_bytes(p, text);
                   return run(d, p);
                 }});
  };
  auto hu_density = [](const std::string& d, const std::string& p) {
    return with_files(kernel_ct(inputs().ct, d, {p}), {"--hu-density", p});
  };
  auto hu_materials = [](const std::string& d, const std::string& p) {
    return with_files(kernel_ct(inputs().ct, d, {p}), {"--hu-materials", p});
  };
  file_case("hu_density_not_increasing", "d.csv", "HU,density_g_cm3\n-1000,0.001\n100,1.1\n50,1.2\n",
            [=](auto d, auto p) { auto r = hu_density(d, p); r.needles.push_back("strictly increasing"); return r; });
  file_case("hu_density_nan", "d.csv", "HU,density_g_cm3\n-1000,0.001\n100,nan\n",
            [=](auto d, auto p) { auto r = hu_density(d, p); r.needles.push_back("density_g_cm3"); return r; });
  // Densities in kg/m3 (1000x) gave a thousandth of the dose with exit 0; a steep last
  // segment extrapolated to 62 g/cm3 at the CT's bone.
  file_case("hu_density_in_kg_per_m3", "d.csv", "HU,density_g_cm3\n-1000,1.2\n0,1000\n1000,1600\n",
            [=](auto d, auto p) { auto r = hu_density(d, p); r.needles.push_back("not kg/m3"); return r; });
  file_case("hu_density_extrapolates_beyond_any_material", "d.csv", "HU,density_g_cm3\n-1000,0.001\n0,1\n1,2\n",
            [=](auto d, auto p) { auto r = hu_density(d, p); r.needles.push_back("extrapolates too steeply"); return r; });
  file_case("hu_density_fifo", "d.csv", "<fifo>",
            [=](auto d, auto p) { auto r = hu_density(d, p); r.needles.push_back("FIFO"); return r; });
  file_case("hu_materials_gap", "m.csv", "HU_lower,HU_upper,material\n-1100,-500,air\n-400,4000,water\n",
            [=](auto d, auto p) { auto r = hu_materials(d, p); r.needles.push_back("gap"); return r; });
  file_case("hu_materials_overlap", "m.csv", "HU_lower,HU_upper,material\n-1100,0,air\n-100,4000,water\n",
            [=](auto d, auto p) { auto r = hu_materials(d, p); r.needles.push_back("overlaps"); return r; });
  file_case("hu_materials_binary", "m.csv", std::string("HU_lower,HU_upper,material\n\0\0\0", 31),
            [=](auto d, auto p) { auto r = hu_materials(d, p); r.needles.push_back("NUL"); return r; });
  auto table = [](const std::string& d, const std::string& p) {
    return Run{{"kernel", "--method", "ldm", "--labels", inputs().liver, "--material-table", p, "--activity",
                inputs().act, "--total-activity-gbq", "1", "--out", d + "/out.h5"},
               2,
               {p}};
  };
  file_case("material_table_unknown_material", "t.csv", "label,material,density_g_cm3\n0,air,\n1,unobtainium,1\n",
            [=](auto d, auto p) { auto r = table(d, p); r.needles.push_back("unobtainium"); return r; });
  file_case("material_table_density_in_kg_per_m3", "t.csv", "label,material,density_g_cm3\n0,air,\n1,liver,1060\n",
            [=](auto d, auto p) { auto r = table(d, p); r.needles.push_back("not kg/m3"); return r; });
  file_case("material_table_density_nan", "t.csv", "label,material,density_g_cm3\n0,air,\n1,liver,nan\n",
            [=](auto d, auto p) { auto r = table(d, p); r.needles.push_back("density_g_cm3"); return r; });
  file_case("material_table_fifo", "t.csv", "<fifo>",
            [=](auto d, auto p) { auto r = table(d, p); r.needles.push_back("FIFO"); return r; });
  auto kernel_file = [](const std::string& d, const std::string& p) {
    return Run{{"kernel", "--method", "dpk", "--dpk-file", p, "--uniform", "water", "--activity", inputs().act,
                "--total-activity-gbq", "1", "--out", d + "/out.h5"},
               2,
               {p}};
  };
  const std::string dpk_head = "r_inner_mm,r_outer_mm,r_mid_mm,energy_per_decay_MeV,dose_per_decay_Gy,rel_uncertainty\n";
  file_case("kernel_csv_nan", "k.csv", dpk_head + "0,0.5,0.25,nan,1e-9,0.01\n0.5,1,0.75,0.2,4e-10,0.01\n",
            [=](auto d, auto p) { auto r = kernel_file(d, p); r.needles.push_back("energy_per_decay_MeV"); return r; });
  file_case("kernel_csv_short_row", "k.csv", dpk_head + "0,0.5,0.25,0.1\n",
            [=](auto d, auto p) { auto r = kernel_file(d, p); r.needles.push_back("fields"); return r; });
  auto root_config = [](const std::string& d, const std::string& p) {
    return Run{{"--config", p, "kernel", "--method", "ldm", "--uniform", "water", "--activity", inputs().act,
                "--total-activity-gbq", "1", "--out", d + "/out.h5"},
               2,
               {p}};
  };
  auto cmd_config = [](const std::string& d, const std::string& p) {
    return Run{{"mc", "--config", p, "--uniform", "water", "--activity", inputs().act, "--total-activity-gbq", "1",
                "--out", d + "/out.h5"},
               2,
               {p}};
  };
  file_case("config_root_unknown_key", "c.toml", "[kernel]\nvoxel_mmm = 4\n",
            [=](auto d, auto p) { auto r = root_config(d, p); r.needles.push_back("voxel_mmm"); return r; });
  file_case("config_root_top_level_unknown_key", "c.toml", "historys = 5\n",
            [=](auto d, auto p) { auto r = root_config(d, p); r.needles.push_back("historys"); return r; });
  file_case("config_unknown_section", "c.toml", "[kernell]\nmethod = \"ldm\"\n",
            [=](auto d, auto p) { auto r = cmd_config(d, p); r.needles.push_back("[kernell]"); return r; });
  file_case("config_root_wrapped_value", "c.toml", "[mc]\nhistories = -1\n",
            [=](auto d, auto p) {
              Run r{{"--config", p, "mc", "--uniform", "water", "--activity", inputs().act, "--total-activity-gbq", "1",
                     "--out", d + "/out.h5"},
                    2,
                    {"--histories", "-1"}};
              return r;
            });
  file_case("config_threads_absurd", "c.toml", "threads = 100000\n",
            [=](auto d, auto p) { auto r = cmd_config(d, p); r.needles = {"--threads", "100000"}; return r; });
  file_case("config_names_a_config", "c.toml", "config = \"other.toml\"\n",
            [=](auto d, auto p) { auto r = cmd_config(d, p); r.needles = {p, "config"}; return r; });
  file_case("config_fifo", "c.toml", "<fifo>",
            [=](auto d, auto p) { auto r = cmd_config(d, p); r.needles.push_back("FIFO"); return r; });
  file_case("config_syntax_error", "c.toml", "[mc\nhistories = \n",
            [=](auto d, auto p) { auto r = cmd_config(d, p); return r; });
  file_case("config_binary", "c.toml", std::string("histories = 5\n\0\0", 16),
            [=](auto d, auto p) { auto r = cmd_config(d, p); r.needles.push_back("NUL"); return r; });
  return c;
}

// ---- dose files ------------------------------------------------------------------------------

std::vector<Case> dose_file_cases() {
  std::vector<Case> c;
  auto broken = [&](const std::string& mode, std::function<Run(const std::string&, const std::string&)> run,
                    std::vector<std::string> needles) {
    c.push_back({"dose_" + mode + "_" + std::to_string(c.size()), [=](const std::string& d) {
                   const std::string p = d + "/bad.h5";
                   const auto r = bd::test::run_program_argv({"/usr/bin/python3",
                                                              bd::test::source_path("tests/python/break_dose_file.py"),
                                                              inputs().dose, p, mode});
                   EXPECT_EQ(r.exit_code, 0) << r.output;
                   Run out = run(d, p);
                   out.needles.insert(out.needles.end(), needles.begin(), needles.end());
                   return out;
                 }});
  };
  auto analyze = [](const std::string& d, const std::string& p) {
    return Run{{"analyze", p, "--dvh-csv", d + "/dvh.csv", "--bed-out", d + "/bed.h5"}, 2, {p}};
  };
  auto compare = [](const std::string& d, const std::string& p) {
    return Run{{"compare", inputs().dose, p, "--out", d + "/cmp.h5"}, 2, {p}};
  };
  broken("nan", analyze, {"'dose'", "voxel"});
  broken("nan", compare, {"'dose'", "not finite"});
  broken("inf", compare, {"'dose'"});
  broken("negative", analyze, {"negative"});
  broken("uncertainty-nan", analyze, {"dose_rel_uncertainty"});
  broken("shape", analyze, {"dose_rel_uncertainty", "shape"});
  broken("spacing-zero", analyze, {"spacing"});
  broken("spacing-nan", compare, {"spacing_mm"});
  broken("spacing-string", analyze, {"spacing_mm", "not a number"});
  broken("no-dose", analyze, {"'dose' is missing"});
  broken("huge", analyze, {"memory"});
  c.push_back({"dose_truncated", [](const std::string& d) {
                 const std::string p = d + "/cut.h5";
                 fs::copy_file(inputs().dose, p);
                 fs::resize_file(p, fs::file_size(p) / 2);
                 return Run{{"analyze", p, "--dvh-csv", d + "/dvh.csv"}, 2, {p}};
               }});
  c.push_back({"dose_not_hdf5", [](const std::string& d) {
                 write_bytes(d + "/text.h5", "not an HDF5 file\n");
                 return Run{{"compare", d + "/text.h5", inputs().dose}, 2, {d + "/text.h5", "not an HDF5 file"}};
               }});
  c.push_back({"dose_fifo", [](const std::string& d) {
                 ::mkfifo((d + "/pipe.h5").c_str(), 0600);
                 return Run{{"analyze", d + "/pipe.h5"}, 2, {d + "/pipe.h5", "FIFO"}};
               }});
  return c;
}

// ---- outputs -------------------------------------------------------------------------------

std::vector<Case> output_cases() {
  std::vector<Case> c;
  const Inputs& in = inputs();
  auto mc_to = [=](const std::string& out, const std::string& exp) {
    std::vector<std::string> a{"mc", "--ct", in.ct, "--activity", in.act, "--total-activity-gbq", "1",
                               "--histories", "1000", "--out", out};
    if (!exp.empty()) a.insert(a.end(), {"--export", exp});
    return a;
  };
  c.push_back({"export_is_the_ct", [=](const std::string& d) {
                 return Run{mc_to(d + "/o.h5", in.ct), 2, {"--export", in.ct, "same file"}};
               }});
  c.push_back({"out_is_a_symlink_to_an_input", [=](const std::string& d) {
                 fs::create_symlink(in.ct, d + "/link.h5");
                 return Run{mc_to(d + "/link.h5", ""), 2, {"--out", "link.h5", "same file", in.ct}};
               }});
  c.push_back({"export_is_a_mask_input", [=](const std::string& d) {
                 return Run{{"kernel", "--method", "ldm", "--ct", in.ct, "--activity", in.act, "--total-activity-gbq",
                             "1", "--mask", "l=" + in.liver, "--out", d + "/o.h5", "--export", in.liver},
                            2,
                            {"--export", in.liver, "same file"}};
               }});
  // An export's voxel file onto an input's: --export act.nhdr writes act.raw, the data file of
  // the activity act.mhd (the activity became the dose, exit 0); and an input whose
  // ElementDataFile has another name than its header.
  c.push_back({"export_data_file_is_the_activity_data", [=](const std::string& d) {
                 const bd::Volume<float> a = bd::read_image(in.act);
                 bd::write_image(d + "/act.mhd", a);
                 return Run{{"mc", "--ct", in.ct, "--activity", d + "/act.mhd", "--total-activity-gbq", "1", "--histories",
                             "1000", "--out", d + "/o.h5", "--export", d + "/act.nhdr"},
                            2,
                            {"--export", "act.raw"}};
               }});
  c.push_back({"export_data_file_is_an_inputs_named_data_file", [=](const std::string& d) {
                 const bd::Volume<float> a = bd::read_image(in.act);
                 bd::write_image(d + "/act.mhd", a);
                 std::string h;
                 {
                   std::ifstream f(d + "/act.mhd");
                   std::stringstream ss;
                   ss << f.rdbuf();
                   h = ss.str();
                 }
                 h.replace(h.find("ElementDataFile = act.raw"), 25, "ElementDataFile = dose.raw");
                 fs::rename(d + "/act.raw", d + "/dose.raw");
                 write_bytes(d + "/act.mhd", h);
                 return Run{{"mc", "--ct", in.ct, "--activity", d + "/act.mhd", "--total-activity-gbq", "1", "--histories",
                             "1000", "--out", d + "/o.h5", "--export", d + "/dose.mhd"},
                            2,
                            {"--export", "dose.raw"}};
               }});
  c.push_back({"rtdose_of_one_slice", [=](const std::string& d) {
                 bd::Volume<float> a(bd::Grid{}, 1.0f);
                 a.grid.size = {{8, 8, 1}};
                 a.grid.spacing_mm = {{4, 4, 4}};
                 a.data.assign(64, 1.0f);
                 bd::write_image(d + "/slice.mha", a);
                 return Run{{"kernel", "--method", "ldm", "--uniform", "water", "--activity", d + "/slice.mha",
                             "--total-activity-gbq", "0.1", "--out", d + "/o.h5", "--export-rtdose", d + "/o.dcm"},
                            2,
                            {"one slice", "at least 2"}};
               }});
  c.push_back({"export_is_a_symlink_to_the_activity", [=](const std::string& d) {
                 fs::create_symlink(in.act, d + "/view.nii");
                 return Run{mc_to(d + "/o.h5", d + "/view.nii"), 2, {"--export", "view.nii", in.act}};
               }});
  c.push_back({"bed_out_is_a_hard_link_to_the_dose", [=](const std::string& d) {
                 fs::copy_file(in.dose, d + "/dose.h5");
                 fs::create_hard_link(d + "/dose.h5", d + "/bed.h5");
                 return Run{{"analyze", d + "/dose.h5", "--bed-out", d + "/bed.h5"}, 2, {"--bed-out", "same file"}};
               }});
  c.push_back({"compare_out_is_input_a", [=](const std::string& d) {
                 fs::copy_file(in.dose, d + "/a.h5");
                 return Run{{"compare", d + "/a.h5", in.dose, "--out", d + "/a.h5"}, 2, {"--out", "same file"}};
               }});
  c.push_back({"analyze_dvh_csv_is_a_mask_input", [=](const std::string& d) {
                 fs::copy_file(in.liver, d + "/m.nii");
                 return Run{{"analyze", in.dose, "--mask", "m=" + d + "/m.nii", "--dvh-csv", d + "/m.nii"},
                            2,
                            {"--dvh-csv", "same file"}};
               }});
  c.push_back({"eqd2_out_is_the_dose_by_path", [=](const std::string&) {
                 return Run{{"analyze", in.dose, "--eqd2-out", in.dose}, 2, {"--eqd2-out", "same file"}};
               }});
  c.push_back({"out_is_a_directory", [=](const std::string& d) {
                 fs::create_directories(d + "/dir.h5");
                 return Run{mc_to(d + "/dir.h5", ""), 2, {"--out", "directory"}};
               }});
  c.push_back({"out_in_missing_directory", [=](const std::string& d) {
                 return Run{mc_to(d + "/no/such/o.h5", ""), 2, {"--out", "does not exist"}};
               }});
  c.push_back({"two_outputs_clash", [=](const std::string& d) {
                 return Run{{"analyze", in.dose, "--bed-out", d + "/x.h5", "--eqd2-out", d + "/./x.h5"},
                            2,
                            {"--eqd2-out", "--bed-out", "name the same file"}};
               }});
  c.push_back({"export_inside_a_dicom_input_directory", [=](const std::string& d) {
                 return Run{{"kernel", "--method", "ldm", "--uniform", "water", "--activity", in.pet,
                             "--total-activity-gbq", "1", "--out", d + "/o.h5", "--export", in.pet + "/dose.nii"},
                            2,
                            {"--export", "inside the input directory"}};
               }});
  c.push_back({"out_is_a_fifo", [=](const std::string& d) {
                 ::mkfifo((d + "/o.h5").c_str(), 0600);
                 return Run{mc_to(d + "/o.h5", ""), 2, {"--out", "FIFO"}};
               }});
  c.push_back({"export_unsupported_format", [=](const std::string& d) {
                 return Run{mc_to(d + "/o.h5", d + "/o.png"), 2, {"--export", "unsupported format"}};
               }});
  c.push_back({"out_not_h5", [=](const std::string& d) {
                 return Run{mc_to(d + "/o.nii", ""), 2, {"--out", ".h5"}};
               }});
  c.push_back({"dpk_out_is_a_directory", [=](const std::string& d) {
                 return Run{{"dpk", "--histories", "100", "--out", d}, 2, {"--out", "directory"}};
               }});
  c.push_back({"vsv_out_in_missing_directory", [=](const std::string& d) {
                 return Run{{"vsv", "--histories", "100", "--out", d + "/none/v.csv"}, 2, {"--out", "does not exist"}};
               }});
  c.push_back({"compare_dvh_png_not_png", [=](const std::string& d) {
                 return Run{{"compare", in.dose, in.dose, "--dvh-png", d + "/plot.jpg"}, 2, {"--dvh-png", ".png"}};
               }});
  c.push_back({"analyze_bed_out_not_h5", [=](const std::string& d) {
                 return Run{{"analyze", in.dose, "--bed-out", d + "/bed.nii"}, 2, {"--bed-out", ".h5"}};
               }});
  c.push_back({"validate_out_is_a_file", [=](const std::string& d) {
                 write_bytes(d + "/report", "x");
                 return Run{{"validate", "--case", "dpk_y90_water", "--out", d + "/report"}, 2,
                            {"--out", "not a directory"}};
               }});
  if (::geteuid() != 0) {
    c.push_back({"out_in_read_only_directory", [=](const std::string& d) {
                   fs::create_directories(d + "/ro");
                   fs::permissions(d + "/ro", fs::perms::owner_read | fs::perms::owner_exec);
                   return Run{mc_to(d + "/ro/o.h5", ""), 2, {"--out", "not writable"}};
                 }});
  }
  return c;
}

// ---- numbers ---------------------------------------------------------------------------------

std::vector<Case> option_cases() {
  std::vector<Case> c;
  const Inputs& in = inputs();
  auto mc = [=](const std::string& d, std::vector<std::string> extra) {
    std::vector<std::string> a{"mc", "--ct", in.ct, "--activity", in.act, "--out", d + "/o.h5"};
    if (std::find(extra.begin(), extra.end(), "--total-activity-gbq") == extra.end())
      a.insert(a.end(), {"--total-activity-gbq", "1"});
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  auto opt = [&](const std::string& name, std::vector<std::string> extra, std::vector<std::string> needles) {
    c.push_back({name, [=](const std::string& d) { return Run{mc(d, extra), 2, needles}; }});
  };
  opt("histories_negative", {"--histories", "-1"}, {"--histories", "-1"});
  opt("histories_fraction", {"--histories", "1.5"}, {"--histories", "whole number"});
  opt("histories_hex", {"--histories", "0x10"}, {"--histories"});
  opt("histories_beyond_cap", {"--histories", "1e16"}, {"--histories", "out of range"});
  opt("seed_negative", {"--seed", "-1"}, {"--seed"});
  opt("seed_wraps_past_64_bits", {"--seed", "18446744073709551616"}, {"--seed", "out of range"});
  opt("threads_absurd", {"--threads", "100000"}, {"--threads", "100000"});
  opt("threads_negative", {"--threads", "-4"}, {"--threads"});
  opt("batches_one", {"--batches", "1"}, {"--batches"});
  opt("total_activity_nan", {"--total-activity-gbq", "nan"}, {"--total-activity-gbq"});
  opt("total_activity_absurd", {"--total-activity-gbq", "1e37"}, {"--total-activity-gbq", "--allow-implausible"});
  opt("total_activity_above_100_gbq", {"--total-activity-gbq", "150"}, {"--total-activity-gbq", "100 GBq"});
  opt("total_activity_underflows", {"--total-activity-gbq", "1e-300"}, {"--total-activity-gbq", "1 Bq"});
  opt("lung_shunt_one", {"--lung-shunt", "1"}, {"--lung-shunt"});
  opt("target_uncertainty_above_one", {"--target-uncertainty", "2"}, {"--target-uncertainty"});
  opt("voxel_mm_tiny", {"--voxel-mm", "0.001"}, {"--voxel-mm", "voxels"});
  opt("v_thresholds_nan", {"--v-thresholds-gy", "nan"}, {"--v-thresholds-gy"});
  c.push_back({"voxel_concentration_implausible", [=](const std::string& d) {
                 // 5 GBq in one 64 ul voxel (78 GBq/ml) as a quantitative map (--activity-units bq).
                 bd::Volume<float> a = bd::read_image(in.act);
                 for (auto& v : a.data) v = 0;
                 a.data[200] = 5e9f;
                 const std::string p = d + "/hot.nii";
                 bd::write_image(p, a);
                 return Run{{"kernel", "--method", "ldm", "--ct", in.ct, "--activity", p, "--activity-units", "bq",
                             "--out", d + "/o.h5"},
                            2,
                            {p, "MBq/ml", "--allow-implausible"}};
               }});
  c.push_back({"dpk_threads_negative", [](const std::string& d) {
                 return Run{{"dpk", "--threads", "-1", "--out", d + "/k.csv"}, 2, {"--threads"}};
               }});
  c.push_back({"dpk_shell_zero", [](const std::string& d) {
                 return Run{{"dpk", "--shell-mm", "0", "--out", d + "/k.csv"}, 2, {"--shell-mm"}};
               }});
  c.push_back({"dpk_electron_energy_inf", [](const std::string& d) {
                 return Run{{"dpk", "--electron-mev", "inf", "--out", d + "/k.csv"}, 2, {"--electron-mev"}};
               }});
  // The shipped 90Y kernels with another nuclide gave +35 % (more deposited than emitted).
  c.push_back({"kernel_dpk_of_another_nuclide", [=](const std::string& d) {
                 return Run{{"kernel", "--method", "dpk", "--uniform", "water", "--activity", in.act,
                             "--total-activity-gbq", "1", "--nuclide", "Ho-166", "--out", d + "/o.h5"},
                            2,
                            {"--nuclide Ho-166", "90Y"}};
               }});
  c.push_back({"uniform_density_in_kg_per_m3", [=](const std::string& d) {
                 return Run{{"kernel", "--method", "ldm", "--uniform", "water:1000", "--activity", in.act,
                             "--total-activity-gbq", "1", "--out", d + "/o.h5"},
                            2,
                            {"--uniform water:1000", "not kg/m3"}};
               }});
  c.push_back({"dpk_density_absurd", [](const std::string& d) {
                 return Run{{"dpk", "--density", "1e-30", "--out", d + "/k.csv"}, 2, {"--density"}};
               }});
  c.push_back({"vsv_voxel_micrometre", [](const std::string& d) {
                 return Run{{"vsv", "--voxel-mm", "1e-6", "--out", d + "/v.csv"}, 2, {"--voxel-mm"}};
               }});
  // The checkpoint being resumed is an input: --out onto it destroyed it (exit 0).
  c.push_back({"resume_checkpoint_as_out", [=](const std::string& d) {
                 const std::string ck = d + "/ck.h5";
                 std::ofstream(ck) << "stand-in";  // refused before it is read
                 return Run{{"mc", "--ct", in.ct, "--activity", in.act, "--total-activity-gbq", "1", "--resume", ck,
                             "--out", ck},
                            2,
                            {"--out", ck}};
               }});
  c.push_back({"spheres_packing_impossible", [](const std::string& d) {
                 return Run{{"spheres", "--product", "custom", "--sphere-diameter-um", "30", "--sphere-density-g-cm3",
                             "1.6", "--sphere-activity-bq", "1e-3", "--mean-dose-gy", "120", "--box-mm", "4",
                             "--voxel-um", "200", "--realisations", "2", "--kernel-histories", "2e4", "--out",
                             d + "/s.h5"},
                            2,
                            {"would fill", "% of the"}};
               }});
  c.push_back({"spheres_box_too_small", [](const std::string& d) {
                 return Run{{"spheres", "--product", "glass", "--mean-dose-gy", "120", "--box-mm", "0.4", "--voxel-um",
                             "200", "--realisations", "2", "--kernel-histories", "2e4", "--out", d + "/s.h5"},
                            2,
                            {"spheres on average", "a side"}};
               }});
  c.push_back({"spheres_diameter_sd_negative", [](const std::string& d) {
                 return Run{{"spheres", "--product", "custom", "--sphere-diameter-um", "30", "--sphere-density-g-cm3",
                             "1.6", "--sphere-activity-bq", "50", "--sphere-diameter-sd-um", "-5", "--mean-dose-gy",
                             "120", "--out", d + "/s.h5"},
                            2,
                            {"--sphere-diameter-sd-um"}};
               }});
  c.push_back({"vsv_half_width_absurd", [](const std::string& d) {
                 return Run{{"vsv", "--half-width", "1000", "--out", d + "/v.csv"}, 2, {"--half-width"}};
               }});
  c.push_back({"vsv_histories_wrap", [](const std::string& d) {
                 return Run{{"vsv", "--histories", "-5", "--out", d + "/v.csv"}, 2, {"--histories"}};
               }});
  c.push_back({"compare_search_radius_absurd", [=](const std::string& d) {
                 return Run{{"compare", in.dose, in.dose, "--search-radius-mm", "1000", "--out", d + "/c.h5"},
                            2,
                            {"search radius", "memory"}};
               }});
  c.push_back({"compare_search_radius_negative", [=](const std::string&) {
                 return Run{{"compare", in.dose, in.dose, "--search-radius-mm", "-1"}, 2, {"--search-radius-mm"}};
               }});
  c.push_back({"analyze_d_percent_above_100", [=](const std::string&) {
                 return Run{{"analyze", in.dose, "--d-percent", "150"}, 2, {"--d-percent"}};
               }});
  c.push_back({"analyze_bin_nan", [=](const std::string& d) {
                 return Run{{"analyze", in.dose, "--dvh-bin-gy", "nan", "--dvh-csv", d + "/d.csv"}, 2, {"--dvh-bin-gy"}};
               }});
  c.push_back({"plan_lung_shunt_negative", [](const std::string&) {
                 return Run{{"plan", "--method", "mird", "--liver-mass-kg", "1.5", "--target-dose-gy", "120",
                             "--lung-shunt", "-0.1"},
                            2,
                            {"--lung-shunt"}};
               }});
  c.push_back({"plan_mass_inf", [](const std::string&) {
                 return Run{{"plan", "--method", "mird", "--liver-mass-kg", "inf", "--target-dose-gy", "120",
                             "--lung-shunt", "0.1"},
                            2,
                            {"--liver-mass-kg"}};
               }});
  // A lung shunt of 0.99 leaves 1 % of the activity in the liver: 362 GBq prescribed, exit 0.
  c.push_back({"plan_prescription_beyond_any_treatment", [](const std::string&) {
                 return Run{{"plan", "--method", "mird", "--liver-mass-kg", "1.5", "--target-dose-gy", "120",
                             "--lung-shunt", "0.99"},
                            2,
                            {"above 100 GBq", "--lung-shunt", "--allow-implausible"}};
               }});
  c.push_back({"validate_threads_absurd", [](const std::string& d) {
                 return Run{{"validate", "--quick", "--threads", "5000", "--out", d + "/v"}, 2, {"--threads"}};
               }});
  return c;
}

}  // namespace

TEST(BadInputCatalogue, ImageReaders) { run_cases(image_cases()); }
TEST(BadInputCatalogue, TextReadersAndConfigs) { run_cases(text_cases()); }
TEST(BadInputCatalogue, DoseFiles) { run_cases(dose_file_cases()); }
TEST(BadInputCatalogue, Outputs) { run_cases(output_cases()); }
TEST(BadInputCatalogue, Numbers) { run_cases(option_cases()); }

TEST(BadInputCatalogue, HasAtLeastEightyCases) {
  const std::size_t n = image_cases().size() + text_cases().size() + dose_file_cases().size() +
                        output_cases().size() + option_cases().size();
  std::cout << "[catalogue] " << n << " cases (+ the interrupt and full-disk cases of interrupt_cli_test.cpp)\n";
  EXPECT_GE(n, 80u);
}

// The positive controls: the same inputs, unbroken, are accepted (so every refusal above is
// about the one broken field), and --allow-implausible lets a deliberate 150 GBq through.
TEST(BadInputCatalogue, GoodInputsAndExplicitOverridesRun) {
  const Inputs& in = inputs();
  const std::string dir = in.root + "/positive";
  fs::create_directories(dir);
  bd::test::Nifti1 h(8, 8, 6, 4, 4, 4);
  write_bytes(dir + "/img.nii", h.bytes + good_voxels());
  write_bytes(dir + "/img.mhd", bd::test::mha_header("8 8 6", "4 4 4", "img.raw"));
  write_bytes(dir + "/img.raw", good_voxels());
  write_bytes(dir + "/img.nrrd", bd::test::nrrd_header("8 8 6", kDirs) + good_voxels());
  for (const char* f : {"img.nii", "img.mhd", "img.nrrd"}) {
    const auto r = bd::test::run_cli_argv({"kernel", "--method", "ldm", "--uniform", "water", "--activity",
                                           dir + "/" + f, "--total-activity-gbq", "1", "--out", dir + "/o.h5",
                                           "--quiet"});
    EXPECT_EQ(r.exit_code, 0) << f << "\n" << r.output;
  }
  const auto r = bd::test::run_cli_argv({"kernel", "--method", "ldm", "--ct", in.ct, "--activity", in.act,
                                         "--total-activity-gbq", "150", "--allow-implausible", "--out",
                                         dir + "/o150.h5", "--quiet"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const auto rc = bd::test::run_cli_argv({"--config", dir + "/none.toml", "info"});
  EXPECT_EQ(rc.exit_code, 2) << rc.output;  // a missing config is an error, not ignored
}
