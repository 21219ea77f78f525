// ITK image IO (include/betadose/image_io.hh). All ITK image-format code of betadose lives in
// this one translation unit to keep compile time down. Image IO objects are instantiated
// explicitly per format, so no ITK factory registration is needed.
#include "betadose/image_io.hh"

#include <itkGDCMImageIO.h>
#include <itkGDCMSeriesFileNames.h>
#if BETADOSE_GDCM_TRACE
#include <gdcmTrace.h>
#endif
#include <itkImage.h>
#include <itkImageFileReader.h>
#include <itkImageFileWriter.h>
#include <itkImageSeriesReader.h>
#include <itkImageSeriesWriter.h>
#include <itkMetaDataObject.h>
#include <itkMetaImageIO.h>
#include <itkNiftiImageIO.h>
#include <itkNrrdImageIO.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <limits>
#include <set>
#include <sstream>
#include <utility>

#include "betadose/dicom_header.hh"
#include "betadose/errors.hh"
#include "betadose/image_header.hh"
#include "betadose/input_file.hh"
#include "isolated_read.hh"
#include "itk_warnings.hh"
#include "betadose/output_file.hh"
#include "betadose/text_parse.hh"
#include "betadose/value_checks.hh"

namespace fs = std::filesystem;

namespace bd {
namespace {

using FloatImage = itk::Image<float, 3>;

enum class Format { nifti, metaimage, nrrd, dicom_file, dicom_dir, unknown };

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

Format format_of_name(const std::string& path) {
  const std::string p = lower(path);
  if (ends_with(p, ".nii") || ends_with(p, ".nii.gz")) return Format::nifti;
  if (ends_with(p, ".mhd") || ends_with(p, ".mha")) return Format::metaimage;
  if (ends_with(p, ".nrrd") || ends_with(p, ".nhdr")) return Format::nrrd;
  if (ends_with(p, ".dcm") || ends_with(p, ".ima")) return Format::dicom_file;
  return Format::unknown;
}

const char* kSupported =
    "supported: NIfTI (.nii, .nii.gz), MetaImage (.mhd, .mha), NRRD (.nrrd, .nhdr), a DICOM "
    "series directory or a .dcm file";

itk::ImageIOBase::Pointer make_io(Format f) {
  switch (f) {
    case Format::nifti: return itk::NiftiImageIO::New().GetPointer();
    case Format::metaimage: return itk::MetaImageIO::New().GetPointer();
    case Format::nrrd: return itk::NrrdImageIO::New().GetPointer();
    case Format::dicom_file:
    case Format::dicom_dir: return itk::GDCMImageIO::New().GetPointer();
    default: return nullptr;
  }
}

const char* format_name(Format f) {
  switch (f) {
    case Format::nifti: return "NIfTI";
    case Format::metaimage: return "MetaImage";
    case Format::nrrd: return "NRRD";
    case Format::dicom_file:
    case Format::dicom_dir: return "DICOM";
    default: return "unknown";
  }
}

// An ITK exception description on one line: its non-empty lines joined by "; " (teem, the
// NRRD reader, puts the reason on the lines after "Error reading FILE:"), at most ~600 bytes.
std::string itk_reason(const itk::ExceptionObject& e) {
  std::istringstream in(e.GetDescription());
  std::string out;
  for (std::string line; std::getline(in, line);) {
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos) continue;
    if (!out.empty()) out += "; ";
    out += line.substr(first);
    if (out.size() > 600) {
      out.resize(600);
      out += " ...";
      break;
    }
  }
  return out;
}

Grid grid_of(const FloatImage* image) {
  Grid g;
  const auto size = image->GetLargestPossibleRegion().GetSize();
  const auto& sp = image->GetSpacing();
  const auto& org = image->GetOrigin();
  const auto& dir = image->GetDirection();
  for (unsigned a = 0; a < 3; ++a) {
    g.size[a] = size[a];
    g.spacing_mm[a] = sp[a];
    g.origin_mm[a] = org[a];
    for (unsigned c = 0; c < 3; ++c) g.direction[3 * a + c] = dir(a, c);
  }
  return g;
}

// Checks existence and format, and the header (dimension, components) of a file image.
// Returns the IO object with its information read.
itk::ImageIOBase::Pointer open_file_image(const std::string& path, Format f) {
  BD_VALIDATE(f != Format::unknown, path << ": unsupported image format (" << kSupported << ")");
  auto io = make_io(f);
  BD_VALIDATE(io->CanReadFile(path.c_str()),
              path << ": cannot be read as " << format_name(f)
                   << " (corrupt, truncated or not a " << format_name(f) << " file)");
  try {
    io->SetFileName(path);
    io->ReadImageInformation();
  } catch (const itk::ExceptionObject& e) {
    throw InputError(path + ": cannot read the " + format_name(f) + " header: " + itk_reason(e));
  }
  const unsigned dims = io->GetNumberOfDimensions();
  bool ok_dims = dims == 3;
  if (dims > 3) {
    ok_dims = true;
    for (unsigned a = 3; a < dims; ++a) ok_dims = ok_dims && io->GetDimensions(a) == 1;
  }
  if (!ok_dims) {
    std::ostringstream os;
    os << path << ": image is " << dims << "-D (";
    for (unsigned a = 0; a < dims; ++a) os << (a ? " x " : "") << io->GetDimensions(a);
    os << " voxels); a 3-D image is required";
    throw InputError(os.str());
  }
  BD_VALIDATE(io->GetNumberOfComponents() == 1,
              path << ": image has " << io->GetNumberOfComponents()
                   << " components per voxel; a scalar (single-component) image is required"
                   << (f == Format::nrrd ? " (a 3D Slicer .seg.nrrd? give it as --segmentation FILE)" : ""));
  return io;
}

Volume<float> to_volume(FloatImage* image, const std::string& path) {
  Volume<float> v;
  v.grid = grid_of(image);
  validate_grid(v.grid, path);
  const float* p = image->GetBufferPointer();
  v.data.assign(p, p + v.grid.voxel_count());
  return v;
}

std::string tag_value(itk::GDCMImageIO* io, const char* tag) {
  std::string value;
  if (!io->GetValueFromTag(tag, value)) return "";
  while (!value.empty() && (value.back() == ' ' || value.back() == '\0')) value.pop_back();
  return value;
}

// A NIfTI header without a transform leaves the orientation to a convention, and one with two
// that disagree to the reader's rule (ITK's: the sform); both are said, not guessed silently.
// NIfTI stores RAS; ITK's origin is LPS (x and y negated).
std::vector<std::string> nifti_orientation_notes(const ImageFileLayout& L, const Grid& g) {
  std::vector<std::string> notes;
  if (L.format != "NIfTI") return notes;
  if (!L.nifti_qform && !L.nifti_sform)
    notes.push_back("NIfTI header with neither qform nor sform (codes 0): orientation unknown, read with the "
                    "image axes along L, P, S and the origin at 0; check left and right");
  if (L.nifti_qform && L.nifti_sform) {
    auto lps = [](const std::array<double, 3>& ras) { return std::array<double, 3>{{-ras[0], -ras[1], ras[2]}}; };
    auto dist = [&](const std::array<double, 3>& a) {
      return std::hypot(a[0] - g.origin_mm[0], a[1] - g.origin_mm[1], a[2] - g.origin_mm[2]);
    };
    const auto q = lps(L.nifti_qform_origin), s = lps(L.nifti_sform_origin);
    const double apart = std::hypot(q[0] - s[0], q[1] - s[1], q[2] - s[2]);
    if (apart > 0.5)
      notes.push_back("NIfTI qform and sform disagree (origins " + format_g(apart, 4) + " mm apart); the " +
                      (dist(s) <= dist(q) ? "sform" : "qform") + " is used, as ITK reads NIfTI");
  }
  return notes;
}

// GDCM prints an "Error:" per repeated slice position while it sorts a directory (a dynamic
// series, duplicated slices); betadose's own checks name the file and the reason instead.
struct QuietGdcm {
#if BETADOSE_GDCM_TRACE
  QuietGdcm() { gdcm::Trace::ErrorOff(); }
  ~QuietGdcm() { gdcm::Trace::ErrorOn(); }
#endif
};

const char* role_option(ImageRole role) { return role == ImageRole::ct ? "--ct" : "--activity"; }

// Whether a series of this Modality (0008,0060) can serve the role: a CT's Hounsfield units
// become densities, and a PET or SPECT image's values activity; any other modality's values
// are neither (an MR in HU would be a wrong density, a CT read as activity a wrong dose).
bool serves(ImageRole role, const DicomSeriesIdentity& id) {
  if (id.localizer || id.nm_no_volume) return false;
  if (role == ImageRole::ct) return id.modality == "CT";
  if (role == ImageRole::activity) return id.modality == "PT" || id.modality == "NM";
  return true;
}

std::string needed_text(ImageRole role) {
  return role == ImageRole::ct ? "--ct needs a CT series (Modality CT: Hounsfield units)"
                               : "--activity needs a PET or SPECT series (Modality PT or NM)";
}

std::string identity_text(const DicomSeriesIdentity& id) {
  std::string s = "Modality " + (id.modality.empty() ? std::string("(none)") : id.modality);
  if (id.localizer) s += ", a LOCALIZER (scout) image: a projection, not a volume";
  if (id.nm_no_volume) s += ", Image Type " + id.image_type + ": projections or planar frames, not a reconstructed volume";
  if (!id.series_description.empty()) s += ", '" + id.series_description + "'";
  return s;
}

void check_serves(ImageRole role, const DicomSeriesIdentity& id, const std::string& path) {
  BD_VALIDATE(!id.localizer, path << ": Image Type (0008,0008) " << id.image_type
                                  << ": a localizer (scout) image is a projection, not a volume; give the axial "
                                     "series");
  BD_VALIDATE(!id.nm_no_volume, path << ": NM Image Type (0008,0008) " << id.image_type
                                     << ": not a reconstructed SPECT volume (projections or planar frames); betadose "
                                        "needs one reconstructed, ungated, static volume (RECON TOMO)");
  if (role == ImageRole::any) return;
  BD_VALIDATE(serves(role, id), path << ": " << identity_text(id) << ", where " << needed_text(role)
                                      << " (an image whose values are right but whose Modality is not, e.g. OT from a "
                                         "converter, can be given as NIfTI, MetaImage or NRRD)");
}

struct SeriesCandidate {
  std::string uid;
  std::vector<std::string> files;
  DicomSeriesIdentity identity;
  // Slices: files, or the frames of one multi-frame file (a SPECT of 128 slices in one file).
  std::size_t slices() const { return files.size() == 1 ? std::size_t(identity.frames) : files.size(); }
};

std::vector<SeriesCandidate> scan_series(const std::string& dir, bool recursive) {
  [[maybe_unused]] const QuietGdcm quiet;
  auto names = itk::GDCMSeriesFileNames::New();
  names->SetGlobalWarningDisplay(false);
  names->SetRecursive(recursive);  // before SetDirectory, which scans
  names->SetDirectory(dir);
  std::vector<SeriesCandidate> all;
  for (const auto& u : names->GetSeriesUIDs()) {
    SeriesCandidate c{u, names->GetFileNames(u), {}};
    if (c.files.empty()) continue;
    c.identity = read_series_identity(c.files.front());
    all.push_back(std::move(c));
  }
  return all;
}

// GDCM's recursive scan follows links to folders: a link loop would list the tree again at every
// level. The tree is walked first, without following links, and refused with one.
void check_tree_for_recursive_scan(const std::string& dir) {
  std::error_code ec;
  std::size_t entries = 0;
  for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
       !ec && it != end; it.increment(ec)) {
    BD_VALIDATE(++entries <= kMaxDicomFolderEntries, dir << ": holds no series at its top level, and more than " << kMaxDicomFolderEntries
                                              << " files and folders below it; give the folder of the one series");
    std::error_code ec2;
    BD_VALIDATE(!(it->is_symlink(ec2) && fs::is_directory(it->path(), ec2)),
                it->path().string() << ": a link to a folder inside " << dir
                                    << ", searched for DICOM series in its subfolders; give the series' own folder "
                                       "(links to folders are not followed)");
  }
}

bool has_subdirectory(const std::string& dir) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_directory(ec)) return true;
  return false;
}

// Which entry of a per-file list (DicomSeriesCheck::padding, real_world) slice k belongs to:
// one per slice, or one for the single (multi-frame) file.
std::size_t file_entry(std::size_t entries, std::size_t nz, std::size_t k, const DicomSeriesCheck& checked,
                       const char* what) {
  BD_VALIDATE(entries == nz || entries == 1,
              checked.files.front() << ": " << what << " for " << entries << " files, image of " << nz << " slices");
  return entries == nz ? k : 0;
}

// Pixels holding the Pixel Padding Value lie outside the reconstructed field: air for a CT,
// no activity for PET/SPECT. Their stored values are found again through each file's
// modality LUT (the reader applied it). An image of unknown role keeps its values (noted).
// The other pixels of an NM image with a Real World Value Mapping become its values (counts
// or Bq/ml): value = stored x slope + intercept.
void apply_stored_value_maps(Volume<float>& v, const DicomSeriesCheck& checked, ImageRole role, ImageMetadata* meta) {
  if (checked.padding.empty() && checked.real_world.empty()) return;
  const std::size_t nx = v.grid.size[0], ny = v.grid.size[1], nz = v.grid.size[2];
  const float fill = role == ImageRole::ct ? -1000.0f : 0.0f;
  std::size_t count = 0;
  double low = 0;
  for (std::size_t k = 0; k < nz; ++k) {
    const DicomSeriesCheck::Padding* p =
        checked.padding.empty() ? nullptr : &checked.padding[file_entry(checked.padding.size(), nz, k, checked, "Pixel Padding Value")];
    if (p && !p->present) p = nullptr;
    const DicomSeriesCheck::RealWorldMapping* rw =
        checked.real_world.empty() ? nullptr
                                   : &checked.real_world[file_entry(checked.real_world.size(), nz, k, checked,
                                                                    "Real World Value Mapping")];
    if (p) low = p->stored_low;
    float* slice = v.data.data() + k * nx * ny;
    for (std::size_t i = 0; i < nx * ny; ++i) {
      if (p) {
        const double stored = std::round((double(slice[i]) - p->intercept) / p->slope);
        if (stored >= p->stored_low && stored <= p->stored_high) {
          ++count;
          if (role != ImageRole::any) slice[i] = fill;
          continue;
        }
      }
      if (rw) {
        const double stored = (double(slice[i]) - rw->lut_intercept) / rw->lut_slope;
        slice[i] = static_cast<float>(stored * rw->slope + rw->intercept);
      }
    }
  }
  if (meta && !checked.real_world.empty()) {
    const auto& rw = checked.real_world.front();
    meta->value_units = rw.units;
    meta->notes.push_back("pixel values mapped to " + rw.units + " by the Real World Value Mapping (0040,9096) of " +
                          checked.files.front() + ", " + rw.what +
                          (checked.real_world.size() > 1 ? " (each file by its own)" : ""));
  }
  if (meta && count > 0)
    meta->notes.push_back(std::to_string(count) + " voxels (" + format_g(100.0 * double(count) / double(v.data.size()), 3) +
                          " %) hold the Pixel Padding Value (0028,0120) " + format_g(low, 8) +
                          " (outside the reconstructed field): " +
                          (role == ImageRole::ct         ? std::string("read as air, -1000 HU")
                           : role == ImageRole::activity ? std::string("read as no activity")
                                                         : std::string("kept as read")));
}

Volume<float> read_dicom_directory(const std::string& dir, ImageMetadata* meta, ImageRole role) {
  std::vector<SeriesCandidate> all;
  bool recursed = false;
  try {
    all = scan_series(dir, false);
    // A CD/DVD export or a PACS download keeps its images in nested folders beside a DICOMDIR
    // (and perhaps a stray object, a structure set or a report, at the top level).
    const bool top_serves = std::any_of(all.begin(), all.end(), [&](const auto& c) { return serves(role, c.identity); });
    if (!top_serves && has_subdirectory(dir)) {
      check_tree_for_recursive_scan(dir);
      all = scan_series(dir, true);
      recursed = !all.empty();
    }
  } catch (const itk::ExceptionObject& e) {
    throw InputError(dir + ": cannot scan the directory for DICOM series: " + itk_reason(e));
  }
  BD_VALIDATE(!all.empty(), dir << ": directory (and its subfolders) holds no readable DICOM series ("
                                << kSupported << ")");
  auto list_of = [](const std::vector<SeriesCandidate>& series) {
    std::string list;
    for (const auto& c : series)
      list += "\n  " + c.uid + ": " + std::to_string(c.files.size()) + " files, " + std::to_string(c.slices()) +
              " slices, study " + (c.identity.study_uid.empty() ? std::string("(none)") : c.identity.study_uid) + ", " +
              identity_text(c.identity) + ", e.g. " + c.files.front();
    return list;
  };
  std::vector<SeriesCandidate> usable, left_out;
  for (auto& c : all) (serves(role, c.identity) ? usable : left_out).push_back(c);
  if (usable.empty()) {
    if (all.size() == 1) check_serves(role, all.front().identity, dir);
    throw InputError(dir + ": holds no DICOM series " +
                     (role == ImageRole::any ? std::string("that is a volume (a localizer is a projection)")
                                             : std::string("for ") + role_option(role) + ": " + needed_text(role)) +
                     "; the directory holds:" + list_of(all));
  }
  std::stable_sort(usable.begin(), usable.end(),
                   [](const auto& a, const auto& b) { return a.slices() > b.slices(); });
  // Volumes of two studies (a CD with the MAA SPECT/CT and the 90Y PET/CT, a folder of several
  // scans): which scan is meant is the user's choice, not the larger one's. A stray image of
  // one or two slices of another study is left out like any smaller series.
  std::set<std::string> studies;
  for (const auto& c : usable)
    if (c.identity.study_uid != usable.front().identity.study_uid && c.slices() >= 3) studies.insert(c.identity.study_uid);
  if (!studies.empty())
    throw InputError(dir + ": holds " + std::to_string(usable.size()) + " DICOM series" +
                     (role == ImageRole::any ? std::string("") : std::string(" for ") + role_option(role)) + " from " +
                     std::to_string(studies.size() + 1) +
                     " studies (Study Instance UID (0020,000D)); which scan is meant is not known: give the folder "
                     "of the one series to use:" + list_of(usable));
  // The largest series is the image, and a dose screen beside it is left out (said in the
  // image line); two series of comparable size (attenuation-corrected and uncorrected PET, two
  // reconstructions) leave the choice to the user.
  if (usable.size() >= 2 && 2 * usable[1].slices() >= usable[0].slices())
    throw InputError(dir + ": holds " + std::to_string(usable.size()) +
                     " DICOM series" + (role == ImageRole::any ? "" : std::string(" for ") + role_option(role)) +
                     ", two or more of comparable size, and which one is meant is not known (e.g. "
                     "attenuation-corrected and uncorrected PET, two CT reconstructions); give a directory "
                     "holding only the series to use:" + list_of(usable));
  const SeriesCandidate& chosen = usable.front();
  // Every file complete, slices evenly spaced (dicom_header.hh), before GDCM reads pixels.
  const DicomSeriesCheck checked = check_dicom_series(chosen.files, dir);
  auto io = itk::GDCMImageIO::New();
  auto reader = itk::ImageSeriesReader<FloatImage>::New();
  reader->SetImageIO(io);
  reader->SetFileNames(checked.files);
  // check_dicom_series judged the spacing (allowing for rounded positions); ITK's own warning
  // (deviations above 1e-4 of the step) would refuse a series whose positions are rounded.
  reader->SetSpacingWarningRelThreshold(0.5);
  // ITK only warns about missing or unevenly spaced slices; here that refuses the series.
  ItkWarningsAreErrors trap(dir);
  try {
    reader->Update();
  } catch (const itk::ExceptionObject& e) {
    throw InputError(dir + ": cannot read DICOM series " + chosen.uid + ": " + itk_reason(e));
  }
  trap.check();
  BD_VALIDATE(io->GetNumberOfComponents() == 1,
              dir << ": DICOM series has " << io->GetNumberOfComponents()
                  << " components per pixel (colour?); a scalar image is required");
  auto v = to_volume(reader->GetOutput(), dir);
  ImageMetadata local;
  ImageMetadata* m = meta ? meta : &local;
  *m = ImageMetadata{};
  m->format = "DICOM";
  m->pixel_type = itk::ImageIOBase::GetComponentTypeAsString(io->GetInternalComponentType());
  m->modality = tag_value(io, "0008|0060");
  m->units = tag_value(io, "0054|1001");
  m->series_uid = chosen.uid;
  m->series_count = usable.size();
  m->file_count = checked.files.size();
  m->files = checked.files;
  m->lossy_compression = checked.lossy_compression;
  m->frame_of_reference_uid = tag_value(io, "0020|0052");
  if (recursed) m->notes.push_back("series found in a subfolder (" + fs::path(chosen.files.front()).parent_path().string() + ")");
  if (!left_out.empty())
    m->notes.push_back(std::to_string(left_out.size()) + " other series of the directory left out (not " +
                       (role == ImageRole::any ? std::string("a volume") : std::string("for ") + role_option(role)) +
                       "):" + [&] {
                         std::string l;
                         for (const auto& c : left_out)
                           l += " " + std::to_string(c.files.size()) + " files, " + identity_text(c.identity) + ";";
                         l.pop_back();
                         return l;
                       }());
  for (const auto& n : checked.notes) m->notes.push_back(n);
  apply_stored_value_maps(v, checked, role, m);
  return v;
}

}  // namespace

static Volume<float> read_image_here(const std::string& path, ImageMetadata* meta, ImageRole role) {
  // A regular file, or a directory of regular files (never a FIFO: it would block).
  if (require_input_file_or_directory(path) == InputPathKind::directory) return read_dicom_directory(path, meta, role);
  const Format f = format_of_name(path);
  BD_VALIDATE(f != Format::unknown, path << ": unsupported image format (" << kSupported << ")");
  // Sizes, spacing and data length checked before ITK sees the file (image_header.hh).
  ImageFileLayout layout;
  if (is_checked_image_name(path)) layout = check_image_file(path, ImageComponents::scalar, VoxelScan::nonfinite);
  DicomSeriesCheck checked;
  if (f == Format::dicom_file) {
    checked = check_dicom_series({path}, path);
    check_serves(role, checked.identity, path);
  }
  ItkWarningsAreErrors trap(path);
  auto io = open_file_image(path, f);
  auto reader = itk::ImageFileReader<FloatImage>::New();
  reader->SetImageIO(io);
  reader->SetFileName(path);
  try {
    reader->Update();
  } catch (const itk::ExceptionObject& e) {
    throw InputError(path + ": cannot read the " + format_name(f) + " image data: " + itk_reason(e));
  }
  trap.check();
  auto v = to_volume(reader->GetOutput(), path);
  // ITK's NIfTI reader keeps the file's voxel order (its RAS-to-LPS change is in the direction).
  for (std::size_t i = 0; i < layout.nonfinite_voxels.size() && i < v.data.size(); ++i)
    if (layout.nonfinite_voxels[i]) v.data[i] = std::numeric_limits<float>::quiet_NaN();
  if (meta) {
    *meta = ImageMetadata{};
    meta->format = format_name(f);
    meta->notes = nifti_orientation_notes(layout, v.grid);
    meta->pixel_type = itk::ImageIOBase::GetComponentTypeAsString(io->GetComponentType());
    if (f == Format::dicom_file) {
      auto* gdcm = dynamic_cast<itk::GDCMImageIO*>(io.GetPointer());
      meta->modality = tag_value(gdcm, "0008|0060");
      meta->units = tag_value(gdcm, "0054|1001");
      meta->file_count = 1;
      meta->files = {path};
      meta->lossy_compression = checked.lossy_compression;
      meta->frame_of_reference_uid = tag_value(gdcm, "0020|0052");
      for (const auto& n : checked.notes) meta->notes.push_back(n);
    }
  }
  if (f == Format::dicom_file) apply_stored_value_maps(v, checked, role, meta);
  return v;
}

static Grid read_image_grid_here(const std::string& path) {
  if (require_input_file_or_directory(path) == InputPathKind::directory)
    return read_image_here(path, nullptr, ImageRole::any).grid;  // DICOM: geometry needs all slices
  const Format f = format_of_name(path);
  BD_VALIDATE(f != Format::unknown, path << ": unsupported image format (" << kSupported << ")");
  if (is_checked_image_name(path)) check_image_file(path);
  ItkWarningsAreErrors trap(path);
  auto io = open_file_image(path, f);
  // Let the reader compute the geometry exactly as a full read would (direction handling of
  // each format, dimension reduction), without reading pixels.
  auto reader = itk::ImageFileReader<FloatImage>::New();
  reader->SetImageIO(io);
  reader->SetFileName(path);
  try {
    reader->UpdateOutputInformation();
  } catch (const itk::ExceptionObject& e) {
    throw InputError(path + ": cannot read the " + format_name(f) + " header: " + itk_reason(e));
  }
  trap.check();
  Grid g = grid_of(reader->GetOutput());
  validate_grid(g, path);
  return g;
}

// GDCM (ITK's DICOM reader) asserts, ending the process, on some damaged file meta groups and
// allocates what an element's length claims (Debian builds it with assertions; found by
// fuzz_dicom_image). So DICOM reads are rehearsed in a child process (isolated_read.hh), as HDF5
// reads are: an abort there is exit 2 naming the file. Other formats are checked byte by byte
// before ITK sees them (image_header.hh) and are read directly.
static bool is_dicom_input(const std::string& path) {
  return require_input_file_or_directory(path) == InputPathKind::directory || format_of_name(path) == Format::dicom_file;
}

Volume<float> read_image(const std::string& path, ImageMetadata* meta, ImageRole role) {
  if (!is_dicom_input(path)) return read_image_here(path, meta, role);
  // The child fills its own copy of *meta, the parent's pass fills the caller's.
  return io::read_isolated_value<Volume<float>>(path, "DICOM image", "GDCM", [&] { return read_image_here(path, meta, role); });
}

Volume<float> read_image_in_this_process(const std::string& path) { return read_image_here(path, nullptr, ImageRole::any); }

Grid read_image_grid(const std::string& path) {
  if (!is_dicom_input(path)) return read_image_grid_here(path);
  return io::read_isolated_value<Grid>(path, "DICOM image", "GDCM", [&] { return read_image_grid_here(path); });
}

bool is_writable_image_path(const std::string& path) {
  const Format f = format_of_name(path);
  return f == Format::nifti || f == Format::metaimage || f == Format::nrrd;
}

namespace {

// Reads a just-written image back: the voxel count, the voxels and the geometry must match
// what was meant to be written (catches writers that fail silently on a full disk).
template <class T>
void verify_written_image(const std::string& staged, const std::string& target,
                          const Volume<T>& meant) {
  Volume<float> back;
  try {
    back = read_image(staged);
  } catch (const InputError& e) {
    throw InputError(target + ": the written file cannot be read back (disk full?): " + e.what());
  }
  BD_VALIDATE(back.grid.size == meant.grid.size && back.data.size() == meant.data.size(),
              target << ": the written file holds " << back.grid.describe() << ", expected "
                     << meant.grid.describe() << " (write failed: disk full?)");
  for (std::size_t i = 0; i < back.data.size(); ++i) {
    const float want = static_cast<float>(meant.data[i]);
    const bool equal = back.data[i] == want || (std::isnan(want) && std::isnan(back.data[i]));
    BD_VALIDATE(equal, target << ": voxel " << i << " reads back as " << back.data[i]
                              << " instead of " << want << " (write failed: disk full?)");
  }
}

template <class T>
typename itk::Image<T, 3>::Pointer to_itk(const Volume<T>& vol) {
  using Image = itk::Image<T, 3>;
  auto image = Image::New();
  typename Image::SizeType size;
  typename Image::SpacingType spacing;
  typename Image::PointType origin;
  typename Image::DirectionType dir;
  for (unsigned a = 0; a < 3; ++a) {
    size[a] = vol.grid.size[a];
    spacing[a] = vol.grid.spacing_mm[a];
    origin[a] = vol.grid.origin_mm[a];
    for (unsigned c = 0; c < 3; ++c) dir(a, c) = vol.grid.direction[3 * a + c];
  }
  typename Image::RegionType region;
  region.SetSize(size);
  image->SetRegions(region);
  image->SetSpacing(spacing);
  image->SetOrigin(origin);
  image->SetDirection(dir);
  image->Allocate();
  std::copy(vol.data.begin(), vol.data.end(), image->GetBufferPointer());
  return image;
}

template <class T>
void write_image_impl(const std::string& path, const Volume<T>& vol) {
  const Format f = format_of_name(path);
  BD_VALIDATE(f == Format::nifti || f == Format::metaimage || f == Format::nrrd,
              path << ": unsupported output image format (NIfTI .nii/.nii.gz, MetaImage "
                      ".mhd/.mha or NRRD .nrrd/.nhdr)");
  BD_VALIDATE(vol.data.size() == vol.grid.voxel_count(),
              path << ": volume has " << vol.data.size() << " values for " << vol.grid.describe());
  if constexpr (std::is_floating_point_v<T>) require_finite_output(vol.data.data(), vol.data.size(), &vol.grid, path);
  auto image = to_itk(vol);
  StagedOutput out(path, "image");
  auto writer = itk::ImageFileWriter<itk::Image<T, 3>>::New();
  writer->SetImageIO(make_io(f));
  writer->SetFileName(out.path());
  writer->SetInput(image);
  try {
    writer->Update();
  } catch (const itk::ExceptionObject& e) {
    throw InputError(path + ": cannot write " + format_name(f) + ": " + itk_reason(e));
  }
  // Some ITK writers (NIfTI through znzlib) do not report a failed write (disk full): read
  // the staged file back and compare before it replaces anything.
  verify_written_image(out.path(), path, vol);
  out.commit();
}

std::string fmt(double v) {
  std::ostringstream os;
  os << std::setprecision(10) << v;
  return os.str();
}

}  // namespace

void write_image(const std::string& path, const Volume<float>& volume) {
  write_image_impl(path, volume);
}
void write_image(const std::string& path, const Volume<std::uint8_t>& volume) {
  write_image_impl(path, volume);
}

void write_dicom_series(const std::string& dir, const Volume<float>& vol,
                        const std::string& modality) {
  const std::string mod = modality;
  std::string sop_class;
  if (mod == "CT") sop_class = "1.2.840.10008.5.1.4.1.1.2";
  else if (mod == "NM") sop_class = "1.2.840.10008.5.1.4.1.1.20";
  else if (mod == "PT") sop_class = "1.2.840.10008.5.1.4.1.1.128";
  BD_VALIDATE(!sop_class.empty(), dir << ": DICOM modality must be CT, NM or PT, got '" << mod << "'");
  validate_grid(vol.grid, dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  BD_VALIDATE(fs::is_directory(dir, ec), dir << ": cannot create the DICOM output directory");

  // int16 storage: value = slope * stored + intercept. Integral values in the int16 range
  // (CT in HU) are stored as they are; other values are mapped onto about ±32000, with an
  // integral intercept (GDCM's inverse rescale into integers requires one).
  const auto [lo_it, hi_it] = std::minmax_element(vol.data.begin(), vol.data.end());
  const double lo = *lo_it, hi = *hi_it;
  const bool integral = std::all_of(vol.data.begin(), vol.data.end(), [](float x) {
    return std::nearbyint(x) == x && x >= -32768.0f && x <= 32767.0f;
  });
  double slope = 1.0, intercept = 0.0;
  if (!integral) {
    intercept = std::floor(0.5 * (lo + hi));
    slope = std::max(hi - intercept, intercept - lo) / 32000.0;
    if (!(slope > 0)) slope = 1.0;
  }
  auto io = itk::GDCMImageIO::New();
  io->KeepOriginalUIDOn();
  const std::string root = "1.2.826.0.1.3680043.8.498.";  // example UID root (pydicom's)
  static std::atomic<int> series_counter{0};  // distinct UIDs for series written by one process
  const std::string stamp = std::to_string(::getpid()) + "." + std::to_string(series_counter++);
  const std::string study_uid = root + "1." + stamp, series_uid = root + "2." + stamp,
                    frame_uid = root + "3." + stamp;
  const Grid& g = vol.grid;
  const auto& D = g.direction;
  std::ostringstream iop;
  iop << fmt(D[0]) << "\\" << fmt(D[3]) << "\\" << fmt(D[6]) << "\\" << fmt(D[1]) << "\\"
      << fmt(D[4]) << "\\" << fmt(D[7]);

  std::vector<itk::MetaDataDictionary> dicts(g.size[2]);
  std::vector<itk::MetaDataDictionary*> dict_ptrs;
  std::vector<std::string> files;
  for (std::size_t k = 0; k < g.size[2]; ++k) {
    auto& d = dicts[k];
    const Vec3 pos = g.index_to_physical({{0.0, 0.0, static_cast<double>(k)}});
    std::ostringstream ipp, num;
    ipp << fmt(pos[0]) << "\\" << fmt(pos[1]) << "\\" << fmt(pos[2]);
    itk::EncapsulateMetaData<std::string>(d, "0008|0060", mod);
    itk::EncapsulateMetaData<std::string>(d, "0008|0016", sop_class);
    itk::EncapsulateMetaData<std::string>(d, "0008|0018", series_uid + "." + std::to_string(k + 1));
    itk::EncapsulateMetaData<std::string>(d, "0020|000d", study_uid);
    itk::EncapsulateMetaData<std::string>(d, "0020|000e", series_uid);
    // Frame of Reference (Type 1 in every image IOD): an RT Dose exported for this series refers to it.
    itk::EncapsulateMetaData<std::string>(d, "0020|0052", frame_uid);
    itk::EncapsulateMetaData<std::string>(d, "0020|0013", std::to_string(k + 1));
    itk::EncapsulateMetaData<std::string>(d, "0020|0032", ipp.str());
    itk::EncapsulateMetaData<std::string>(d, "0020|0037", iop.str());
    itk::EncapsulateMetaData<std::string>(d, "0028|0030",
                                          fmt(g.spacing_mm[1]) + "\\" + fmt(g.spacing_mm[0]));
    itk::EncapsulateMetaData<std::string>(d, "0018|0050", fmt(g.spacing_mm[2]));
    itk::EncapsulateMetaData<std::string>(d, "0028|1052", fmt(intercept));
    itk::EncapsulateMetaData<std::string>(d, "0028|1053", fmt(slope));
    itk::EncapsulateMetaData<std::string>(d, "0010|0010", "betadose^synthetic");
    itk::EncapsulateMetaData<std::string>(d, "0028|0004", "MONOCHROME2");
    // Stored pixel type of the float buffer: signed 16 bit.
    itk::EncapsulateMetaData<std::string>(d, "0028|0100", "16");
    itk::EncapsulateMetaData<std::string>(d, "0028|0101", "16");
    itk::EncapsulateMetaData<std::string>(d, "0028|0102", "15");
    itk::EncapsulateMetaData<std::string>(d, "0028|0103", "1");
    if (mod == "PT") itk::EncapsulateMetaData<std::string>(d, "0054|1001", "BQML");
    dict_ptrs.push_back(&d);
    std::ostringstream name;
    name << dir << "/slice" << std::setw(4) << std::setfill('0') << k << ".dcm";
    files.push_back(name.str());
  }
  // GDCM stores pixel = (value - intercept) / slope as int16 from the dictionary's rescale tags.
  auto writer = itk::ImageSeriesWriter<FloatImage, itk::Image<float, 2>>::New();
  writer->SetInput(to_itk(vol));
  writer->SetImageIO(io);
  writer->SetFileNames(files);
  writer->SetMetaDataDictionaryArray(&dict_ptrs);
  try {
    writer->Update();
  } catch (const itk::ExceptionObject& e) {
    throw InputError(dir + ": cannot write the DICOM series: " + itk_reason(e));
  }
}

}  // namespace bd
