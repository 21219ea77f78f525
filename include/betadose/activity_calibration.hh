// What the values of an activity image mean, and the factor that turns them into activity
// per voxel at the administration time (time zero of the dose to complete decay). Portable
// host code: the DICOM attributes arrive as text in a PetHeader (read by src/io).
//
// Units (--activity-units):
//   auto       DICOM: the Units attribute (0054,1001): BQML -> Bq/ml, GML -> SUVbw, CNTS ->
//              counts; an image without units (NIfTI, NRRD, MetaImage, NM without (0054,1001))
//              is a relative map, normalised to --total-activity-gbq (required then). An NM
//              image in Bq/ml by its Real World Value Mapping is quantitative as BQML when it
//              says its DecayCorrection (0054,1102); without it, the time of its values is
//              unknown: --activity-units bq-per-ml (taken at the administration) or a total.
//   bq         activity per voxel [Bq] (user maps); never a DICOM PET (those are per ml).
//   bq-per-ml  activity concentration [Bq/ml]; with a DICOM header its Units must be BQML.
//   counts     a relative map (any header), normalised to --total-activity-gbq.
//   suv        SUVbw; converted through the DICOM header (Units GML), else a relative map.
//
// Quantitative DICOM (BQML, GML). Let t_inj be the administration time (0018,1078)
// RadiopharmaceuticalStartDateTime, or (0018,1072) RadiopharmaceuticalStartTime on the series
// date), T the half-life (0018,1075) RadionuclideHalfLife, A_inj (0018,1074)
// RadionuclideTotalDose, W (0010,1030) PatientWeight. DecayCorrection (0054,1102) says to which
// time t_ref the values refer: START -> the series start (0008,0021/0031) SeriesDate/Time,
// ADMIN -> t_inj, NONE -> the acquisition time of each slice (0008,0022/0032). Then
//   BQML: C(t_ref) = value                                [Bq/ml]
//   GML:  C(t_ref) = value · A_inj · 2^(−(t_ref − t_inj)/T) / (1000 W)   (SUVbw, 1 g = 1 ml;
//         the vendor-neutral SUV definition, Kinahan et al., QIBA FDG-PET/CT profile 2016)
// and the activity at administration is C(t_inj) = C(t_ref) · 2^((t_ref − t_inj)/T) (the
// spheres stay where they are, so decay is the only change; for GML this is value·A_inj/W).
// A header lacking an attribute the conversion needs is an InputError naming the tag, unless
// --total-activity-gbq is given (the image is then used as a relative map). The header's
// half-life must agree with the nuclide transported within 1 % (else it is another tracer's
// image: InputError unless --total-activity-gbq).
#pragma once

#include <array>
#include <string>
#include <vector>

namespace bd {

// DICOM attributes as stored (trailing spaces removed); empty = absent.
struct PetHeader {
  std::string file;                 // the first file of the series (messages)
  std::string modality;             // (0008,0060)
  std::string units;                // (0054,1001)
  std::string decay_correction;     // (0054,1102)
  std::string series_date, series_time;  // (0008,0021), (0008,0031)
  std::string patient_weight_kg;    // (0010,1030)
  std::string injection_time;       // (0018,1072) in (0054,0016)
  std::string injection_datetime;   // (0018,1078) in (0054,0016)
  std::string injected_activity_bq; // (0018,1074) in (0054,0016)
  std::string half_life_s;          // (0018,1075) in (0054,0016)
  std::string radiopharmaceutical;  // (0018,0031) in (0054,0016)
  // The units an NM image's Real World Value Mapping (0040,9096) gave its values (the reader
  // applied it): "Bq/ml", "counts" or "" (ImageMetadata::value_units).
  std::string real_world_units;
  // (0008,0022)/(0008,0032) AcquisitionDate/Time of every slice, in slice order.
  std::vector<std::string> acquisition_date, acquisition_time;
};

enum class ActivityUnitsRequest { automatic, bq, bq_per_ml, counts, suv };
// "auto", "bq", "bq-per-ml", "counts", "suv"; InputError naming `option` otherwise.
ActivityUnitsRequest parse_activity_units_request(const std::string& text,
                                                  const std::string& option = "--activity-units");
const char* to_string(ActivityUnitsRequest request);

struct ActivityCalibration {
  std::string units;                // resolved: bq, bq-per-ml, suv (quantitative) or relative
  bool quantitative = false;        // false: a relative map (needs --total-activity-gbq)
  bool per_ml = false;              // values are concentrations: multiply by the voxel volume
  // Administration-time activity per unit value [Bq/value or Bq/ml per value]; per slice when
  // the values were not decay corrected (NONE): factor_per_slice[k], else one value.
  std::vector<double> factor_per_slice{1.0};
  double reference_factor = 1.0;    // Bq/ml at t_ref per value (BQML 1, GML A_inj(t_ref)/W)
  double decay_factor = 1.0;        // 2^((t_ref − t_inj)/T) of the first slice
  double hours_after_administration = 0;  // t_ref − t_inj of the first slice [h]
  double half_life_s = 0;           // used for the decay factor (0 = none needed)
  std::string reference_time;       // ISO 8601, or a description ("administration")
  std::string administration_time;  // ISO 8601 or ""
  std::string decay_correction;     // START / ADMIN / NONE / ""
  double header_injected_bq = 0;    // (0018,1074) RadionuclideTotalDose when readable and > 0, else 0
  bool measured = false;            // converted from a DICOM PET/SPECT header (a measurement, not a map)
  std::vector<std::string> lines;   // what was done, for the log (one line each)
  // Provenance: (quantity, value, source) triples.
  std::vector<std::array<std::string, 3>> provenance;
};

// `header` is null for a file without DICOM attributes. `total_given`: --total-activity-gbq
// is set (a missing attribute then makes the map relative instead of failing).
// `nuclide_half_life_s` is the transported nuclide's half-life (consistency check).
ActivityCalibration calibrate_activity(ActivityUnitsRequest request, const PetHeader* header,
                                       bool total_given, double nuclide_half_life_s,
                                       const std::string& nuclide, const std::string& path);

// Seconds since 1970-01-01 of a DICOM DA "YYYYMMDD" + TM "HHMMSS.FFFFFF" (also "HHMM", "HH",
// and the old "HH:MM:SS"), or of a DT "YYYYMMDDHHMMSS.FFFFFF&ZZXX" (offset applied).
// Throws InputError naming `what` for malformed text.
double dicom_date_time_s(const std::string& date, const std::string& time, const std::string& what);
double dicom_datetime_s(const std::string& datetime, const std::string& what);
// "2026-12-01 10:30:00" (UTC-less wall time of a value from dicom_*_s).
std::string iso_time(double seconds);

}  // namespace bd
