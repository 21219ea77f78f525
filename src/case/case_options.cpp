// Case options, declared once (include/betadose/case_options.hh).
#include "betadose/case_options.hh"

#include <CLI/CLI.hpp>

#include "betadose/errors.hh"
#include "betadose/option_checks.hh"

namespace bd {

void add_roi_options(CLI::App& cmd, RoiInputs& r) {
  auto* g = "ROIs";
  cmd.add_option("--mask", r.masks,
                 "ROI NAME=FILE (non-zero voxels) or NAME=LABELS:VALUE (one label of a label image); "
                 "repeatable")->allow_extra_args(false)->group(g);
  cmd.add_option("--segmentation", r.segmentations,
                 "3D Slicer .seg.nrrd: every segment becomes an ROI named by its name (spaces -> _); "
                 "repeatable")->allow_extra_args(false)->group(g);
  cmd.add_option("--rtstruct", r.rtstructs,
                 "DICOM RT structure set: every ROI by its ROIName (spaces -> _), contours rasterised "
                 "onto the dose grid; repeatable")->allow_extra_args(false)->group(g);
  cmd.add_flag("--accept-frame-mismatch", r.accept_frame_mismatch,
               "Accept DICOM inputs of different Frames of Reference as one frame: RT structure ROIs whose "
               "Referenced Frame of Reference UID (3006,0024) is not that of the DICOM CT/activity, or a DICOM CT "
               "and activity of two frames (e.g. files anonymised separately; refused otherwise, recorded)")->group(g);
}

void add_case_options(CLI::App& cmd, CaseSpec& s, CaseOptionSet set) {
  const bool dose = set == CaseOptionSet::dose;
  auto* g = "Geometry";
  cmd.add_option("--ct", s.ct, "CT in HU: NIfTI/MetaImage/NRRD file or DICOM series directory")->group(g);
  cmd.add_option("--labels", s.labels, "Label image (integers) instead of a CT")->group(g);
  cmd.add_option("--material-table", s.material_table, "CSV label,material,density_g_cm3 for --labels")->group(g);
  cmd.add_option("--uniform", s.uniform,
                 "No CT: a uniform phantom MATERIAL[:DENSITY_G_CM3] over the activity grid, "
                 "e.g. soft-tissue:1.03")->group(g);
  cmd.add_option("--hu-density", s.hu_density_csv, "HU -> density calibration CSV (default: Schneider 2000)")->group(g);
  cmd.add_option("--hu-materials", s.hu_materials_csv, "HU -> material bins CSV (default: Schneider 2000)")->group(g);
  auto* a = "Activity";
  cmd.add_option("--activity", s.activity, "Activity image (SPECT/PET/map; file or DICOM directory)")->group(a);
  cmd.add_flag("--clamp-negative", s.clamp_negative,
               "Set negative/NaN activity voxels to 0 (reported) instead of failing")->group(a);
  cmd.add_flag("--allow-lossy-activity", s.allow_lossy_activity,
               "Accept an activity image whose DICOM pixel data are lossy-compressed (Lossy Image "
               "Compression (0028,2110) = 01, JPEG baseline, ...; refused otherwise; recorded)")->group(a);
  if (dose) {
    cmd.add_option("--activity-units", s.activity_units,
                   "auto (DICOM Units: BQML, GML = SUVbw, CNTS) | bq | bq-per-ml | counts | suv")
        ->capture_default_str()->group(a);
    cmd.add_option("--total-activity-gbq", s.total_activity_gbq,
                   "Administered activity [GBq]: relative maps are normalised to it (required for "
                   "them); a quantitative image is rescaled (factor printed)")
        ->check(cli::real_check(ValueRange::non_negative()))->group(a);
    cmd.add_option("--activity-mask", s.activity_mask, "Keep activity only inside this ROI (a name or a mask file)")->group(a);
    cmd.add_option("--lung-shunt", s.lung_shunt, "Lung shunt fraction F in [0,1): F of the total goes to --lung-mask")
        ->check(cli::real_check(ValueRange::half_open(0, 1)))->group(a);
    cmd.add_option("--lung-mask", s.lung_mask, "Lung ROI (a name or a mask file)")->group(a);
    cmd.add_option("--lung-shunt-mode", s.lung_shunt_mode,
                   "uniform (spread over the lung) | map (scale the map's lung part)")->capture_default_str()->group(a);
    cmd.add_option("--outside-geometry", s.outside_geometry,
                   "Activity outside the CT/labels: error | air (keep it, in air) | drop (remove it before "
                   "normalisation)")->capture_default_str()->group(a);
    cmd.add_option("--nuclide", s.nuclide, "Nuclide (materials/nuclides)")->capture_default_str()->group(a);
    cmd.add_flag("--allow-implausible", s.allow_implausible,
                 "Accept a total activity above 100 GBq or a voxel concentration above 1 GBq/ml (otherwise "
                 "refused as a unit or typing error)")->group(a);
  }
  add_roi_options(cmd, s.rois);
  auto* r = "Dose grid";
  if (!dose) s.voxel_mm = "masks";
  cmd.add_option("--voxel-mm", s.voxel_mm,
                 dose ? "Dose grid: 'activity' (default), 'ct' (the geometry image), 'masks', or a voxel "
                        "size S or Sx,Sy,Sz [mm] over the geometry's extent"
                      : "Grid of the image inputs: 'masks' (default: the first mask image), 'ct', "
                        "'activity', or a voxel size S or Sx,Sy,Sz [mm]")
      ->capture_default_str()->group(r);
  if (!dose) return;
  auto* o = "Output";
  cmd.add_option("--out", s.out, "HDF5 dose file")->capture_default_str()->group(o);
  cmd.add_option("--export", s.export_path, "Dose image for viewers (.nii.gz, .nii, .mhd, .mha, .nrrd)")->group(o);
  cmd.add_option("--export-rtdose", s.export_rtdose,
                 "DICOM RT Dose (+ its RT Plan <name>.rtplan.dcm); patient, study and frame of reference "
                 "from --ct when it is a DICOM directory")->group(o);
  cmd.add_option("--v-thresholds-gy", s.v_thresholds_gy, "V_x thresholds [Gy] of the ROI summary")
      ->delimiter(',')->check(cli::real_check(ValueRange::positive()))->capture_default_str()->group(o);
  cmd.add_flag("--quiet", s.quiet, "Print errors only")->group(o);
}

}  // namespace bd
