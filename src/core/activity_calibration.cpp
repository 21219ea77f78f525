// Units of an activity image -> administration-time activity (include/betadose/activity_calibration.hh).
#include "betadose/activity_calibration.hh"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <iomanip>
#include <sstream>

#include "betadose/errors.hh"
#include "betadose/text_parse.hh"

namespace bd {
namespace {

std::string fmt(double v, int precision = 6) { return format_g(v, precision); }

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// Days from 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

double parse_date_days(std::string date, const std::string& what) {
  date = trim(date);
  date.erase(std::remove(date.begin(), date.end(), '.'), date.end());  // ACR-NEMA "YYYY.MM.DD"
  BD_VALIDATE(date.size() == 8 && all_digits(date),
              what << ": date '" << date << "' is not a DICOM date YYYYMMDD");
  const int y = std::stoi(date.substr(0, 4));
  const int m = std::stoi(date.substr(4, 2));
  const int d = std::stoi(date.substr(6, 2));
  BD_VALIDATE(m >= 1 && m <= 12 && d >= 1 && d <= 31, what << ": date '" << date << "' is not a valid date");
  return static_cast<double>(days_from_civil(y, unsigned(m), unsigned(d)));
}

double parse_time_s(std::string time, const std::string& what) {
  time = trim(time);
  time.erase(std::remove(time.begin(), time.end(), ':'), time.end());  // old "HH:MM:SS"
  const auto dot = time.find('.');
  const std::string whole = time.substr(0, dot);
  const std::string frac = dot == std::string::npos ? "" : time.substr(dot + 1);
  BD_VALIDATE((whole.size() == 2 || whole.size() == 4 || whole.size() == 6) && all_digits(whole) &&
                  (frac.empty() || all_digits(frac)),
              what << ": time '" << time << "' is not a DICOM time HHMMSS.FFFFFF");
  const int h = std::stoi(whole.substr(0, 2));
  const int mi = whole.size() >= 4 ? std::stoi(whole.substr(2, 2)) : 0;
  const double s = whole.size() >= 6 ? std::stod(whole.substr(4, 2) + (frac.empty() ? "" : "." + frac)) : 0.0;
  BD_VALIDATE(h < 24 && mi < 60 && s < 61, what << ": time '" << time << "' is out of range");
  return h * 3600.0 + mi * 60.0 + s;
}

// Raised for a missing or unusable attribute of a quantitative conversion; the caller falls
// back to a relative map when --total-activity-gbq is given.
struct MissingAttribute : InputError {
  using InputError::InputError;
};

double positive_attribute(const std::string& text, const std::string& tag, const std::string& file,
                          const std::string& unit) {
  if (trim(text).empty()) throw MissingAttribute(file + ": " + tag + " is missing");
  double v = 0;
  try {
    v = parse_number(trim(text), file, tag);
  } catch (const InputError& e) {
    throw MissingAttribute(e.what());
  }
  if (!(v > 0)) throw MissingAttribute(file + ": " + tag + " = " + trim(text) + " " + unit + " (expected > 0)");
  return v;
}

// Administration time [s]: (0018,1078) DT, else refuse (0018,1072) TM alone (its date is
// unknown: a day's error is a 23 % error in 90Y activity).
double administration_time_s(const PetHeader& h) {
  if (!trim(h.injection_datetime).empty())
    return dicom_datetime_s(h.injection_datetime, h.file + ": (0018,1078) RadiopharmaceuticalStartDateTime");
  if (!trim(h.injection_time).empty())
    throw MissingAttribute(
        h.file + ": (0018,1078) RadiopharmaceuticalStartDateTime is missing and (0018,1072) "
                 "RadiopharmaceuticalStartTime = " + trim(h.injection_time) +
        " gives no date, so the time from administration to the images is ambiguous by whole days");
  throw MissingAttribute(h.file + ": (0018,1078) RadiopharmaceuticalStartDateTime (administration "
                                  "time, in (0054,0016)) is missing");
}

void quantitative_dicom(ActivityCalibration& c, const PetHeader& h, bool gml,
                        double nuclide_half_life_s, const std::string& nuclide) {
  const std::string dc = upper_trimmed(h.decay_correction);
  if (dc.empty()) throw MissingAttribute(h.file + ": (0054,1102) DecayCorrection is missing");
  if (dc != "START" && dc != "ADMIN" && dc != "NONE")
    throw InputError(h.file + ": (0054,1102) DecayCorrection '" + dc +
                     "' is not one betadose knows (START, ADMIN, NONE)");
  c.decay_correction = dc;
  try {
    c.header_injected_bq = positive_attribute(h.injected_activity_bq, "(0018,1074) RadionuclideTotalDose", h.file, "Bq");
  } catch (const MissingAttribute&) {
    c.header_injected_bq = 0;  // only a cross-check for BQML (load_case.cpp); GML requires it below
  }
  double weight_kg = 0, injected_bq = 0;
  if (gml) {
    weight_kg = positive_attribute(h.patient_weight_kg, "(0010,1030) PatientWeight", h.file, "kg");
    injected_bq = positive_attribute(h.injected_activity_bq, "(0018,1074) RadionuclideTotalDose", h.file, "Bq");
    c.provenance.push_back({"patient_weight_kg", fmt(weight_kg), h.file + " (0010,1030) PatientWeight"});
    c.provenance.push_back({"injected_activity_bq", fmt(injected_bq), h.file + " (0018,1074) RadionuclideTotalDose"});
  }
  const bool need_decay = dc != "ADMIN";
  double half_life = 0;
  if (!trim(h.half_life_s).empty() || need_decay) {
    half_life = positive_attribute(h.half_life_s, "(0018,1075) RadionuclideHalfLife", h.file, "s");
    if (std::abs(half_life - nuclide_half_life_s) > 0.01 * nuclide_half_life_s)
      throw MissingAttribute(h.file + ": (0018,1075) RadionuclideHalfLife = " + fmt(half_life) + " s (" +
                             fmt(half_life / 3600, 4) + " h), but " + nuclide + " has " +
                             fmt(nuclide_half_life_s / 3600, 4) + " h: the image is of another tracer" +
                             (trim(h.radiopharmaceutical).empty() ? "" : " (" + trim(h.radiopharmaceutical) + ")"));
    c.half_life_s = half_life;
    c.provenance.push_back({"half_life_s", fmt(half_life), h.file + " (0018,1075) RadionuclideHalfLife"});
  }
  double t_inj = 0;
  bool have_t_inj = false;
  if (need_decay) {
    t_inj = administration_time_s(h);
    have_t_inj = true;
  } else if (!trim(h.injection_datetime).empty()) {
    t_inj = dicom_datetime_s(h.injection_datetime, h.file + ": (0018,1078) RadiopharmaceuticalStartDateTime");
    have_t_inj = true;
  }
  if (have_t_inj) {
    c.administration_time = iso_time(t_inj);
    c.provenance.push_back({"administration_time", c.administration_time,
                            h.file + " (0018,1078) RadiopharmaceuticalStartDateTime"});
  }

  // Reference time(s) of the values.
  std::vector<double> dt_s;  // t_ref - t_inj per slice (one value unless NONE)
  std::string ref_what;
  if (dc == "ADMIN") {
    dt_s = {0.0};
    c.reference_time = have_t_inj ? c.administration_time : "administration";
    ref_what = "(0054,1102) ADMIN: values refer to the administration";
  } else if (dc == "START") {
    if (trim(h.series_date).empty()) throw MissingAttribute(h.file + ": (0008,0021) SeriesDate is missing");
    if (trim(h.series_time).empty()) throw MissingAttribute(h.file + ": (0008,0031) SeriesTime is missing");
    double t = dicom_date_time_s(h.series_date, h.series_time, h.file + ": (0008,0021/0031) SeriesDate/Time");
    ref_what = "(0054,1102) START: values refer to the series start (0008,0021/0031)";
    // A Series Time after the first acquisition is not the scan's start (a series
    // reconstructed or re-saved later): the earliest Acquisition Date/Time is, as in QIBA's
    // vendor-neutral SUV algorithm (QIBA FDG-PET/CT profile, SUV calculation pseudo-code).
    // Unreadable acquisition times are left out of this check.
    double earliest = t;
    for (std::size_t k = 0; k < h.acquisition_time.size() && k < h.acquisition_date.size(); ++k) {
      if (trim(h.acquisition_date[k]).empty() || trim(h.acquisition_time[k]).empty()) continue;
      try {
        earliest = std::min(earliest, dicom_date_time_s(h.acquisition_date[k], h.acquisition_time[k], h.file));
      } catch (const InputError&) {
      }
    }
    if (earliest < t) {
      c.lines.push_back("  note: (0008,0021/0031) SeriesDate/Time " + iso_time(t) + " is " + fmt((t - earliest) / 60, 4) +
                        " min after the first acquisition (0008,0022/0032) " + iso_time(earliest) +
                        ": the series was made after the scan; the scan start is the first acquisition");
      ref_what = "(0054,1102) START: values refer to the scan start, the earliest (0008,0022/0032) "
                 "AcquisitionDate/Time (Series Time is later)";
      t = earliest;
    }
    dt_s = {t - t_inj};
    c.reference_time = iso_time(t);
  } else {
    const std::size_t n = h.acquisition_time.size();
    if (n == 0) throw MissingAttribute(h.file + ": (0008,0032) AcquisitionTime is missing");
    for (std::size_t k = 0; k < n; ++k) {
      const std::string date = k < h.acquisition_date.size() ? trim(h.acquisition_date[k]) : "";
      if (date.empty()) throw MissingAttribute(h.file + ": (0008,0022) AcquisitionDate is missing (slice " + std::to_string(k) + ")");
      if (trim(h.acquisition_time[k]).empty())
        throw MissingAttribute(h.file + ": (0008,0032) AcquisitionTime is missing (slice " + std::to_string(k) + ")");
      dt_s.push_back(dicom_date_time_s(date, h.acquisition_time[k], h.file + ": (0008,0022/0032) AcquisitionDate/Time") - t_inj);
    }
    c.reference_time = iso_time(t_inj + dt_s[0]);
    ref_what = "(0054,1102) NONE: values refer to each slice's acquisition (0008,0022/0032)";
  }
  for (double dt : dt_s)
    if (dt < -60.0)
      throw InputError(h.file + ": the images (" + c.reference_time + ") precede the administration (" +
                       c.administration_time + ") by " + fmt(-dt / 3600, 3) +
                       " h; check (0018,1078) and the series/acquisition times");
  const double ml_per_g = 1.0;  // SUVbw convention: 1 g of tissue = 1 ml
  c.factor_per_slice.clear();
  for (double dt : dt_s) {
    const double decay = half_life > 0 ? std::exp2(std::max(dt, 0.0) / half_life) : 1.0;
    const double ref = gml ? injected_bq / decay / (1000.0 * weight_kg) * ml_per_g : 1.0;
    c.factor_per_slice.push_back(ref * decay);
  }
  c.hours_after_administration = std::max(dt_s[0], 0.0) / 3600.0;
  c.decay_factor = half_life > 0 ? std::exp2(std::max(dt_s[0], 0.0) / half_life) : 1.0;
  c.reference_factor = c.factor_per_slice[0] / c.decay_factor;
  c.quantitative = true;
  c.measured = true;
  c.per_ml = true;
  c.units = gml ? "suv" : "bq-per-ml";
  std::ostringstream line;
  const bool unit_given = !upper_trimmed(h.units).empty();  // else --activity-units bq-per-ml said so
  line << "  units: " << (gml ? "GML = SUVbw" : unit_given ? "BQML = Bq/ml" : "Bq/ml")
       << (unit_given ? " ((0054,1001) of " + h.file + ")"
                      : " (--activity-units bq-per-ml; " + h.file + " has no (0054,1001) Units)")
       << "; " << ref_what;
  c.lines.push_back(line.str());
  std::ostringstream conv;
  conv << "  conversion: 1 " << (gml ? "SUV" : "Bq/ml") << " = " << fmt(c.reference_factor) << " Bq/ml at "
       << c.reference_time;
  if (gml)
    conv << " (A_inj " << fmt(injected_bq) << " Bq" << (dc == "ADMIN" ? "" : " decayed to that time")
         << " / W " << fmt(weight_kg) << " kg)";
  if (dc != "ADMIN")
    conv << ", " << fmt(c.hours_after_administration, 4) << " h after the administration at "
         << c.administration_time << ": x " << fmt(c.decay_factor) << " to the administration (T1/2 "
         << fmt(half_life / 3600, 5) << " h, (0018,1075))";
  conv << " -> " << fmt(c.factor_per_slice[0]) << " Bq/ml at administration per "
       << (gml ? "SUV" : "Bq/ml");
  if (c.factor_per_slice.size() > 1) {
    const auto [lo, hi] = std::minmax_element(c.factor_per_slice.begin(), c.factor_per_slice.end());
    if (*hi > *lo * (1 + 1e-9)) conv << " (slices " << fmt(*lo) << " to " << fmt(*hi) << ")";
  }
  c.lines.push_back(conv.str());
  c.provenance.push_back({"activity_units", c.units,
                          unit_given ? h.file + " (0054,1001) Units = " + upper_trimmed(h.units)
                                     : "--activity-units bq-per-ml (" + h.file + " has no (0054,1001) Units)"});
  c.provenance.push_back({"decay_correction", dc, h.file + " (0054,1102) DecayCorrection"});
  c.provenance.push_back({"activity_reference_time", c.reference_time, ref_what});
  c.provenance.push_back({"activity_factor_bq_per_ml_at_reference", fmt(c.reference_factor, 10), "computed"});
  c.provenance.push_back({"activity_decay_factor_to_administration", fmt(c.decay_factor, 10), "computed"});
}

ActivityCalibration relative_map(const std::string& why) {
  ActivityCalibration c;
  c.units = "relative";
  c.lines.push_back("  units: relative map (" + why + "), normalised to --total-activity-gbq");
  c.provenance.push_back({"activity_units", "relative", why});
  return c;
}

ActivityCalibration absolute_without_header(bool per_ml, const std::string& path) {
  ActivityCalibration c;
  c.units = per_ml ? "bq-per-ml" : "bq";
  c.quantitative = true;
  c.per_ml = per_ml;
  c.reference_time = "administration";
  c.lines.push_back(std::string("  units: ") + (per_ml ? "Bq/ml" : "Bq per voxel") +
                    " (--activity-units); " + path +
                    " carries no time: its values are taken as the activity at administration");
  c.provenance.push_back({"activity_units", c.units, "--activity-units"});
  c.provenance.push_back({"activity_reference_time", "administration", "assumed (no time in " + path + ")"});
  return c;
}

}  // namespace

ActivityUnitsRequest parse_activity_units_request(const std::string& text, const std::string& option) {
  if (text == "auto") return ActivityUnitsRequest::automatic;
  if (text == "bq") return ActivityUnitsRequest::bq;
  if (text == "bq-per-ml") return ActivityUnitsRequest::bq_per_ml;
  if (text == "counts") return ActivityUnitsRequest::counts;
  if (text == "suv") return ActivityUnitsRequest::suv;
  throw InputError(option + ": unknown activity unit '" + text +
                   "' (expected auto, bq, bq-per-ml, counts or suv)");
}

const char* to_string(ActivityUnitsRequest r) {
  switch (r) {
    case ActivityUnitsRequest::automatic: return "auto";
    case ActivityUnitsRequest::bq: return "bq";
    case ActivityUnitsRequest::bq_per_ml: return "bq-per-ml";
    case ActivityUnitsRequest::counts: return "counts";
    case ActivityUnitsRequest::suv: return "suv";
  }
  return "?";
}

ActivityCalibration calibrate_activity(ActivityUnitsRequest request, const PetHeader* header,
                                       bool total_given, double nuclide_half_life_s,
                                       const std::string& nuclide, const std::string& path) {
  const std::string units = header ? upper_trimmed(header->units) : "";
  const std::string where = header ? header->file : path;
  const std::string tag = "(0054,1001) Units = " + units + " of " + where;
  auto quantitative = [&](bool gml) {
    ActivityCalibration c;
    try {
      quantitative_dicom(c, *header, gml, nuclide_half_life_s, nuclide);
    } catch (const MissingAttribute& e) {
      if (!total_given)
        throw InputError(std::string(e.what()) + "; it is needed to convert " + (units.empty() ? "Bq/ml" : units) +
                         " to activity (or give --total-activity-gbq A to use the image as a "
                         "relative map normalised to A)");
      ActivityCalibration r = relative_map(std::string(e.what()) + "; header units " + (units.empty() ? "(none)" : units) + " not used");
      return r;
    }
    return c;
  };
  switch (request) {
    case ActivityUnitsRequest::automatic:
      if (units.empty() && header && header->real_world_units == "Bq/ml") {
        const std::string why = where + " is in Bq/ml by its Real World Value Mapping (0040,9096)";
        if (!trim(header->decay_correction).empty()) return quantitative(false);
        BD_VALIDATE(total_given, why << ", but has no (0054,1102) DecayCorrection, so the time its values refer to is "
                                        "not recorded: give --activity-units bq-per-ml to take them as the "
                                        "concentration at the administration, or --total-activity-gbq A to "
                                        "normalise the image to A");
        return relative_map(why + " without (0054,1102) DecayCorrection");
      }
      if (units.empty()) {
        const std::string why = header ? where + " has no (0054,1001) Units"
                                       : path + " carries no activity unit (not DICOM)";
        // NM (SPECT) pixels are counts; only a PET or a map file may be quantitative.
        BD_VALIDATE(total_given, why << (header && upper_trimmed(header->modality) == "NM"
                                            ? ": an NM image holds counts: give --total-activity-gbq A "
                                              "(the administered activity) to normalise it to A"
                                            : ": give --activity-units bq-per-ml for a quantitative map, or "
                                              "--total-activity-gbq A to normalise a relative map to A"));
        return relative_map(why);
      }
      if (units == "BQML") return quantitative(false);
      if (units == "GML") return quantitative(true);
      if (units == "CNTS") {
        BD_VALIDATE(total_given, tag << ": counts need --total-activity-gbq (the administered activity "
                                        "they are normalised to)");
        return relative_map(tag);
      }
      throw InputError(tag + ": not a unit betadose converts (BQML, GML, CNTS); give "
                             "--activity-units counts --total-activity-gbq A to use the image as a "
                             "relative map");
    case ActivityUnitsRequest::bq:
      BD_VALIDATE(!header, "--activity-units bq (activity per voxel) contradicts "
                               << (units.empty() ? "the DICOM image " + where : tag)
                               << " (DICOM activity images are concentrations, bq-per-ml, or counts; use auto)");
      return absolute_without_header(false, path);
    case ActivityUnitsRequest::bq_per_ml:
      BD_VALIDATE(units.empty() || units == "BQML",
                  "--activity-units bq-per-ml contradicts " << tag << " (use auto, or counts for a relative map)");
      BD_VALIDATE(!header || header->real_world_units != "counts",
                  "--activity-units bq-per-ml contradicts the Real World Value Mapping (0040,9096) of "
                      << where << ": its values are counts (use auto or counts with --total-activity-gbq)");
      // A DICOM header without Units still says when its values were measured: the same
      // decay correction as BQML (values taken at the administration would be low by the
      // decay from administration to scan, −24 % after a day of 90Y).
      if (units == "BQML" || (header && !trim(header->decay_correction).empty())) return quantitative(false);
      if (header)
        return absolute_without_header(true, where + " (DICOM without (0054,1102) DecayCorrection)");
      return absolute_without_header(true, path);
    case ActivityUnitsRequest::counts: {
      ActivityCalibration c = relative_map("--activity-units counts");
      if (!units.empty()) c.lines.push_back("  note: the header's " + tag + " is not used (--activity-units counts)");
      return c;
    }
    case ActivityUnitsRequest::suv:
      BD_VALIDATE(units.empty() || units == "GML",
                  "--activity-units suv contradicts " << tag << " (SUV images have Units GML; use auto)");
      if (units == "GML") return quantitative(true);
      BD_VALIDATE(total_given, path << ": SUV values without a DICOM header (patient weight, injected "
                                       "activity) cannot be converted to activity; give "
                                       "--total-activity-gbq A to use the map as relative");
      return relative_map("SUV map without DICOM header");
  }
  return relative_map("?");
}

double dicom_date_time_s(const std::string& date, const std::string& time, const std::string& what) {
  return parse_date_days(date, what) * 86400.0 + parse_time_s(time, what);
}

double dicom_datetime_s(const std::string& datetime, const std::string& what) {
  std::string dt = trim(datetime);
  const auto tz = dt.find_first_of("+-", 8);
  if (tz != std::string::npos) dt = dt.substr(0, tz);  // UTC offset: all times are local wall time
  BD_VALIDATE(dt.size() >= 8, what << ": '" << datetime << "' is not a DICOM date-time YYYYMMDDHHMMSS");
  const std::string time = dt.size() > 8 ? dt.substr(8) : "00";
  return dicom_date_time_s(dt.substr(0, 8), time, what);
}

std::string iso_time(double seconds) {
  const auto days = static_cast<std::int64_t>(std::floor(seconds / 86400.0));
  double rest = seconds - double(days) * 86400.0;
  // civil_from_days (H. Hinnant)
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const int hh = int(rest / 3600);
  rest -= hh * 3600.0;
  const int mm = int(rest / 60);
  rest -= mm * 60.0;
  std::ostringstream os;
  os << std::setfill('0') << std::setw(4) << (y + (m <= 2)) << "-" << std::setw(2) << m << "-"
     << std::setw(2) << d << " " << std::setw(2) << hh << ":" << std::setw(2) << mm << ":"
     << std::setw(2) << int(std::floor(rest + 1e-6));
  return os.str();
}

}  // namespace bd
