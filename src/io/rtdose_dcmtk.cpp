// DICOM RT Dose / minimal RT Plan writers and the CT-series and RT Plan readers
// (include/betadose/rtdose.hh), with DCMTK: the only translation unit that includes DCMTK.
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dctk.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <map>
#include <set>

#include "betadose/dicom_geometry.hh"
#include "betadose/dicom_header.hh"
#include "betadose/errors.hh"
#include "betadose/rtdose.hh"

namespace fs = std::filesystem;

namespace bd {
namespace {

std::string get_string(DcmItem& item, const DcmTagKey& tag) {
  OFString value;
  if (item.findAndGetOFStringArray(tag, value).good()) return value.c_str();
  return {};
}

std::vector<double> get_doubles(DcmItem& item, const DcmTagKey& tag) {
  std::vector<double> out;
  for (unsigned long i = 0;; ++i) {
    Float64 v = 0;
    if (item.findAndGetFloat64(tag, v, i).bad()) break;
    out.push_back(v);
  }
  return out;
}

void put(DcmItem& item, const DcmTagKey& tag, const std::string& value, const std::string& path) {
  const OFCondition c = item.putAndInsertOFStringArray(tag, value.c_str());
  if (c.bad())
    throw InputError(path + ": cannot set DICOM attribute " + DcmTag(tag).getTagName() + " to '" +
                     value + "': " + c.text());
}

std::string join_ds(const double* v, std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += (i ? "\\" : "") + dicom_decimal_string(v[i]);
  return s;
}

std::string new_uid() {
  char uid[100];
  dcmGenerateUniqueIdentifier(uid, SITE_INSTANCE_UID_ROOT);
  return uid;
}

// DICOM DA (YYYYMMDD) and TM (HHMMSS) of the local time now.
std::pair<std::string, std::string> dicom_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char date[16], time[16];
  std::strftime(date, sizeof date, "%Y%m%d", &tm);
  std::strftime(time, sizeof time, "%H%M%S", &tm);
  return {date, time};
}

// The identity attributes copied from the CT and written into every exported object; Type 2
// attributes (all but the last two) are written even when empty.
struct IdentityTag {
  std::string DicomIdentity::*field;
  DcmTagKey tag;
  bool written_when_empty;
};
const IdentityTag kIdentityTags[] = {
    {&DicomIdentity::patient_name, DCM_PatientName, true},
    {&DicomIdentity::patient_id, DCM_PatientID, true},
    {&DicomIdentity::patient_birth_date, DCM_PatientBirthDate, true},
    {&DicomIdentity::patient_sex, DCM_PatientSex, true},
    {&DicomIdentity::study_instance_uid, DCM_StudyInstanceUID, true},
    {&DicomIdentity::study_date, DCM_StudyDate, true},
    {&DicomIdentity::study_time, DCM_StudyTime, true},
    {&DicomIdentity::referring_physician_name, DCM_ReferringPhysicianName, true},
    {&DicomIdentity::study_id, DCM_StudyID, true},
    {&DicomIdentity::accession_number, DCM_AccessionNumber, true},
    {&DicomIdentity::frame_of_reference_uid, DCM_FrameOfReferenceUID, true},
    {&DicomIdentity::position_reference_indicator, DCM_PositionReferenceIndicator, true},
    {&DicomIdentity::study_description, DCM_StudyDescription, false},
    {&DicomIdentity::specific_character_set, DCM_SpecificCharacterSet, false},
};

bool load_header(DcmFileFormat& ff, const std::string& path) {
  // Attributes longer than 4 KiB (pixel data) are not loaded: only the header is needed.
  return ff.loadFile(path.c_str(), EXS_Unknown, EGL_noChange, 4096, ERM_autoDetect).good();
}

// SOP Common, Patient, General Study, RT Series, Frame of Reference and General Equipment:
// what the RT Dose and the RT Plan of one export share. Returns the new SOP Instance UID.
std::string put_common(DcmDataset& ds, const DicomIdentity& id, const char* sop_class,
                       const char* modality, const std::string& series_description,
                       const std::string& software_version, const std::string& path) {
  const auto [date, time] = dicom_now();
  // Patient, General Study, Frame of Reference (and the character set of their names)
  for (const auto& t : kIdentityTags)
    if (t.written_when_empty || !(id.*t.field).empty()) put(ds, t.tag, id.*t.field, path);
  const std::string instance = new_uid();
  put(ds, DCM_SOPClassUID, sop_class, path);
  put(ds, DCM_SOPInstanceUID, instance, path);
  put(ds, DCM_InstanceCreationDate, date, path);
  put(ds, DCM_InstanceCreationTime, time, path);
  // RT Series
  put(ds, DCM_Modality, modality, path);
  put(ds, DCM_SeriesInstanceUID, new_uid(), path);
  put(ds, DCM_SeriesNumber, "1", path);
  put(ds, DCM_SeriesDate, date, path);
  put(ds, DCM_SeriesTime, time, path);
  put(ds, DCM_SeriesDescription, series_description.substr(0, 64), path);
  put(ds, DCM_OperatorsName, "", path);
  // General Equipment
  put(ds, DCM_Manufacturer, "betadose", path);
  put(ds, DCM_ManufacturerModelName, "betadose", path);
  put(ds, DCM_SoftwareVersions, software_version.empty() ? std::string(BETADOSE_VERSION) : software_version, path);
  put(ds, DCM_InstanceNumber, "1", path);
  return instance;
}

void save(DcmFileFormat& ff, const std::string& path) {
  const OFCondition c = ff.saveFile(path.c_str(), EXS_LittleEndianExplicit);
  if (c.bad()) throw InputError(path + ": cannot write the DICOM file (" + c.text() + ")");
}

}  // namespace

namespace {

// The regular files of a folder; when none of them is DICOM, those of its subfolders (a CD
// export: DICOMDIR and nested folders), without following directory links (a link loop would
// list the tree without end) and at most kMaxDicomFolderEntries.
std::vector<fs::path> series_folder_files(const std::string& directory, bool recursive) {
  std::error_code ec;
  std::vector<fs::path> files;
  auto add = [&](const fs::directory_entry& e) {
    std::error_code ec2;
    if (e.is_regular_file(ec2)) files.push_back(e.path());
    BD_VALIDATE(files.size() <= kMaxDicomFolderEntries, directory << ": more than " << kMaxDicomFolderEntries
                                                     << " files; give the folder of the one series");
  };
  if (recursive) {
    for (fs::recursive_directory_iterator it(directory, fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end; it.increment(ec))
      add(*it);
  } else {
    for (fs::directory_iterator it(directory, ec), end; !ec && it != end; it.increment(ec)) add(*it);
  }
  std::sort(files.begin(), files.end());
  return files;
}

struct SeriesImages {
  DicomSeriesReference ref;
  std::set<std::string> frames_of_reference, studies;
};

}  // namespace

DicomSeriesReference read_dicom_series_reference(const std::string& directory, const std::set<std::string>& modalities) {
  std::error_code ec;
  BD_VALIDATE(fs::is_directory(directory, ec),
              directory << ": not a directory (expected the DICOM CT series folder)");
  std::string wanted;
  for (const auto& m : modalities) wanted += (wanted.empty() ? "" : " or ") + m;
  std::map<std::string, SeriesImages> by_series;   // Series Instance UID -> its images
  std::map<std::string, int> skipped;               // images of other modalities, by modality
  for (bool recursive : {false, true}) {
    for (const auto& file : series_folder_files(directory, recursive)) {
      DcmFileFormat ff;
      if (!load_header(ff, file.string())) continue;  // not DICOM
      DcmDataset& ds = *ff.getDataset();
      const std::vector<double> ipp = get_doubles(ds, DCM_ImagePositionPatient);
      const std::vector<double> iop = get_doubles(ds, DCM_ImageOrientationPatient);
      const std::vector<double> ps = get_doubles(ds, DCM_PixelSpacing);
      Uint16 rows = 0, cols = 0;
      ds.findAndGetUint16(DCM_Rows, rows);
      ds.findAndGetUint16(DCM_Columns, cols);
      if (ipp.size() != 3 || iop.size() != 6 || ps.size() != 2 || rows == 0 || cols == 0) continue;
      // The dose references the series it was computed on: the PET of a flattened PET/CT
      // folder and the CT's localizers (projections) are not that series.
      // The image reader's rule (dicom_header.hh), so that both take the same series.
      const DicomSeriesIdentity id = series_identity_of(&ds);
      const std::string& modality = id.modality;
      if (modalities.count(modality) == 0 || id.localizer) {
        skipped[modality.empty() ? "(no Modality)" : id.localizer ? modality + " LOCALIZER" : modality]++;
        continue;
      }
      SeriesImages& series = by_series[get_string(ds, DCM_SeriesInstanceUID)];
      DicomSeriesReference& ref = series.ref;
      series.frames_of_reference.insert(get_string(ds, DCM_FrameOfReferenceUID));
      series.studies.insert(get_string(ds, DCM_StudyInstanceUID));
      if (ref.slices == 0) {
        ref.directory = directory;
        ref.identity.source = directory;
        for (const auto& t : kIdentityTags) ref.identity.*t.field = get_string(ds, t.tag);
        ref.series_instance_uid = get_string(ds, DCM_SeriesInstanceUID);
        ref.modality = modality;
        for (int a = 0; a < 3; ++a) {
          ref.min_mm[a] = 1e300;
          ref.max_mm[a] = -1e300;
        }
      }
      ++ref.slices;
      // Corners of the slice's pixel area (pixel centres ± half a pixel along rows/columns).
      for (double u : {-0.5, double(cols) - 0.5})
        for (double v : {-0.5, double(rows) - 0.5})
          for (int a = 0; a < 3; ++a) {
            const double p = ipp[a] + iop[a] * ps[1] * u + iop[3 + a] * ps[0] * v;
            ref.min_mm[a] = std::min(ref.min_mm[a], p);
            ref.max_mm[a] = std::max(ref.max_mm[a], p);
          }
    }
    if (!by_series.empty()) break;
  }
  std::string others;
  for (const auto& [modality, n] : skipped) others += " " + std::to_string(n) + " " + modality + ";";
  BD_VALIDATE(!by_series.empty(), directory << ": no " << wanted << " image with ImagePositionPatient, "
                                            << "ImageOrientationPatient and PixelSpacing found (the RT Dose "
                                               "references the series it was computed on)"
                                            << (others.empty() ? std::string() : "; the folder holds:" + others));
  // The largest series, as the image reader chooses it (image_io.hh).
  const SeriesImages* chosen = nullptr;
  for (const auto& [uid, series] : by_series)
    if (!chosen || series.ref.slices > chosen->ref.slices) chosen = &series;
  BD_VALIDATE(chosen->frames_of_reference.count("") == 0,
              directory << ": images without FrameOfReferenceUID (0020,0052); the dose cannot be "
                           "placed in this series' frame of reference");
  BD_VALIDATE(chosen->frames_of_reference.size() == 1,
              directory << ": the images of series " << chosen->ref.series_instance_uid << " have "
                        << chosen->frames_of_reference.size() << " different FrameOfReferenceUIDs");
  BD_VALIDATE(chosen->studies.count("") == 0 && chosen->studies.size() == 1,
              directory << ": the images of series " << chosen->ref.series_instance_uid << " belong to "
                        << chosen->studies.size() << " StudyInstanceUIDs (or have none)");
  return chosen->ref;
}

void require_grid_in_series(const Grid& grid, const std::string& grid_what,
                            const DicomSeriesReference& s) {
  // Tolerance: half the coarsest dose voxel (a dose grid may extend a little beyond the CT).
  const double tol = 0.5 * std::max({grid.spacing_mm[0], grid.spacing_mm[1], grid.spacing_mm[2]});
  bool inside = false;
  for (std::size_t k = 0; k < grid.size[2] && !inside; ++k)
    for (std::size_t j = 0; j < grid.size[1] && !inside; ++j)
      for (std::size_t i = 0; i < grid.size[0] && !inside; ++i) {
        const Vec3 p = grid.index_to_physical({{double(i), double(j), double(k)}});
        bool in = true;
        for (int a = 0; a < 3; ++a) in = in && p[a] >= s.min_mm[a] - tol && p[a] <= s.max_mm[a] + tol;
        inside = in;
      }
  BD_VALIDATE(inside, grid_what << " (" << grid.describe() << ") lies entirely outside the DICOM series in "
                                << s.directory << " (box " << s.min_mm[0] << ".." << s.max_mm[0] << ", "
                                << s.min_mm[1] << ".." << s.max_mm[1] << ", " << s.min_mm[2] << ".."
                                << s.max_mm[2]
                                << " mm): it was not computed on this CT; refusing to label it "
                                   "with this patient's identity");
}

DicomIdentity make_dicom_identity(const DicomSeriesReference* series) {
  if (series) return series->identity;
  DicomIdentity id;
  const auto [date, time] = dicom_now();
  id.study_instance_uid = new_uid();
  id.study_date = date;
  id.study_time = time;
  id.frame_of_reference_uid = new_uid();
  id.source = "new";
  return id;
}

DicomObjectRef read_rtplan_reference(const std::string& path, const DicomIdentity& id) {
  DcmFileFormat ff;
  BD_VALIDATE(fs::is_regular_file(path) && load_header(ff, path),
              "--rtplan " << path << ": not a readable DICOM file");
  DcmDataset& ds = *ff.getDataset();
  DicomObjectRef ref;
  ref.path = path;
  ref.sop_class_uid = get_string(ds, DCM_SOPClassUID);
  ref.sop_instance_uid = get_string(ds, DCM_SOPInstanceUID);
  BD_VALIDATE(ref.sop_class_uid == UID_RTPlanStorage || ref.sop_class_uid == UID_RTIonPlanStorage,
              "--rtplan " << path << ": SOP class " << ref.sop_class_uid
                          << " is not RT Plan (" << UID_RTPlanStorage << ") or RT Ion Plan");
  BD_VALIDATE(!ref.sop_instance_uid.empty(), "--rtplan " << path << ": SOPInstanceUID is empty");
  auto same = [&](const DcmTagKey& tag, const std::string& expected, const char* name) {
    const std::string v = get_string(ds, tag);
    BD_VALIDATE(v.empty() || expected.empty() || v == expected,
                "--rtplan " << path << ": " << name << " '" << v << "' differs from the dose's '"
                            << expected << "' (" << id.source << "); the plan belongs to another "
                            << "patient or study");
  };
  same(DCM_PatientID, id.patient_id, "PatientID");
  same(DCM_StudyInstanceUID, id.study_instance_uid, "StudyInstanceUID");
  same(DCM_FrameOfReferenceUID, id.frame_of_reference_uid, "FrameOfReferenceUID");
  return ref;
}

DicomObjectRef write_rtplan(const std::string& path, const DicomIdentity& id,
                            const RtPlanDescription& plan) {
  DcmFileFormat ff;
  DcmDataset& ds = *ff.getDataset();
  DicomObjectRef ref;
  ref.path = path;
  ref.sop_class_uid = UID_RTPlanStorage;
  ref.sop_instance_uid =
      put_common(ds, id, UID_RTPlanStorage, "RTPLAN", "betadose administration record", "", path);
  const auto [date, time] = dicom_now();
  // RT General Plan (C.8.8.9): geometry TREATMENT_DEVICE needs no structure set.
  put(ds, DCM_RTPlanLabel, plan.label.substr(0, 16), path);
  if (!plan.name.empty()) put(ds, DCM_RTPlanName, plan.name.substr(0, 64), path);
  if (!plan.description.empty()) put(ds, DCM_RTPlanDescription, plan.description.substr(0, 1024), path);
  put(ds, DCM_RTPlanDate, date, path);
  put(ds, DCM_RTPlanTime, time, path);
  put(ds, DCM_PlanIntent, "TREATMENT", path);
  put(ds, DCM_RTPlanGeometry, "TREATMENT_DEVICE", path);
  save(ff, path);
  return ref;
}

void write_rtdose(const std::string& path, const Grid& grid, const std::vector<float>& dose_gy,
                  const DicomIdentity& id, const DicomObjectRef& plan, const RtDoseOptions& o) {
  BD_VALIDATE(dose_gy.size() == grid.voxel_count(),
              path << ": " << dose_gy.size() << " dose values for " << grid.describe());
  BD_VALIDATE(grid.size[0] <= 65535 && grid.size[1] <= 65535,
              path << ": " << grid.size[0] << "x" << grid.size[1]
                   << " pixels per frame; DICOM Rows/Columns are at most 65535");
  // Grid Frame Offset Vector (3004,000C) has VM 2-n and is required with the Frame Increment
  // Pointer: an RT Dose of one slice is not a valid object (dciodvfy), so it is not written.
  BD_VALIDATE(grid.size[2] >= 2, path << ": the dose grid has one slice; an RT Dose needs at least 2 (export the "
                                         "dose as NIfTI/MetaImage/NRRD, or compute it on a grid of several slices)");
  const DicomFrameGeometry geo = dicom_frame_geometry(grid, path + " (dose grid)");
  const QuantizedDose q = quantize_dose(dose_gy, o.bits, path);
  const auto [date, time] = dicom_now();

  DcmFileFormat ff;
  DcmDataset& ds = *ff.getDataset();
  put_common(ds, id, UID_RTDoseStorage, "RTDOSE", o.series_description, o.software_version, path);
  // General Image / Image Plane / Multi-frame
  put(ds, DCM_ContentDate, date, path);
  put(ds, DCM_ContentTime, time, path);
  put(ds, DCM_ImagePositionPatient, join_ds(geo.image_position_mm.data(), 3), path);
  put(ds, DCM_ImageOrientationPatient, join_ds(geo.image_orientation.data(), 6), path);
  put(ds, DCM_PixelSpacing, join_ds(geo.pixel_spacing_mm.data(), 2), path);
  put(ds, DCM_SliceThickness, dicom_decimal_string(geo.slice_spacing_mm), path);
  put(ds, DCM_NumberOfFrames, std::to_string(geo.frames), path);
  ds.putAndInsertTagKey(DCM_FrameIncrementPointer, DCM_GridFrameOffsetVector);
  // Image Pixel / RT Dose
  ds.putAndInsertUint16(DCM_SamplesPerPixel, 1);
  put(ds, DCM_PhotometricInterpretation, "MONOCHROME2", path);
  ds.putAndInsertUint16(DCM_Rows, static_cast<Uint16>(geo.rows));
  ds.putAndInsertUint16(DCM_Columns, static_cast<Uint16>(geo.columns));
  ds.putAndInsertUint16(DCM_BitsAllocated, static_cast<Uint16>(o.bits));
  ds.putAndInsertUint16(DCM_BitsStored, static_cast<Uint16>(o.bits));
  ds.putAndInsertUint16(DCM_HighBit, static_cast<Uint16>(o.bits - 1));
  ds.putAndInsertUint16(DCM_PixelRepresentation, 0);
  put(ds, DCM_DoseUnits, "GY", path);
  put(ds, DCM_DoseType, "PHYSICAL", path);
  put(ds, DCM_DoseSummationType, "PLAN", path);
  if (!o.dose_comment.empty()) put(ds, DCM_DoseComment, o.dose_comment.substr(0, 64), path);
  {
    std::string offsets;
    for (std::size_t f = 0; f < geo.frames; ++f)
      offsets += (f ? "\\" : "") + dicom_decimal_string(geo.frame_offsets_mm[f]);
    put(ds, DCM_GridFrameOffsetVector, offsets, path);
  }
  put(ds, DCM_DoseGridScaling, q.scaling_text, path);
  put(ds, DCM_TissueHeterogeneityCorrection, o.heterogeneity_from_image ? "IMAGE" : "WATER", path);
  {
    DcmItem* item = nullptr;
    if (ds.findOrCreateSequenceItem(DCM_ReferencedRTPlanSequence, item, 0).bad() || !item)
      throw InputError(path + ": cannot create the Referenced RT Plan Sequence");
    put(*item, DCM_ReferencedSOPClassUID, plan.sop_class_uid, path);
    put(*item, DCM_ReferencedSOPInstanceUID, plan.sop_instance_uid, path);
  }

  // Pixel data in stored frame order as 16-bit OW words; a 32-bit pixel is two words, low half
  // first (little endian), independent of the host's byte order.
  const std::size_t per_frame = geo.rows * geo.columns;
  const std::size_t words_per_pixel = static_cast<std::size_t>(o.bits / 16);
  std::vector<Uint16> words(words_per_pixel * per_frame * geo.frames);
  for (std::size_t f = 0; f < geo.frames; ++f) {
    const std::size_t k = geo.slice_of_frame(f);
    for (std::size_t p = 0; p < per_frame; ++p) {
      const std::uint32_t v = q.pixels[k * per_frame + p];
      Uint16* w = &words[words_per_pixel * (f * per_frame + p)];
      w[0] = static_cast<Uint16>(v & 0xFFFFu);
      if (words_per_pixel == 2) w[1] = static_cast<Uint16>(v >> 16);
    }
  }
  const OFCondition pc = ds.putAndInsertUint16Array(DCM_PixelData, words.data(),
                                                    static_cast<unsigned long>(words.size()));
  if (pc.bad()) throw InputError(path + ": cannot store the pixel data: " + pc.text());
  save(ff, path);
}

}  // namespace bd
