// DICOM RT Structure Set reader (include/betadose/rtstruct_io.hh), DCMTK dcmrt.
#include "betadose/rtstruct_io.hh"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/oflog/oflog.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcvr.h>
#include <dcmtk/dcmrt/drtstrct.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include "betadose/errors.hh"
#include "betadose/text_parse.hh"

namespace bd {

// No patient coordinate is a kilometre from the origin; one such point made the rasteriser
// lay scan rows over its whole extent (minutes and gigabytes for 1e8 mm).
constexpr double kMaxContourCoordinateMm = 1e6;

StructureSet read_rtstruct(const std::string& path) {
  std::error_code ec;
  BD_VALIDATE(std::filesystem::is_regular_file(path, ec), path << ": no such file");
  // DCMTK warns on stderr about every absent type 2 attribute; only errors matter here.
  OFLog::configure(OFLogger::ERROR_LOG_LEVEL);
  // A Contour Data element over 64 KiB cannot have its DS length in explicit VR, so writers
  // store it as UN; DCMTK reads it as the dictionary's DS only with this (process-wide)
  // switch, set for this read only.
  struct UnknownVrAsDictionary {
    OFBool before = dcmEnableUnknownVRConversion.get();
    UnknownVrAsDictionary() { dcmEnableUnknownVRConversion.set(OFTrue); }
    ~UnknownVrAsDictionary() { dcmEnableUnknownVRConversion.set(before); }
  } unknown_vr;
  DcmFileFormat ff;
  OFCondition st = ff.loadFile(path.c_str());
  BD_VALIDATE(st.good(), path << ": cannot be read as DICOM (" << st.text() << ")");
  // ROI names in Latin-1 (ISO_IR 100) and the like become UTF-8 (HDF5 names, --mask lookups);
  // a character set DCMTK cannot convert leaves the bytes as they are (checked as ROI names).
  ff.convertToUTF8();
  DRTStructureSetIOD rt;
  st = rt.read(*ff.getDataset());
  BD_VALIDATE(st.good(), path << ": not a readable RT Structure Set (" << st.text() << ")");
  OFString sop, modality;
  rt.getSOPClassUID(sop);
  rt.getModality(modality);
  BD_VALIDATE(sop == UID_RTStructureSetStorage || modality == "RTSTRUCT",
              path << ": not an RT Structure Set (SOP Class UID (0008,0016) '" << sop.c_str()
                   << "', Modality (0008,0060) '" << modality.c_str() << "')");
  StructureSet s;
  s.path = path;
  OFString label;
  rt.getStructureSetLabel(label);
  s.label = trim(label.c_str());

  std::map<Sint32, std::size_t> by_number;
  auto& rois = rt.getStructureSetROISequence();
  for (size_t i = 0; i < rois.getNumberOfItems(); ++i) {
    auto& item = rois.getItem(i);
    RtStructRoi roi;
    Sint32 number = 0;
    BD_VALIDATE(item.getROINumber(number).good(),
                path << ": Structure Set ROI Sequence (3006,0020) item " << i + 1
                     << " has no ROI Number (3006,0022)");
    OFString name, frame;
    item.getROIName(name);
    item.getReferencedFrameOfReferenceUID(frame);
    roi.number = number;
    roi.name = trim(name.c_str());
    // Latin-1 bytes left by a file without Specific Character Set (0008,0005), which DICOM's
    // default repertoire (ASCII) does not allow but older systems write: read as ISO 8859-1.
    if (!valid_utf8(roi.name)) roi.name = latin1_to_utf8(roi.name);
    BD_VALIDATE(!roi.name.empty(), path << ": ROI number " << number << " has an empty ROI Name (3006,0026)");
    roi.frame_of_reference_uid = trim(frame.c_str());
    if (s.frame_of_reference_uid.empty()) s.frame_of_reference_uid = roi.frame_of_reference_uid;
    BD_VALIDATE(by_number.count(number) == 0, path << ": ROI Number " << number << " is used twice");
    by_number[number] = s.rois.size();
    s.rois.push_back(roi);
  }
  auto& contours = rt.getROIContourSequence();
  for (size_t i = 0; i < contours.getNumberOfItems(); ++i) {
    auto& item = contours.getItem(i);
    Sint32 ref = 0;
    BD_VALIDATE(item.getReferencedROINumber(ref).good(),
                path << ": ROI Contour Sequence (3006,0039) item " << i + 1
                     << " has no Referenced ROI Number (3006,0084)");
    BD_VALIDATE(by_number.count(ref), path << ": ROI Contour Sequence (3006,0039) refers to ROI number "
                                           << ref << ", which (3006,0020) does not define");
    RtStructRoi& roi = s.rois[by_number[ref]];
    auto& seq = item.getContourSequence();
    for (size_t c = 0; c < seq.getNumberOfItems(); ++c) {
      auto& ci = seq.getItem(c);
      OFString type;
      ci.getContourGeometricType(type);
      if (trim(type.c_str()) != "CLOSED_PLANAR") {
        ++roi.skipped_contours;
        continue;
      }
      OFVector<Float64> data;
      ci.getContourData(data);
      Sint32 npts = 0;
      ci.getNumberOfContourPoints(npts);
      BD_VALIDATE(data.size() % 3 == 0 && (npts == 0 || std::size_t(npts) * 3 == data.size()),
                  path << ": ROI '" << roi.name << "' contour " << c + 1 << ": Contour Data (3006,0050) has "
                       << data.size() << " values for " << npts
                       << " points (Number of Contour Points (3006,0046); 3 values per point expected)");
      for (std::size_t v = 0; v < data.size(); ++v)
        BD_VALIDATE(std::isfinite(data[v]) && std::abs(data[v]) <= kMaxContourCoordinateMm,
                    path << ": ROI '" << roi.name << "' contour " << c + 1 << ": Contour Data (3006,0050) value "
                         << v + 1 << " is " << data[v] << " mm (finite, within " << kMaxContourCoordinateMm
                         << " mm of the origin expected)");
      PlanarContour pc;
      for (std::size_t p = 0; p + 2 < data.size(); p += 3) pc.points_mm.push_back({{data[p], data[p + 1], data[p + 2]}});
      pc.number = c + 1;
      const bool repeat = std::any_of(roi.contours.begin(), roi.contours.end(),
                                      [&](const PlanarContour& o) { return o.points_mm == pc.points_mm; });
      if (repeat) {
        ++roi.duplicate_contours;
        continue;
      }
      roi.contours.push_back(std::move(pc));
    }
  }
  return s;
}

}  // namespace bd
