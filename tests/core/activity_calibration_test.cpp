// DICOM date/time arithmetic and the unit conversion rules of activity_calibration.hh.
#include <gtest/gtest.h>

#include <cmath>

#include "betadose/activity_calibration.hh"
#include "betadose/errors.hh"

namespace {

TEST(ActivityCalibration, DicomDatesAndTimes) {
  // Across a year end and a leap day; fractional seconds; ACR-NEMA and old formats.
  EXPECT_DOUBLE_EQ(bd::dicom_date_time_s("20270101", "010000", "t") - bd::dicom_date_time_s("20261231", "230000", "t"),
                   7200.0);
  EXPECT_DOUBLE_EQ(bd::dicom_date_time_s("20280301", "000000", "t") - bd::dicom_date_time_s("20280228", "000000", "t"),
                   2 * 86400.0);
  EXPECT_DOUBLE_EQ(bd::dicom_date_time_s("2026.12.01", "10:30:15", "t"), bd::dicom_date_time_s("20261201", "103015", "t"));
  EXPECT_DOUBLE_EQ(bd::dicom_date_time_s("20261201", "1030", "t") + 0.25, bd::dicom_date_time_s("20261201", "103000.25", "t"));
  EXPECT_DOUBLE_EQ(bd::dicom_datetime_s("20261201103000.5+0100", "t"), bd::dicom_date_time_s("20261201", "103000.5", "t"));
  EXPECT_EQ(bd::iso_time(bd::dicom_datetime_s("20280229235959", "t")), "2028-02-29 23:59:59");
  EXPECT_EQ(bd::iso_time(0), "1970-01-01 00:00:00");
  EXPECT_THROW(bd::dicom_date_time_s("2026121", "1030", "t"), bd::InputError);
  EXPECT_THROW(bd::dicom_date_time_s("20261301", "1030", "t"), bd::InputError);
  EXPECT_THROW(bd::dicom_date_time_s("20261201", "2530", "t"), bd::InputError);
}

bd::PetHeader bqml(const std::string& decay) {
  bd::PetHeader h;
  h.file = "pt.dcm";
  h.units = "BQML";
  h.decay_correction = decay;
  h.series_date = "20261202";
  h.series_time = "093000";
  h.injection_datetime = "20261201093000";
  h.half_life_s = "230760";
  h.acquisition_date = {"20261202", "20261202"};
  h.acquisition_time = {"093000", "153000"};  // two beds, 6 h apart
  return h;
}

TEST(ActivityCalibration, DecayToTheAdministration) {
  const double T = 230760;
  auto c = bd::calibrate_activity(bd::ActivityUnitsRequest::automatic, nullptr, true, T, "Y-90", "a.nii");
  EXPECT_FALSE(c.quantitative);  // no header, total given: relative
  EXPECT_THROW(bd::calibrate_activity(bd::ActivityUnitsRequest::automatic, nullptr, false, T, "Y-90", "a.nii"),
               bd::InputError);
  auto h = bqml("START");
  c = bd::calibrate_activity(bd::ActivityUnitsRequest::automatic, &h, false, T, "Y-90", "dir");
  ASSERT_TRUE(c.quantitative);
  ASSERT_EQ(c.factor_per_slice.size(), 1u);
  EXPECT_NEAR(c.factor_per_slice[0], std::exp2(86400.0 / T), 1e-12);
  EXPECT_NEAR(c.hours_after_administration, 24.0, 1e-12);
  h = bqml("NONE");  // every slice from its own acquisition time
  c = bd::calibrate_activity(bd::ActivityUnitsRequest::automatic, &h, false, T, "Y-90", "dir");
  ASSERT_EQ(c.factor_per_slice.size(), 2u);
  EXPECT_NEAR(c.factor_per_slice[1] / c.factor_per_slice[0], std::exp2(6 * 3600.0 / T), 1e-12);
  h = bqml("ADMIN");
  h.half_life_s.clear();  // not needed when the values already refer to the administration
  c = bd::calibrate_activity(bd::ActivityUnitsRequest::automatic, &h, false, T, "Y-90", "dir");
  EXPECT_DOUBLE_EQ(c.factor_per_slice[0], 1.0);
  h = bqml("START");
  h.injection_datetime = "20261202103000";  // after the series
  EXPECT_THROW(bd::calibrate_activity(bd::ActivityUnitsRequest::automatic, &h, false, T, "Y-90", "dir"), bd::InputError);
  h = bqml("LATER");
  EXPECT_THROW(bd::calibrate_activity(bd::ActivityUnitsRequest::automatic, &h, true, T, "Y-90", "dir"), bd::InputError);
}

}  // namespace
