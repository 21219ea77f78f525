// Quantitation attributes of a DICOM activity series (include/betadose/dicom_header.hh), read
// with DCMTK: the Radiopharmaceutical Information Sequence is nested, which ITK's GDCM
// dictionary does not expose.
#include "betadose/dicom_header.hh"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/oflog/oflog.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/dcmdata/dcstack.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <cmath>
#include <map>
#include <memory>
#include <utility>

#include "betadose/errors.hh"
#include "betadose/input_file.hh"
#include "betadose/memory_check.hh"
#include "betadose/text_parse.hh"
#include "betadose/value_checks.hh"

namespace bd {
namespace {

// Elements longer than this are left on disk (pixel data); headers are all that is needed.
constexpr Uint32 kMaxReadLength = 4096;

std::string value_of(DcmItem* item, const DcmTagKey& key) {
  OFString v;
  if (item == nullptr || item->findAndGetOFStringArray(key, v).bad()) return "";
  return trim(std::string(v.c_str()));
}

DcmDataset* load(DcmFileFormat& ff, const std::string& file) {
  const OFCondition st = ff.loadFile(file.c_str(), EXS_Unknown, EGL_noChange, kMaxReadLength);
  BD_VALIDATE(st.good(), file << ": cannot be read as DICOM (" << st.text() << ")");
  return ff.getDataset();
}

}  // namespace

PetHeader read_pet_header(const std::vector<std::string>& files) {
  BD_VALIDATE(!files.empty(), "DICOM series without files");
  OFLog::configure(OFLogger::ERROR_LOG_LEVEL);  // no warnings about optional attributes
  PetHeader h;
  h.file = files.front();
  {
    DcmFileFormat ff;
    DcmDataset* ds = load(ff, files.front());
    h.modality = value_of(ds, DCM_Modality);
    h.units = value_of(ds, DCM_Units);
    h.decay_correction = value_of(ds, DCM_DecayCorrection);
    h.series_date = value_of(ds, DCM_SeriesDate);
    h.series_time = value_of(ds, DCM_SeriesTime);
    h.patient_weight_kg = value_of(ds, DCM_PatientWeight);
    DcmItem* rp = nullptr;
    if (ds->findAndGetSequenceItem(DCM_RadiopharmaceuticalInformationSequence, rp, 0).good()) {
      h.injection_time = value_of(rp, DCM_RadiopharmaceuticalStartTime);
      h.injection_datetime = value_of(rp, DCM_RadiopharmaceuticalStartDateTime);
      h.injected_activity_bq = value_of(rp, DCM_RadionuclideTotalDose);
      h.half_life_s = value_of(rp, DCM_RadionuclideHalfLife);
      h.radiopharmaceutical = value_of(rp, DCM_Radiopharmaceutical);
    }
    h.acquisition_date.push_back(value_of(ds, DCM_AcquisitionDate));
    h.acquisition_time.push_back(value_of(ds, DCM_AcquisitionTime));
  }
  // Acquisition times per slice: for DecayCorrection NONE (each slice at its own time) and
  // START (a Series Time after the first acquisition is a reconstruction's time, not the
  // scan's start: activity_calibration.cpp). Code strings compared in upper case, as the
  // calibration reads them.
  const std::string decay = upper_trimmed(h.decay_correction);
  if (decay == "NONE" || decay == "START") {
    for (std::size_t k = 1; k < files.size(); ++k) {
      DcmFileFormat ff;
      DcmDataset* ds = load(ff, files[k]);
      h.acquisition_date.push_back(value_of(ds, DCM_AcquisitionDate));
      h.acquisition_time.push_back(value_of(ds, DCM_AcquisitionTime));
    }
  }
  return h;
}

namespace {
// Only DICOM Part 10 files (128-byte preamble, then "DICM"): GDCM asserts, ending the process,
// on a file without the preamble whose recognition code is not ACR-NEMA's (found by
// fuzz_dicom_image). Clinical PET, SPECT and CT series are all Part 10.
void check_part10(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  char head[132] = {};
  in.read(head, sizeof head);
  BD_VALIDATE(in.gcount() == 132 && std::string(head + 128, 4) == "DICM",
              file << ": not a DICOM Part 10 file (no \"DICM\" after the 128-byte preamble); ACR-NEMA and raw "
                      "DICOM data sets are not read");
}

// GDCM (ITK's DICOM reader) asserts, ending the process, when a geometry attribute holds
// another number of values than the standard's VM (found by fuzz_dicom_image): refuse those
// or VR (DS) before it reads the file. Absent attributes are left to the reader's own defaults/errors.
void check_geometry_multiplicity(DcmDataset* ds, const std::string& file) {
  // GDCM asserts as well on a retired Recognition Code (0008,0010) that is not ACR-NEMA's.
  OFString code;
  if (ds->findAndGetOFString(DCM_RETIRED_RecognitionCode, code).good()) {
    const std::string c(code.c_str());
    BD_VALIDATE(c.rfind("ACR-NEMA", 0) == 0 || c.rfind("ACRNEMA", 0) == 0 || c.rfind("MIPS 2.0", 0) == 0,
                file << ": retired Recognition Code (0008,0010) '" << c.substr(0, 40)
                     << "' is not ACR-NEMA's; remove the element");
  }
  struct Expected {
    DcmTagKey tag;
    unsigned long vm;
    const char* name;
  };
  for (const Expected& e : {Expected{DCM_ImagePositionPatient, 3, "Image Position (Patient) (0020,0032)"},
                            Expected{DCM_ImageOrientationPatient, 6, "Image Orientation (Patient) (0020,0037)"},
                            Expected{DCM_PixelSpacing, 2, "Pixel Spacing (0028,0030)"}}) {
    DcmElement* el = nullptr;
    if (ds->findAndGetElement(e.tag, el).bad() || el == nullptr || el->getLength() == 0) continue;
    BD_VALIDATE(el->ident() == EVR_DS, file << ": " << e.name << " has VR " << DcmVR(el->ident()).getVRName()
                                             << ", expected DS (decimal string)");
    BD_VALIDATE(el->getVM() == e.vm,
                file << ": " << e.name << " holds " << el->getVM() << " value(s), expected " << e.vm);
  }
}

// GDCM allocates an element's declared value length before it reads the value: an element
// that claims more bytes than the file holds made it ask for 1.2 GB (found by
// fuzz_dicom_image). DCMTK leaves long values on disk (kMaxReadLength) without comparing their
// lengths with the file, so every element of the data set, nested ones included, is compared
// here.
void check_element_lengths(DcmDataset* ds, const std::string& file) {
  const auto file_bytes = static_cast<unsigned long long>(std::filesystem::file_size(file));
  DcmStack stack;
  while (ds->nextObject(stack, OFTrue).good()) {
    DcmObject* o = stack.top();
    const Uint32 length = o->getLengthField();
    if (length == DCM_UndefinedLength) continue;  // sequences and encapsulated pixel data: delimited
    BD_VALIDATE(length <= file_bytes, file << ": element " << o->getTag().toString().c_str() << " declares "
                                           << length << " bytes, but the file holds only " << file_bytes
                                           << " (damaged or truncated file)");
  }
}

// Transfer syntaxes whose pixel data are lossy by definition (PS3.5 Annex A, PS3.6 Table A-1).
// Not DCMTK's DcmXfer::isLossy(): that also marks the "lossless or lossy" JPEG 2000 syntaxes
// (.91, .93, where Lossy Image Compression decides) and the lossless JPEG processes 15, 28 and
// 29 (.58, .65, .66), and does not know JPEG XL.
bool lossy_transfer_syntax(const std::string& uid) {
  static const char* const kLossy[] = {
      "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.52", "1.2.840.10008.1.2.4.53",
      "1.2.840.10008.1.2.4.54", "1.2.840.10008.1.2.4.55", "1.2.840.10008.1.2.4.56", "1.2.840.10008.1.2.4.59",
      "1.2.840.10008.1.2.4.60", "1.2.840.10008.1.2.4.61", "1.2.840.10008.1.2.4.62", "1.2.840.10008.1.2.4.63",
      "1.2.840.10008.1.2.4.64",  // JPEG lossy processes (.57, .58, .65, .66, .70 are the lossless ones)
      "1.2.840.10008.1.2.4.81",                            // JPEG-LS near-lossless
      "1.2.840.10008.1.2.4.100", "1.2.840.10008.1.2.4.101", "1.2.840.10008.1.2.4.102", "1.2.840.10008.1.2.4.103",
      "1.2.840.10008.1.2.4.104", "1.2.840.10008.1.2.4.105", "1.2.840.10008.1.2.4.106", "1.2.840.10008.1.2.4.107",
      "1.2.840.10008.1.2.4.108",  // MPEG-2, MPEG-4, HEVC
      "1.2.840.10008.1.2.4.112",  // JPEG XL (lossy)
  };
  for (const char* u : kLossy)
    if (uid == u) return true;
  return false;
}

std::string lossy_compression_of(DcmDataset* ds, E_TransferSyntax xfer) {
  OFString flag;
  if (ds->findAndGetOFString(DCM_LossyImageCompression, flag).good() && trim(flag.c_str()) == "01") {
    std::string why = "Lossy Image Compression (0028,2110) = 01";
    OFString ratio, method;
    if (ds->findAndGetOFStringArray(DCM_LossyImageCompressionRatio, ratio).good() && !ratio.empty())
      why += ", ratio " + trim(ratio.c_str());
    if (ds->findAndGetOFStringArray(DCM_LossyImageCompressionMethod, method).good() && !method.empty())
      why += ", method " + trim(method.c_str());
    return why;
  }
  const DcmXfer x(xfer);
  if (lossy_transfer_syntax(x.getXferID())) return std::string("transfer syntax ") + x.getXferName() + " (" + x.getXferID() + ")";
  return "";
}

// Where one slice (a file of a series, or a frame of an enhanced multi-frame file) lies.
struct SlicePlane {
  std::string label;           // the file, or "FILE frame N"
  std::array<double, 3> ipp;   // Image Position (Patient) [mm]
  std::array<double, 6> iop;   // Image Orientation (Patient)
};

template <std::size_t N>
std::array<double, N> read_doubles(DcmItem* item, const DcmTagKey& tag, const std::string& label, const char* name) {
  std::array<double, N> out{};
  for (std::size_t i = 0; i < N; ++i) {
    Float64 v = 0;
    BD_VALIDATE(item->findAndGetFloat64(tag, v, static_cast<unsigned long>(i)).good() && std::isfinite(v),
                label << ": " << name << " missing or not finite (" << N << " values expected)");
    out[i] = v;
  }
  return out;
}

// The frames' planes of an enhanced multi-frame file (Plane Position (0020,9113) and Plane
// Orientation (0020,9116) functional groups, per frame or shared); empty when it has none.
std::vector<SlicePlane> frame_planes(DcmDataset* ds, const std::string& file, Sint32 frames) {
  std::vector<SlicePlane> planes;
  DcmItem* first = nullptr;
  if (!ds->findAndGetSequenceItem(DCM_PerFrameFunctionalGroupsSequence, first, 0).good() || first == nullptr)
    return planes;
  DcmItem* shared = nullptr;
  if (!ds->findAndGetSequenceItem(DCM_SharedFunctionalGroupsSequence, shared, 0).good()) shared = nullptr;
  // A macro from the frame's own group, else from the shared group.
  auto macro = [&](DcmItem* frame, const DcmTagKey& seq) -> DcmItem* {
    DcmItem* m = nullptr;
    if (frame->findAndGetSequenceItem(seq, m, 0).good() && m) return m;
    if (shared && shared->findAndGetSequenceItem(seq, m, 0).good() && m) return m;
    return nullptr;
  };
  for (Sint32 k = 0; k < frames; ++k) {
    DcmItem* frame = nullptr;
    BD_VALIDATE(ds->findAndGetSequenceItem(DCM_PerFrameFunctionalGroupsSequence, frame, k).good() && frame,
                file << ": Per-frame Functional Groups Sequence (5200,9230) has fewer items than Number of Frames "
                        "(0028,0008) = " << frames);
    const std::string label = file + " frame " + std::to_string(k + 1);
    DcmItem* position = macro(frame, DCM_PlanePositionSequence);
    DcmItem* orientation = macro(frame, DCM_PlaneOrientationSequence);
    BD_VALIDATE(position && orientation, label << ": no Plane Position (0020,9113) or Plane Orientation (0020,9116) "
                                                  "functional group: the frame's place is unknown");
    planes.push_back({label, read_doubles<3>(position, DCM_ImagePositionPatient, label, "Image Position (Patient) (0020,0032)"),
                      read_doubles<6>(orientation, DCM_ImageOrientationPatient, label,
                                      "Image Orientation (Patient) (0020,0037)")});
  }
  return planes;
}

// NM Image Type value 3 of acquisitions that are no static reconstructed volume (projections,
// planar, gated or dynamic frames).
bool nm_acquisition_is_no_volume(const std::string& type3) {
  for (const char* bad : {"TOMO", "GATED TOMO", "RECON GATED TOMO", "STATIC", "DYNAMIC", "GATED", "WHOLE BODY"})
    if (type3 == bad) return true;
  return false;
}

// A classic multi-frame file (no functional groups) is a 3-D image only as an NM
// reconstruction (PS3.3 C.8.4): its place from the Detector Information Sequence (0054,0022),
// its slice step from Spacing Between Slices (0018,0088). Without them GDCM reads the volume
// at the origin (0, 0, 0), or with 1 mm between slices, and says nothing.
// Its frames are one volume's slices only when they index slices alone (PS3.3 C.8.4.8, Frame
// Increment Pointer): one energy window, one detector, one rotation, one time slot and one time
// slice, Number of Slices (0054,0081) = Number of Frames, the Slice Vector 1..N in order. A
// scatter window, a second head, a gated or dynamic study, or TOMO projections would otherwise be
// stacked as extra slices of the volume (the reader has no notion of the vectors).
void check_nm_frames_are_slices(DcmDataset* ds, const std::string& file, Sint32 frames) {
  // Value 3 of an NM Image Type names the acquisition; those that are no static
  // reconstructed volume are refused (other values, e.g. of a workstation's derived series,
  // are judged by the frame counts below).
  OFString type3;
  if (ds->findAndGetOFString(DCM_ImageType, type3, 2).good()) {
    const std::string t = trim(type3.c_str());
    BD_VALIDATE(!nm_acquisition_is_no_volume(t), file << ": NM Image Type (0008,0008) value 3 is '" << t
                                 << "': not a reconstructed SPECT volume"
                                 << (t == "TOMO" ? " (TOMO frames are projections)" : "")
                                 << "; betadose needs one reconstructed, ungated, static volume (RECON TOMO)");
  }
  Uint16 slices = 0;
  const bool have_slices = ds->findAndGetUint16(DCM_NumberOfSlices, slices).good();
  if (have_slices)
    BD_VALIDATE(Sint32(slices) == frames, file << ": NM Number of Slices (0054,0081) = " << slices << " but Number of "
                                               << "Frames (0028,0008) = " << frames
                                               << ": the frames are not one volume's slices (energy windows, "
                                                  "detectors, gates or time frames stacked with them?)");
  // With Number of Slices = Number of Frames (and the Slice Vector 1..N, below) the frames are
  // the slices. Without that count, a window, detector, rotation, gate or time count above 1
  // is harmless only when its vector gives every frame the same value (a header that keeps
  // the acquisition's windows).
  struct Index {
    DcmTagKey count, vector;
    const char* name;
  };
  if (!have_slices)
    for (const Index& c : {Index{DCM_NumberOfEnergyWindows, DCM_EnergyWindowVector, "Energy Window"},
                          Index{DCM_NumberOfDetectors, DCM_DetectorVector, "Detector"},
                          Index{DCM_NumberOfRotations, DCM_RotationVector, "Rotation"},
                          Index{DCM_NumberOfTimeSlots, DCM_TimeSlotVector, "Time Slot (gated)"},
                          Index{DCM_NumberOfTimeSlices, DCM_TimeSliceVector, "Time Slice (dynamic)"}}) {
      Uint16 n = 1;
      if (ds->findAndGetUint16(c.count, n).bad() || n <= 1) continue;
      DcmElement* v = nullptr;
      const bool have_vector = ds->findAndGetElement(c.vector, v).good() && v != nullptr && v->getVM() > 0;
      bool one_value = false;
      if (have_vector) {
        Uint16 first = 0, x = 0;
        v->getUint16(first, 0);
        one_value = true;
        for (unsigned long k = 1; k < v->getVM(); ++k)
          if (v->getUint16(x, k).bad() || x != first) one_value = false;
      }
      BD_VALIDATE(one_value, file << ": NM Number of " << c.name << "s = " << n << " and "
                                  << (have_vector ? std::string("its Vector gives the ") + std::to_string(frames) +
                                                        " frames different values"
                                                  : std::string("no Number of Slices (0054,0081) says the ") +
                                                        std::to_string(frames) + " frames are slices")
                                  << ": they are not one volume (betadose would stack them all); export the "
                                     "reconstruction of one energy window, detector set and time as its own file");
    }
  DcmElement* vector = nullptr;
  if (ds->findAndGetElement(DCM_SliceVector, vector).good() && vector != nullptr) {
    const unsigned long n = vector->getVM();
    BD_VALIDATE(Sint32(n) == frames, file << ": NM Slice Vector (0054,0080) has " << n << " values for " << frames
                                          << " frames");
    for (unsigned long k = 0; k < n; ++k) {
      Uint16 v = 0;
      BD_VALIDATE(vector->getUint16(v, k).good() && v == k + 1,
                  file << ": NM Slice Vector (0054,0080) value " << k + 1 << " is " << v << ", where frame " << k + 1
                       << " of a volume is slice " << k + 1 << " (the reader stacks frames in file order)");
    }
  }
}

// A dynamic or gated PET series repeats every slice position once per frame or gate; the
// slice-stack check would refuse it as duplicated slices, which hides the reason.
void check_one_time_frame(DcmDataset* ds, const std::string& file) {
  Uint16 n = 1;
  if (ds->findAndGetUint16(DCM_NumberOfTimeSlices, n).good() && n > 1)
    throw InputError(file + ": Number of Time Slices (0054,0101) = " + std::to_string(n) +
                     ": a dynamic series of " + std::to_string(n) +
                     " time frames; betadose needs one static image (export one frame, or the static "
                     "reconstruction)");
  n = 1;
  if (ds->findAndGetUint16(DCM_NumberOfTimeSlots, n).good() && n > 1)
    throw InputError(file + ": Number of Time Slots (0054,0071) = " + std::to_string(n) +
                     ": a gated series; betadose needs one static image (the ungated reconstruction)");
}

void check_nm_frame_geometry(DcmDataset* ds, const std::string& file, Sint32 frames) {
  OFString modality;
  ds->findAndGetOFString(DCM_Modality, modality);
  BD_VALIDATE(trim(modality.c_str()) == "NM",
              file << ": a multi-frame " << (modality.empty() ? std::string("image") : trim(modality.c_str()) + " image")
                   << " without per-frame planes (Per-frame Functional Groups Sequence (5200,9230)): where its "
                      "frames lie is unknown");
  check_nm_frames_are_slices(ds, file, frames);
  DcmItem* detector = nullptr;
  BD_VALIDATE(ds->findAndGetSequenceItem(DCM_DetectorInformationSequence, detector, 0).good() && detector,
              file << ": NM multi-frame image without a Detector Information Sequence (0054,0022): its position "
                      "in the patient is unknown (the reader would put it at the origin); convert it to NIfTI with "
                      "the position the reconstruction used");
  read_doubles<3>(detector, DCM_ImagePositionPatient, file + ": Detector Information Sequence (0054,0022)",
                  "Image Position (Patient) (0020,0032)");
  read_doubles<6>(detector, DCM_ImageOrientationPatient, file + ": Detector Information Sequence (0054,0022)",
                  "Image Orientation (Patient) (0020,0037)");
  Float64 step = 0;
  BD_VALIDATE(ds->findAndGetFloat64(DCM_SpacingBetweenSlices, step).good() && std::isfinite(step) && step > 0,
              file << ": NM multi-frame image without a positive Spacing Between Slices (0018,0088): the distance "
                      "between its slices is unknown (the reader would take 1 mm; Slice Thickness (0018,0050) is "
                      "not the spacing)");
}

// Slices (in the reader's order) that form a 3-D image: one orientation, origins on the first
// slice's normal, evenly spaced along it.
// Rows x columns of Image Orientation (Patient): the slice normal (unit length for a valid IOP).
std::array<double, 3> slice_normal(const std::array<double, 6>& iop) {
  return {iop[1] * iop[5] - iop[2] * iop[4], iop[2] * iop[3] - iop[0] * iop[5], iop[0] * iop[4] - iop[1] * iop[3]};
}

double dot(const std::array<double, 3>& a, const std::array<double, 3>& b) {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

void check_slice_stack(const std::vector<SlicePlane>& planes, const std::string& what) {
  if (planes.size() < 2) return;
  const auto& iop = planes.front().iop;
  std::array<double, 3> normal = slice_normal(iop);
  const double n = std::sqrt(normal[0] * normal[0] + normal[1] * normal[1] + normal[2] * normal[2]);
  BD_VALIDATE(n > 0.5, planes.front().label << ": Image Orientation (Patient) (0020,0037) rows and columns are parallel");
  for (auto& c : normal) c /= n;
  const auto& first = planes.front();
  std::vector<double> positions;  // along the normal [mm]
  for (const SlicePlane& p : planes) {
    for (int i = 0; i < 6; ++i)
      BD_VALIDATE(std::abs(p.iop[std::size_t(i)] - iop[std::size_t(i)]) < 1e-4,
                  p.label << ": Image Orientation (Patient) (0020,0037) differs from " << first.label
                          << "'s: one series must have one orientation");
    positions.push_back(dot(p.ipp, normal));
    // Slices must stack along their normal. A gantry-tilted (or otherwise sheared) series moves
    // each slice's origin within the slice plane as well; a 3-D image has no shear, so ITK's
    // reader would silently place every slice but the first where it is not (by up to
    // tan(tilt) x the series' length: 10 mm per 2 cm at 27 degrees).
    const std::array<double, 3> d{p.ipp[0] - first.ipp[0], p.ipp[1] - first.ipp[1], p.ipp[2] - first.ipp[2]};
    const double along = dot(d, normal);
    const double in_plane = std::sqrt(std::max(0.0, dot(d, d) - along * along));
    // Positions written to 0.1 mm (some scanners) move an oblique slice's origin by up to
    // 0.05 mm per axis, so 0.15 mm within the plane is rounding; a tilt grows with `along`.
    BD_VALIDATE(in_plane <= 0.15 + 1e-3 * std::abs(along),
                p.label << ": Image Position (Patient) (0020,0032) lies " << format_g(in_plane, 4)
                        << " mm within the slice plane from " << first.label << "'s, " << format_g(along, 6)
                        << " mm along the normal: the slices are sheared (gantry tilt of "
                        << format_g(std::atan2(in_plane, std::abs(along)) * 57.29577951308232, 3)
                        << " degrees?); betadose needs slices stacked along their normal: resample the series "
                           "(e.g. 3D Slicer's DICOM import with acquisition geometry regularization)");
  }
  if (positions.size() < 3) {
    BD_VALIDATE(std::abs(positions[1] - positions[0]) > 1e-3,
                planes[1].label << ": has the Image Position (0020,0032) of " << first.label << " (duplicate slice)");
    return;
  }
  // Even steps between consecutive slices (in the order the reader uses), compared with the
  // reader's step: ITK's ImageSeriesReader spaces the volume by (last - first) / (N - 1).
  // Positions are decimal strings that scanners round (to 0.01 or 0.1 mm: 0.625 mm slices then
  // step 0.62/0.63 or 0.6/0.7 mm), so a step may differ from that by 20 % + 0.01 mm and a slice
  // may lie 10 % + 0.01 mm off its place on the even lattice (a tenth of a voxel at most).
  // A missing or duplicated slice moves one step by a whole step (by 1 - 1/(N - 1) of it for a
  // missing slice of N), and a misplaced one its neighbours' by half a step.
  std::vector<double> steps;
  for (std::size_t k = 1; k < positions.size(); ++k) steps.push_back(positions[k] - positions[k - 1]);
  const double step = (positions.back() - positions.front()) / double(positions.size() - 1);
  BD_VALIDATE(std::abs(step) > 1e-3, what << ": slices lie at the same position along the normal (duplicates)");
  const double step_tolerance = 0.2 * std::abs(step) + 0.01, place_tolerance = 0.1 * std::abs(step) + 0.01;
  for (std::size_t k = 1; k < positions.size(); ++k) {
    const double d = steps[k - 1];
    BD_VALIDATE(std::abs(d - step) <= step_tolerance,
                planes[k].label << ": lies " << format_g(d, 6) << " mm from the previous slice " << planes[k - 1].label
                                << " along the slice normal, where the series steps " << format_g(step, 6)
                                << " mm on average: a missing, duplicated or misplaced slice (Image Position (Patient) "
                                   "(0020,0032)); betadose needs evenly spaced slices");
  }
  for (std::size_t k = 1; k < positions.size(); ++k) {
    const double off = positions[k] - (positions.front() + double(k) * step);
    BD_VALIDATE(std::abs(off) <= place_tolerance,
                planes[k].label << ": lies " << format_g(off, 4) << " mm along the slice normal from where evenly "
                                << "spaced slices (" << format_g(step, 6) << " mm from " << first.label
                                << ") put it, more than the rounding of Image Position (Patient) (0020,0032) "
                                   "explains: the slices are not evenly spaced");
  }
}

// "R x C pixels of X x Y mm": a slice's pixel grid, for the one-grid-per-series message.
std::string grid_text(Uint16 rows, Uint16 cols, const std::array<double, 2>& spacing) {
  return std::to_string(rows) + " x " + std::to_string(cols) + " pixels of " +
         (spacing[0] > 0 ? format_g(spacing[0], 8) + " x " + format_g(spacing[1], 8) + " mm"
                         : std::string("(no Pixel Spacing)"));
}

// Byte-for-byte equality of two files from the given offsets on (copies of one SOP instance).
bool same_bytes(const std::string& a, std::uintmax_t from_a, const std::string& b, std::uintmax_t from_b) {
  std::error_code ec_a, ec_b;
  const std::uintmax_t size_a = std::filesystem::file_size(a, ec_a), size_b = std::filesystem::file_size(b, ec_b);
  if (ec_a || ec_b || size_a < from_a || size_b < from_b || size_a - from_a != size_b - from_b) return false;
  std::ifstream x(a, std::ios::binary), y(b, std::ios::binary);
  x.seekg(std::streamoff(from_a));
  y.seekg(std::streamoff(from_b));
  std::vector<char> p(1 << 16), q(1 << 16);
  while (x && y) {
    x.read(p.data(), std::streamsize(p.size()));
    y.read(q.data(), std::streamsize(q.size()));
    if (x.gcount() != y.gcount() || !std::equal(p.begin(), p.begin() + x.gcount(), q.begin())) return false;
  }
  return x.eof() && y.eof();
}

// Where a Part 10 file's data set starts: after the preamble, "DICM" and the file meta group,
// whose (0002,0000) group length counts the bytes after that 12-byte element. Two exports of
// one instance differ there (source AE title, implementation version), not in the data set.
// 0 (the whole file) when the group length is absent.
std::uintmax_t data_set_offset(DcmFileFormat& ff) {
  Uint32 group_length = 0;
  if (ff.getMetaInfo() == nullptr ||
      ff.getMetaInfo()->findAndGetUint32(DCM_FileMetaInformationGroupLength, group_length).bad())
    return 0;
  return 132u + 12u + group_length;
}

// A US/SS (or implicit-VR "xs") value of the pixel-value domain, read as Pixel Representation
// (0028,0103) says: 0 unsigned, 1 two's complement (a padding of 63536 in an SS series is -2000).
bool stored_pixel_value(DcmItem* item, const DcmTagKey& tag, bool signed_pixels, double* out) {
  DcmElement* el = nullptr;
  if (item->findAndGetElement(tag, el).bad() || el == nullptr || el->getLength() < 2) return false;
  Uint16 bits = 0;
  if (el->ident() == EVR_SS) {
    Sint16 v = 0;
    if (el->getSint16(v).bad()) return false;
    bits = static_cast<Uint16>(v);
  } else if (el->getUint16(bits).bad()) {
    return false;
  }
  *out = signed_pixels ? double(static_cast<Sint16>(bits)) : double(bits);
  return true;
}

// Rescale Slope/Intercept (the modality LUT) as GDCM applies it: top level, else the shared
// functional group's Pixel Value Transformation, else frame 1's (enhanced multi-frame images).
bool read_lut(DcmItem* item, double* slope, double* intercept) {
  Float64 m = 1, b = 0;
  if (item == nullptr || item->findAndGetFloat64(DCM_RescaleSlope, m).bad()) return false;
  if (std::isfinite(m) && m != 0) *slope = m;
  if (item->findAndGetFloat64(DCM_RescaleIntercept, b).good() && std::isfinite(b)) *intercept = b;
  return true;
}

DcmItem* frame_transform(DcmDataset* ds, const DcmTagKey& group_sequence, Sint32 frame) {
  DcmItem* group = nullptr;
  DcmItem* transform = nullptr;
  if (ds->findAndGetSequenceItem(group_sequence, group, frame).good() && group &&
      group->findAndGetSequenceItem(DCM_PixelValueTransformationSequence, transform, 0).good())
    return transform;
  return nullptr;
}

void modality_lut(DcmDataset* ds, double* slope, double* intercept) {
  if (read_lut(ds, slope, intercept)) return;
  if (read_lut(frame_transform(ds, DCM_SharedFunctionalGroupsSequence, 0), slope, intercept)) return;
  read_lut(frame_transform(ds, DCM_PerFrameFunctionalGroupsSequence, 0), slope, intercept);
}

// GDCM applies one rescale to every frame of a multi-frame file (frame 1's when the frames
// carry their own): frames whose slopes or intercepts differ would be read with wrong values.
void check_frames_share_rescale(DcmDataset* ds, const std::string& file, Sint32 frames) {
  double slope0 = 1, intercept0 = 0;
  if (!read_lut(frame_transform(ds, DCM_PerFrameFunctionalGroupsSequence, 0), &slope0, &intercept0)) return;
  for (Sint32 k = 1; k < frames; ++k) {
    double slope = 1, intercept = 0;
    if (!read_lut(frame_transform(ds, DCM_PerFrameFunctionalGroupsSequence, k), &slope, &intercept)) continue;
    BD_VALIDATE(std::abs(slope - slope0) <= 1e-9 * std::abs(slope0) && std::abs(intercept - intercept0) <= 1e-9 * (1 + std::abs(intercept0)),
                file << " frame " << k + 1 << ": Rescale Slope/Intercept " << slope << "/" << intercept
                     << " (Pixel Value Transformation (0028,9145)) differ from frame 1's " << slope0 << "/" << intercept0
                     << ": the reader applies one rescale to every frame; convert the file to one with one rescale "
                        "(or a series of single-frame files)");
  }
}

DicomSeriesCheck::Padding padding_of(DcmDataset* ds) {
  DicomSeriesCheck::Padding p;
  Uint16 representation = 0;
  ds->findAndGetUint16(DCM_PixelRepresentation, representation);
  double value = 0;
  if (!stored_pixel_value(ds, DCM_PixelPaddingValue, representation == 1, &value)) return p;
  p.present = true;
  p.stored_low = p.stored_high = value;
  double limit = 0;
  if (stored_pixel_value(ds, DCM_PixelPaddingRangeLimit, representation == 1, &limit)) {
    p.stored_low = std::min(value, limit);
    p.stored_high = std::max(value, limit);
  }
  modality_lut(ds, &p.slope, &p.intercept);
  return p;
}

// The unit of a Real World Value Mapping item (its Measurement Units Code Sequence, UCUM):
// an activity concentration with its factor to Bq/ml, counts (factor 0), or neither (-1).
double real_world_unit_factor(const std::string& code) {
  std::string c;
  for (char ch : code)
    if (!std::isspace(static_cast<unsigned char>(ch))) c += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  static const std::map<std::string, double> kConcentration = {
      {"bq/ml", 1.0}, {"bq/cm3", 1.0}, {"kbq/ml", 1e3}, {"kbq/cm3", 1e3}, {"mbq/ml", 1e6}, {"mbq/cm3", 1e6}};
  if (const auto it = kConcentration.find(c); it != kConcentration.end()) return it->second;
  if (c == "{counts}" || c == "{cnts}" || c == "counts" || c == "cnts" || c == "{count}") return 0.0;
  return -1.0;
}

// The Real World Value Mapping of an NM file (dicom_header.hh): the activity-concentration
// item, else the counts item; two items of that kind that disagree, or one given only as a
// lookup table, are refused.
DicomSeriesCheck::RealWorldMapping real_world_of(DcmDataset* ds, const std::string& file, bool nm,
                                                 std::vector<std::string>* notes) {
  DicomSeriesCheck::RealWorldMapping best;
  DcmSequenceOfItems* seq = nullptr;
  if (!nm || ds->findAndGetSequence(DCM_RealWorldValueMappingSequence, seq).bad() || seq == nullptr) return best;
  int best_rank = 0;  // 2: a concentration, 1: counts
  std::vector<std::string> others;
  for (unsigned long i = 0; i < seq->card(); ++i) {
    DcmItem* item = seq->getItem(i);
    DcmItem* unit = nullptr;
    std::string code, meaning;
    if (item->findAndGetSequenceItem(DCM_MeasurementUnitsCodeSequence, unit, 0).good() && unit) {
      code = value_of(unit, DCM_CodeValue);
      meaning = value_of(unit, DCM_CodeMeaning);
    }
    const double factor = real_world_unit_factor(code);
    const std::string label = "item " + std::to_string(i + 1) + " (units '" + code + "'" +
                              (meaning.empty() ? "" : ", " + meaning) + ")";
    if (factor < 0) {
      others.push_back(label);
      continue;
    }
    Float64 slope = 0, intercept = 0;
    BD_VALIDATE(item->findAndGetFloat64(DCM_RealWorldValueSlope, slope).good() && std::isfinite(slope) && slope != 0,
                file << ": Real World Value Mapping (0040,9096) " << label
                     << " has no finite, non-zero Real World Value Slope (0040,9225) (a mapping by lookup table, "
                        "(0040,9212), is not read): its pixel values cannot be turned into "
                     << (factor > 0 ? "activity" : "counts"));
    item->findAndGetFloat64(DCM_RealWorldValueIntercept, intercept);
    BD_VALIDATE(std::isfinite(intercept), file << ": Real World Value Mapping (0040,9096) " << label
                                               << ": Real World Value Intercept (0040,9224) is not finite");
    const int rank = factor > 0 ? 2 : 1;
    const double scale = factor > 0 ? factor : 1.0;
    if (rank == best_rank) {
      BD_VALIDATE(std::abs(slope * scale - best.slope) <= 1e-9 * std::abs(best.slope) &&
                      std::abs(intercept * scale - best.intercept) <= 1e-9 * (1 + std::abs(best.intercept)),
                  file << ": Real World Value Mapping (0040,9096) " << label << " maps the pixels to " << best.units
                       << " with another slope/intercept than " << best.what << ": which one holds is not known");
      continue;
    }
    if (rank < best_rank) continue;
    best_rank = rank;
    best.present = true;
    best.slope = slope * scale;
    best.intercept = intercept * scale;
    best.units = factor > 0 ? "Bq/ml" : "counts";
    best.what = label + ": slope " + format_g(slope, 8) + ", intercept " + format_g(intercept, 8);
  }
  if (!others.empty() && notes->empty()) {
    std::string list;
    for (const auto& o : others) list += (list.empty() ? "" : "; ") + o;
    notes->push_back(file + ": Real World Value Mapping (0040,9096) " + list +
                     " not used (neither an activity concentration nor counts)");
  }
  if (best.present) modality_lut(ds, &best.lut_slope, &best.lut_intercept);
  return best;
}

// A file of a series with its header loaded (elements over kMaxReadLength left on disk).
struct LoadedFile {
  std::string file;
  std::unique_ptr<DcmFileFormat> ff;
  DcmDataset* ds() const { return ff->getDataset(); }
};

// The series' headers, each file loaded once, less later copies of one SOP Instance UID whose
// data sets are byte-identical (a CD export or a re-sent series holds some files twice); two
// files with one UID and other contents are refused.
std::vector<LoadedFile> load_without_identical_copies(const std::vector<std::string>& files, const std::string& what,
                                                      std::size_t* dropped, std::vector<std::string>* notes) {
  std::vector<LoadedFile> kept;
  std::map<std::string, std::pair<std::string, std::uintmax_t>> first_file_of_sop;  // UID -> file, data set offset
  std::string first_copy;
  for (const std::string& file : files) {
    require_input_file(file, what + ":");
    check_part10(file);
    LoadedFile loaded{file, std::make_unique<DcmFileFormat>()};
    const std::string sop = value_of(load(*loaded.ff, file), DCM_SOPInstanceUID);
    if (!sop.empty() && files.size() > 1) {
      const std::uintmax_t offset = data_set_offset(*loaded.ff);
      const auto [seen, fresh] = first_file_of_sop.emplace(sop, std::make_pair(file, offset));
      if (!fresh) {
        const auto& [first, first_offset] = seen->second;
        BD_VALIDATE(same_bytes(first, first_offset, file, offset),
                    file << ": has the SOP Instance UID (0008,0018) " << sop << " of " << first
                         << " but another data set: two different images claim to be one; remove the wrong one");
        if ((*dropped)++ == 0) first_copy = file + " (a copy of " + first + ")";
        continue;
      }
    }
    kept.push_back(std::move(loaded));
  }
  if (*dropped > 0)
    notes->push_back(std::to_string(*dropped) + " file(s) left out as copies of another file of the series (one SOP " +
                     "Instance UID, byte-identical data sets), e.g. " + first_copy);
  return kept;
}

}  // namespace

DicomSeriesIdentity read_series_identity(const std::string& file) {
  OFLog::configure(OFLogger::FATAL_LOG_LEVEL);
  DcmFileFormat ff;
  return series_identity_of(load(ff, file));
}

DicomSeriesIdentity series_identity_of(DcmDataset* ds) {
  DicomSeriesIdentity id;
  id.modality = upper_trimmed(value_of(ds, DCM_Modality));
  id.image_type = value_of(ds, DCM_ImageType);
  id.series_description = value_of(ds, DCM_SeriesDescription);
  id.study_uid = value_of(ds, DCM_StudyInstanceUID);
  Sint32 frames = 1;
  if (ds->findAndGetSint32(DCM_NumberOfFrames, frames).good() && frames > 1) id.frames = frames;
  OFString type3;
  OFString type4;
  if (id.modality == "NM" && ds->findAndGetOFString(DCM_ImageType, type4, 3).good() &&
      upper_trimmed(type4.c_str()) == "TRANSMISSION")
    id.nm_no_volume = true;  // an attenuation map, not emission
  const bool have_type3 = ds->findAndGetOFString(DCM_ImageType, type3, 2).good();
  id.localizer = have_type3 && upper_trimmed(type3.c_str()).find("LOCALIZER") != std::string::npos;
  id.nm_no_volume = id.nm_no_volume || (have_type3 && id.modality == "NM" && nm_acquisition_is_no_volume(trim(type3.c_str())));
  return id;
}

namespace {
// Every file of a series maps its values the same way, or none does: a series half in counts
// and half in Bq/ml (or half unmapped) has no one meaning.
void finish_real_world(DicomSeriesCheck& result, bool any, const std::vector<std::string>& notes) {
  for (const auto& n : notes) result.notes.push_back(n);
  if (!any) {
    result.real_world.clear();
    return;
  }
  std::size_t ref = 0;
  while (!result.real_world[ref].present) ++ref;
  const auto& first = result.real_world[ref];
  for (std::size_t k = 0; k < result.real_world.size(); ++k) {
    const auto& m = result.real_world[k];
    BD_VALIDATE(m.present && m.units == first.units,
                result.files[k] << ": " << (m.present ? "a Real World Value Mapping (0040,9096) to " + m.units
                                                      : std::string("no Real World Value Mapping (0040,9096)"))
                                << ", where " << result.files[ref] << " maps its pixels to " << first.units
                                << ": one series must give its values one meaning");
  }
}
}  // namespace

DicomSeriesCheck check_dicom_series(const std::vector<std::string>& all_files, const std::string& what) {
  BD_VALIDATE(!all_files.empty(), what << ": DICOM series without files");
  DicomSeriesCheck result;
  OFLog::configure(OFLogger::FATAL_LOG_LEVEL);  // the InputError below says what is wrong
  std::vector<SlicePlane> planes;  // one per file, in slice order
  bool any_padding = false, any_real_world = false;
  std::vector<std::string> real_world_notes;
  // Copies first: a folder holding one multi-frame file twice is a series of one file.
  std::size_t dropped_copies = 0;
  const std::vector<LoadedFile> loaded = load_without_identical_copies(all_files, what, &dropped_copies, &result.notes);
  result.identity = series_identity_of(loaded.front().ds());
  Uint16 first_rows = 0, first_cols = 0;
  std::array<double, 2> first_spacing{0.0, 0.0};
  for (std::size_t k = 0; k < loaded.size(); ++k) {
    const std::string& file = loaded[k].file;
    DcmDataset* ds = loaded[k].ds();
    check_geometry_multiplicity(ds, file);
    check_element_lengths(ds, file);
    if (k == 0) check_one_time_frame(ds, file);
    const DicomSeriesCheck::Padding padding = padding_of(ds);
    any_padding = any_padding || padding.present;
    result.padding.push_back(padding);
    result.real_world.push_back(real_world_of(ds, file, result.identity.modality == "NM", &real_world_notes));
    any_real_world = any_real_world || result.real_world.back().present;
    result.files.push_back(file);
    Uint16 rows = 0, cols = 0, bits = 0, samples = 1;
    BD_VALIDATE(ds->findAndGetUint16(DCM_Rows, rows).good() && ds->findAndGetUint16(DCM_Columns, cols).good() &&
                    rows > 0 && cols > 0,
                file << ": Rows (0028,0010) / Columns (0028,0011) missing or zero");
    BD_VALIDATE(ds->findAndGetUint16(DCM_BitsAllocated, bits).good() && bits > 0 && bits % 8 == 0 && bits <= 64,
                file << ": Bits Allocated (0028,0100) missing or not a whole number of bytes");
    ds->findAndGetUint16(DCM_SamplesPerPixel, samples);
    Sint32 frames = 1;
    OFString frames_text;
    if (ds->findAndGetOFString(DCM_NumberOfFrames, frames_text).good() && !frames_text.empty())
      frames = static_cast<Sint32>(parse_whole(trim(frames_text.c_str()), file + ": Number of Frames (0028,0008)", 1,
                                               1 << 20));
    // Compressed pixel data are decoded to this size (and converted to float) per file.
    require_memory(double(rows) * cols * (bits / 8 + 4.0) * std::max<Uint16>(samples, 1) * frames * double(loaded.size()),
                   file + ": " + std::to_string(rows) + " x " + std::to_string(cols) + " pixels x " +
                       std::to_string(frames) + " frames x " + std::to_string(loaded.size()) + " files",
                   "a smaller series");
    DcmElement* pixels = nullptr;
    BD_VALIDATE(ds->findAndGetElement(DCM_PixelData, pixels).good() && pixels != nullptr,
                file << ": no Pixel Data (7FE0,0010)");
    const E_TransferSyntax xfer = ds->getOriginalXfer();
    if (result.lossy_compression.empty()) {
      const std::string lossy = lossy_compression_of(ds, xfer);
      if (!lossy.empty()) result.lossy_compression = file + ": " + lossy;
    }
    const bool native = DcmXfer(xfer).isNotEncapsulated();
    if (native) {
      const double want = double(rows) * cols * (bits / 8) * std::max<Uint16>(samples, 1) * frames;
      const double have = pixels->getLength();
      BD_VALIDATE(have >= want, file << ": Pixel Data (7FE0,0010) holds " << have << " bytes, Rows x Columns x Bits "
                                     << "Allocated/8 x Samples x Frames = " << want << " (truncated file?)");
    }
    if (loaded.size() == 1) {
      // One file: an enhanced multi-frame image keeps each frame's plane in its functional
      // groups (GDCM falls back to 1 mm voxels on frames it cannot stack: checked here); a
      // classic multi-frame NM file's frames are evenly spaced by construction.
      const std::vector<SlicePlane> planes_of_frames = frame_planes(ds, file, frames);
      check_frames_share_rescale(ds, file, frames);
      if (planes_of_frames.empty() && frames > 1) check_nm_frame_geometry(ds, file, frames);
      check_slice_stack(planes_of_frames, what);
      if (!any_padding) result.padding.clear();
      finish_real_world(result, any_real_world, real_world_notes);
      return result;
    }
    planes.push_back({file, read_doubles<3>(ds, DCM_ImagePositionPatient, file, "Image Position (Patient) (0020,0032)"),
                      read_doubles<6>(ds, DCM_ImageOrientationPatient, file, "Image Orientation (Patient) (0020,0037)")});
    // The reader takes the first slice's pixel grid for all: another size is an ITK error,
    // another Pixel Spacing (0028,0030) would be ignored in silence.
    std::array<double, 2> spacing{0.0, 0.0};  // absent: 0
    for (unsigned long i = 0; i < 2; ++i) {
      Float64 v = 0;
      if (ds->findAndGetFloat64(DCM_PixelSpacing, v, i).good() && std::isfinite(v)) spacing[i] = v;
    }
    if (k == 0) {
      first_rows = rows;
      first_cols = cols;
      first_spacing = spacing;
    }
    BD_VALIDATE(rows == first_rows && cols == first_cols &&
                    std::abs(spacing[0] - first_spacing[0]) <= 1e-4 * first_spacing[0] &&
                    std::abs(spacing[1] - first_spacing[1]) <= 1e-4 * first_spacing[1],
                file << ": " << grid_text(rows, cols, spacing) << " (Rows, Columns, Pixel Spacing (0028,0030)), where "
                     << loaded.front().file << " has " << grid_text(first_rows, first_cols, first_spacing)
                     << ": one series must have one pixel grid");
  }
  if (dropped_copies > 0 && planes.size() == result.files.size()) {
    // GDCM could not sort slices that share a position and left the series in name order:
    // the kept files are put in order along the slice normal, as GDCM's own sort does.
    const std::array<double, 3> normal = slice_normal(planes.front().iop);
    std::vector<std::size_t> order(planes.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return dot(planes[a].ipp, normal) < dot(planes[b].ipp, normal); });
    auto permuted = [&](const auto& v) {
      std::decay_t<decltype(v)> out;
      for (std::size_t i : order) out.push_back(v[i]);
      return out;
    };
    planes = permuted(planes);
    result.files = permuted(result.files);
    result.padding = permuted(result.padding);
    result.real_world = permuted(result.real_world);
  }
  if (!any_padding) result.padding.clear();
  finish_real_world(result, any_real_world, real_world_notes);
  check_slice_stack(planes, what);
  return result;
}

}  // namespace bd
