// Regions of interest on a dose grid, from every source a physicist has
// (implementation: src/case/roi_set.cpp):
//   --mask NAME=FILE          a mask image (non-zero voxels inside; values must be integral)
//   --mask NAME=FILE:LABEL    the voxels of a label image equal to LABEL
//   --segmentation FILE       every segment of a 3D Slicer .seg.nrrd, named by SegmentN_Name
//   --rtstruct FILE           every ROI of a DICOM RT structure set, named by ROIName,
//                             contours rasterised in physical space (contour_raster.hh)
// Image masks come onto the dose grid by nearest neighbour; RTSTRUCT contours by sub-voxel
// sampling (5^3 points per voxel): the mask takes as many voxels as the contoured volume fills
// on the grid, the most occupied first, so its volume is the contoured volume to within one
// voxel (a fixed 50 % threshold loses voxels at convex edges and corners).
//
// Names: an ROI name is its label with each run of spaces (and any of / = , :) written as one
// '_' ("Left lobe" -> "Left_lobe"), so it is a valid HDF5 name, one shell word and one table
// column. A reference to an ROI (--activity-mask, --lung-mask, --uncertainty-mask, --roi-lq, plan
// roles) may use either spelling; case matters.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "betadose/grid.hh"

namespace bd {

using CaseLog = std::function<void(const std::string& line)>;

struct RoiInputs {
  std::vector<std::string> masks;          // NAME=FILE or NAME=FILE:LABEL
  std::vector<std::string> segmentations;  // .seg.nrrd files
  std::vector<std::string> rtstructs;      // RTSTRUCT .dcm files
  bool accept_frame_mismatch = false;      // --accept-frame-mismatch
  // Set by the input pipeline, not the user: (image, Frame of Reference UID (0020,0052), "" for
  // a NIfTI/MetaImage/NRRD file) of the case's images; an RT structure set's ROIs must
  // reference one of them when all are DICOM (else a mismatch is only warned about).
  std::vector<std::pair<std::string, std::string>> image_frames;
  bool empty() const { return masks.empty() && segmentations.empty() && rtstructs.empty(); }
};

// "Left lobe" -> "Left_lobe" (see above).
std::string roi_name(const std::string& label);

struct RoiSet {
  std::map<std::string, std::vector<std::uint8_t>> masks;  // name -> mask on the grid
  std::map<std::string, std::string> origin;               // name -> where it came from

  // The ROI `ref` names (either spelling); nullptr when there is none.
  const std::vector<std::uint8_t>* find(const std::string& ref) const;
  // Its stored name, or "" when there is none.
  std::string name_of(const std::string& ref) const;
  // "a, b, c" (or "none") for messages.
  std::string list() const;
  // Adds an ROI; InputError naming both origins when the name is taken.
  void add(const std::string& name, std::vector<std::uint8_t> mask, const std::string& from);
};

// The files `inputs` read (mask images, segmentations, structure sets), for check_outputs.
// (option, file) of every ROI input, e.g. ("--mask liver", "liver.nii.gz").
std::vector<std::pair<std::string, std::string>> roi_input_files(const RoiInputs& inputs);
std::vector<std::string> roi_input_paths(const RoiInputs& inputs);

// Syntax of the inputs (NAME=FILE[:LABEL], names), checked before anything is read.
void check_roi_inputs(const RoiInputs& inputs);

// Every ROI of `inputs` on `grid`; one log line per ROI (name, voxels, volume, origin).
// InputError naming the file for unreadable files, empty ROIs, ROIs that miss the grid and
// duplicate names.
RoiSet load_rois(const RoiInputs& inputs, const Grid& grid, const CaseLog& log = {});

// `existing` (a dose file's /roi masks on `grid`) plus every ROI of `inputs`; an input ROI
// replaces an existing one of the same name (logged).
RoiSet add_roi_inputs(const std::map<std::string, std::vector<std::uint8_t>>& existing,
                      const RoiInputs& inputs, const Grid& grid, const CaseLog& log = {});

// The grid of the first image among the inputs (masks, then segmentations); false if none.
bool first_roi_image_grid(const RoiInputs& inputs, Grid* grid);

// The mask `ref` names: an ROI of `rois`, else a mask image file. `option` names the option
// in messages; `described` receives "<file> (ROI 'name')" or the file.
std::vector<std::uint8_t> resolve_mask(const RoiSet& rois, const std::string& ref,
                                       const std::string& option, const Grid& grid,
                                       std::string* described = nullptr);

}  // namespace bd
