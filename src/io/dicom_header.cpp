// Quantitation attributes of a DICOM activity series (include/betadose/dicom_header.hh), read
// with DCMTK: the Radiopharmaceutical Information Sequence is nested, which ITK's GDCM
// dictionary does not expose.
#include "betadose/dicom_header.hh"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/oflog/oflog.h>
#include <dcmtk/dcmdata/dcitem.h>

#include "betadose/errors.hh"
#include "betadose/text_parse.hh"

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
  // Acquisition times per slice matter only for DecayCorrection NONE (not decay corrected).
  if (h.decay_correction == "NONE") {
    for (std::size_t k = 1; k < files.size(); ++k) {
      DcmFileFormat ff;
      DcmDataset* ds = load(ff, files[k]);
      h.acquisition_date.push_back(value_of(ds, DCM_AcquisitionDate));
      h.acquisition_time.push_back(value_of(ds, DCM_AcquisitionTime));
    }
  }
  return h;
}

}  // namespace bd
