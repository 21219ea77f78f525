// DICOM RT Dose export (DICOM PS3.3 A.18 RT Dose IOD), written with DCMTK (src/io/rtdose_dcmtk.cpp)
// so that a betadose dose map reaches treatment-planning systems, 3D Slicer and PACS.
//
// What is written:
//   Patient, General Study, Frame of Reference: copied from the DICOM CT series the dose was
//     computed on (read_dicom_series_reference), or new UIDs (and empty Type 2 patient fields)
//     when there is none;
//   RT Series (Modality RTDOSE, new Series Instance UID), General Equipment (betadose, version);
//   Image Plane / Multi-frame / RT Dose: geometry from dicom_frame_geometry (dicom_geometry.hh:
//     IPP, IOP, PixelSpacing, GridFrameOffsetVector, flipped grids re-ordered), 16-bit (default)
//     or 32-bit unsigned pixels with DoseGridScaling for the full range (quantize_dose),
//     DoseUnits GY, DoseType PHYSICAL, DoseSummationType PLAN (the dose of the whole
//     administration, integrated to complete decay), TissueHeterogeneityCorrection (IMAGE when
//     the transport used the CT's densities, WATER for kernels without density correction).
// Why 16 bits by default: the quantum is max/65535 (7.6 mGy at a 500 Gy maximum), two orders of
// magnitude below the Monte Carlo voxel noise (>= 1 %), every planning system reads it, and the
// IOD validator of CI (dciodvfy, dicom3tools 2022 in Debian 12) aborts on 32-bit OW pixel data
// although the standard allows it; `bits = 32` gives max/(2^32 - 1).
//
// The referenced plan: with DoseSummationType PLAN the RT Dose IOD requires a Referenced RT Plan
// Sequence (C.8.8.3, Type 1C; every other summation type needs a plan or a treatment record
// too). Radioembolization has no DICOM RT Plan in most clinics, so unless an existing plan is
// given (read_rtplan_reference), betadose writes a minimal RT Plan beside the dose
// (write_rtplan: RT General Plan with RTPlanGeometry TREATMENT_DEVICE, the administration in
// RTPlanDescription, no beams or sources) and references that: the pair is a valid, resolvable
// set, not a dangling UID.
#pragma once

#include <cstddef>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "betadose/grid.hh"

namespace bd {

// Patient, Study and Frame of Reference shared by the objects of one export.
struct DicomIdentity {
  std::string specific_character_set;
  std::string patient_name, patient_id, patient_birth_date, patient_sex;
  std::string study_instance_uid, study_date, study_time, study_id, accession_number,
      referring_physician_name, study_description;
  std::string frame_of_reference_uid, position_reference_indicator;
  std::string source;  // where it came from: a CT directory, or "new" (generated UIDs)
};

// Identity and geometry of a DICOM image series (the CT the dose was computed on).
struct DicomSeriesReference {
  std::string directory;  // where it was read from
  DicomIdentity identity;
  std::string series_instance_uid, modality;
  std::size_t slices = 0;
  // Bounding box of the series' voxels in patient coordinates [mm] (pixel centres ± half a pixel).
  Vec3 min_mm{}, max_mm{};
};

// Reads the DICOM files of `directory` (its subfolders when it holds none: a CD export; files
// that are not DICOM are skipped) and takes the largest series of the given modalities (CT
// for `--ct`; PT/NM for the activity series of a case without a CT), localizers left out, as
// the image reader chooses it. InputError naming the directory when it holds no such image, or
// when the series' images carry more than one Frame of Reference or Study.
DicomSeriesReference read_dicom_series_reference(const std::string& directory,
                                                 const std::set<std::string>& modalities = {"CT"});

// InputError when no voxel centre of `grid` lies inside the series' bounding box (the dose map
// was not computed on this CT: exporting it with this patient's identity would be wrong).
void require_grid_in_series(const Grid& grid, const std::string& grid_what,
                            const DicomSeriesReference& series);

// The series' identity, or new Study and Frame of Reference UIDs (today's study date) when
// `series` is null.
DicomIdentity make_dicom_identity(const DicomSeriesReference* series);

struct DicomObjectRef {
  std::string sop_class_uid, sop_instance_uid, path;
};

// An existing RT Plan (or RT Ion Plan) to reference. InputError when the file is not one, or
// its PatientID / StudyInstanceUID / FrameOfReferenceUID (when present) differ from `identity`.
DicomObjectRef read_rtplan_reference(const std::string& path, const DicomIdentity& identity);

struct RtPlanDescription {
  std::string label = "90Y SIRT";  // RTPlanLabel (SH, at most 16 characters)
  std::string name;                // RTPlanName (LO, 64)
  std::string description;         // RTPlanDescription (ST, 1024)
};

// The two writers below write to `path` as given (not atomically): pass the path() of a
// StagedOutput (output_file.hh) and commit it, as export_dose_file_rtdose does.

// Writes the minimal RT Plan described above and returns its reference.
DicomObjectRef write_rtplan(const std::string& path, const DicomIdentity& identity,
                            const RtPlanDescription& plan);

struct RtDoseOptions {
  std::string series_description = "betadose Monte Carlo dose";
  std::string dose_comment;                // DoseComment (LO: cut at 64 characters)
  bool heterogeneity_from_image = true;    // TissueHeterogeneityCorrection IMAGE (else WATER)
  std::string software_version;            // SoftwareVersions (default: this build)
  int bits = 16;                           // BitsAllocated = BitsStored: 16 or 32
};

// Writes `dose_gy` (grid order, x fastest) as a DICOM Part 10 file (explicit VR little endian)
// referencing `plan`. InputError for negative/NaN doses, a sheared grid, bits other than 16/32,
// or an unwritable path.
void write_rtdose(const std::string& path, const Grid& grid, const std::vector<float>& dose_gy,
                  const DicomIdentity& identity, const DicomObjectRef& plan,
                  const RtDoseOptions& options);

struct DoseFile;
class StagedOutput;

struct RtDoseExportOptions {
  std::string ct_dicom_dir;  // empty: new Study and Frame of Reference
  std::set<std::string> series_modalities{"CT"};  // of the series in ct_dicom_dir (PT/NM: the activity's)
  std::string rtplan;        // an existing RT Plan to reference (empty: write one)
  std::string rtplan_out;    // where the written plan goes (empty: rtplan_path_for(dose path))
  int bits = 16;
};

// "<dir>/<stem>.rtplan.dcm" for "<dir>/<stem>.dcm" (or "<path>.rtplan.dcm").
std::string rtplan_path_for(const std::string& rtdose_path);

struct RtDoseExportResult {
  DicomSeriesReference series;  // directory empty when no CT was given
  DicomObjectRef plan;
  bool plan_written = false;
};

// `betadose export --rtdose` and `--export-rtdose` on mc/kernel: the dose of `file` as RT Dose
// at `path` with its plan (written or referenced). The CT series, when given, must be a DICOM
// directory that the dose grid overlaps (InputError otherwise). Both files are committed
// together: on any failure neither appears.
RtDoseExportResult export_dose_file_rtdose(const DoseFile& file, const std::string& path,
                                           const RtDoseExportOptions& options);

// The same, written into outputs staged here and appended to `staged` but not committed: the
// caller commits them with its other outputs (commit_all), e.g. the dose file of a run.
RtDoseExportResult stage_rtdose_export(const DoseFile& file, const std::string& path,
                                       const RtDoseExportOptions& options,
                                       std::vector<std::unique_ptr<StagedOutput>>& staged);

}  // namespace bd
