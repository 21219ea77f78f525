// ROIs from masks, label images, Slicer segmentations and RT structure sets on one grid
// (include/betadose/roi_set.hh).
#include "betadose/roi_set.hh"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <set>
#include <sstream>

#include "betadose/contour_raster.hh"
#include "betadose/errors.hh"
#include "betadose/value_checks.hh"
#include "betadose/text_parse.hh"
#include "betadose/image_io.hh"
#include "betadose/resample.hh"
#include "betadose/rtstruct_io.hh"
#include "betadose/segmentation_io.hh"

namespace bd {
namespace {

struct MaskSpec {
  std::string name, file;
  bool has_label = false;
  long label = 0;
};

// "NAME=FILE" or "NAME=FILE:LABEL" (LABEL an integer).
MaskSpec parse_mask_spec(const std::string& spec) {
  const auto eq = spec.find('=');
  BD_VALIDATE(eq != std::string::npos && eq > 0 && eq + 1 < spec.size(),
              "--mask '" << spec << "': expected NAME=FILE or NAME=FILE:LABEL, e.g. liver=liver.nii.gz "
                                    "or tumour=labels.nii.gz:3");
  MaskSpec m;
  m.name = roi_name(spec.substr(0, eq));
  m.file = spec.substr(eq + 1);
  const auto colon = m.file.rfind(':');
  if (colon != std::string::npos && colon > 0 && colon + 1 < m.file.size()) {
    const std::string tail = m.file.substr(colon + 1);
    const bool integral = std::all_of(tail.begin() + (tail[0] == '-' ? 1 : 0), tail.end(),
                                      [](unsigned char c) { return std::isdigit(c); }) &&
                          tail != "-";
    if (integral) {
      m.has_label = true;
      m.label = static_cast<long>(parse_whole(tail, "--mask '" + spec + "': label", -2147483647, 2147483647));
      m.file = m.file.substr(0, colon);
      BD_VALIDATE(m.label != 0, "--mask '" << spec << "': label 0 is the background; give the label of the ROI");
    }
  }
  BD_VALIDATE(!m.name.empty(), "--mask '" << spec << "': empty ROI name");
  return m;
}

std::size_t count(const std::vector<std::uint8_t>& m) {
  std::size_t n = 0;
  for (auto v : m) n += v != 0;
  return n;
}

// A mask image (or one label of a label image) on `grid`, nearest neighbour.
std::vector<std::uint8_t> mask_from_image(const std::string& what, const std::string& path,
                                          bool by_label, long label, const Grid& grid) {
  const Volume<float> img = read_image(path);
  std::size_t non_integral = 0, not_finite = 0;
  std::set<long> labels;
  for (float v : img.data) {
    if (!std::isfinite(v)) {
      ++not_finite;
    } else if (std::nearbyint(v) != v) {
      ++non_integral;
    } else if (v != 0.0f && labels.size() < 64) {
      labels.insert(static_cast<long>(v));
    }
  }
  BD_VALIDATE(non_integral == 0 && not_finite == 0,
              path << ": " << what << " has " << not_finite << " NaN/infinite and " << non_integral
                   << " non-integral voxels; a mask/label image (whole numbers, 0 = outside) is required");
  Volume<std::uint8_t> m(img.grid);
  for (std::size_t n = 0; n < m.data.size(); ++n)
    m.data[n] = by_label ? (img.data[n] == static_cast<float>(label)) : (img.data[n] != 0.0f);
  if (by_label) {
    std::ostringstream present;
    for (long l : labels) present << (present.tellp() ? ", " : "") << l;
    BD_VALIDATE(count(m.data) > 0, path << ": " << what << ": no voxel has label " << label
                                        << " (labels present: " << (labels.empty() ? "none" : present.str()) << ")");
  } else {
    BD_VALIDATE(count(m.data) > 0, path << ": " << what << " is empty (no voxel != 0)");
  }
  require_overlap(img.grid, path + " (" + what + ")", grid, "the dose grid");
  auto on_grid = img.grid.same_geometry(grid) ? m : resample_nearest(m, grid, 0);
  BD_VALIDATE(count(on_grid.data) > 0,
              path << ": " << what << " cannot be resampled onto the dose grid (" << grid.describe()
                   << "): none of its voxels falls on a dose voxel centre (mask outside the grid, or "
                      "structures smaller than a dose voxel)");
  return std::move(on_grid.data);
}

std::string roi_line(const std::string& name, const std::vector<std::uint8_t>& mask, const Grid& grid,
                     const std::string& from) {
  const std::size_t n = count(mask);
  return "roi       " + name + ": " + std::to_string(n) + " voxels, " + format_g(double(n) * grid.voxel_volume_ml()) +
         " ml (" + from + ")";
}

// Whether every contour point, and the slab half-thickness either side of its plane, lies
// within the grid's voxels.
bool contours_inside(const std::vector<PlanarContour>& contours, const ContourPlaneInfo& planes, const Grid& grid) {
  const double h = 0.5 * planes.spacing_mm;
  for (const auto& c : contours)
    for (const auto& p : c.points_mm)
      for (double side : {-h, h}) {
        const Vec3 q{{p[0] + side * planes.normal[0], p[1] + side * planes.normal[1], p[2] + side * planes.normal[2]}};
        const Vec3 idx = grid.physical_to_index(q);
        for (int a = 0; a < 3; ++a)
          if (idx[a] < -0.5 - 1e-6 || idx[a] > double(grid.size[a]) - 0.5 + 1e-6) return false;
      }
  return true;
}

// The voxels of a fractional ROI that best hold its volume: as many voxels as the fractions
// add up to, the most occupied first. (A fixed 50 % threshold loses voxels at convex edges
// and corners, where occupancies multiply: 2 % of a 15 mm sphere on a 1.5 mm grid.) Voxels
// of equal occupancy are taken in a hashed order, so no direction is preferred.
std::vector<std::uint8_t> volume_preserving_mask(const std::vector<float>& frac) {
  double total = 0;
  std::vector<std::size_t> order;
  for (std::size_t v = 0; v < frac.size(); ++v)
    if (frac[v] > 0) {
      total += frac[v];
      order.push_back(v);
    }
  auto hash = [](std::uint64_t x) {  // splitmix64 finaliser
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  };
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return frac[a] != frac[b] ? frac[a] > frac[b] : hash(a) < hash(b);
  });
  const auto keep = std::min(order.size(), static_cast<std::size_t>(std::llround(total)));
  std::vector<std::uint8_t> mask(frac.size(), 0);
  for (std::size_t n = 0; n < keep; ++n) mask[order[n]] = 1;
  return mask;
}

}  // namespace

std::string roi_name(const std::string& label) {
  std::string out;
  bool gap = false;
  for (unsigned char c : label) {
    const bool sep = std::isspace(c) || c == '/' || c == '=' || c == ',' || c == ':';
    if (sep) {
      gap = !out.empty();
      continue;
    }
    if (gap) out += '_';
    gap = false;
    out += static_cast<char>(c);
  }
  return out;
}

const std::vector<std::uint8_t>* RoiSet::find(const std::string& ref) const {
  const std::string n = name_of(ref);
  return n.empty() ? nullptr : &masks.at(n);
}

std::string RoiSet::name_of(const std::string& ref) const {
  if (masks.count(ref)) return ref;
  const std::string canonical = roi_name(ref);
  return masks.count(canonical) ? canonical : "";
}

std::string RoiSet::list() const {
  if (masks.empty()) return "none";
  std::string s;
  for (const auto& [name, m] : masks) s += (s.empty() ? "" : ", ") + name;
  return s;
}

void RoiSet::add(const std::string& name, std::vector<std::uint8_t> mask, const std::string& from) {
  // The name is an HDF5 dataset name (/roi/NAME) and a word in tables.
  const char* unusable = name.empty()                    ? "empty"
                         : !valid_utf8(name)               ? "not UTF-8 text: check the file's character set"
                         : name == "." || name == ".."     ? "'.' and '..' are reserved"
                                                           : nullptr;
  BD_VALIDATE(!unusable, from << ": the ROI name '" << name << "' is not usable (" << unusable << "); rename the ROI");
  BD_VALIDATE(masks.count(name) == 0, "ROI name '" << name << "' is given twice: " << origin.at(name)
                                                   << " and " << from
                                                   << " (rename one: --mask NEWNAME=FILE, or in the segmentation)");
  masks[name] = std::move(mask);
  origin[name] = from;
}

std::vector<std::pair<std::string, std::string>> roi_input_files(const RoiInputs& in) {
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& m : in.masks) {
    const MaskSpec s = parse_mask_spec(m);
    files.emplace_back("--mask " + s.name, s.file);
  }
  for (const auto& f : in.segmentations) files.emplace_back("--segmentation", f);
  for (const auto& f : in.rtstructs) files.emplace_back("--rtstruct", f);
  return files;
}

std::vector<std::string> roi_input_paths(const RoiInputs& in) {
  std::vector<std::string> paths;
  for (const auto& [option, path] : roi_input_files(in)) paths.push_back(path);
  return paths;
}

void check_roi_inputs(const RoiInputs& in) {
  std::set<std::string> names;
  for (const auto& m : in.masks) {
    const MaskSpec s = parse_mask_spec(m);
    BD_VALIDATE(names.insert(s.name).second, "--mask: ROI name '" << s.name << "' given twice");
  }
}

bool first_roi_image_grid(const RoiInputs& in, Grid* grid) {
  if (!in.masks.empty()) {
    *grid = read_image_grid(parse_mask_spec(in.masks.front()).file);
    return true;
  }
  if (!in.segmentations.empty()) {
    *grid = read_segmentation(in.segmentations.front()).grid;
    return true;
  }
  return false;
}

RoiSet load_rois(const RoiInputs& in, const Grid& grid, const CaseLog& log) {
  auto say = [&](const std::string& line) {
    if (log) log(line);
  };
  check_roi_inputs(in);
  RoiSet set;
  for (const auto& text : in.masks) {
    const MaskSpec s = parse_mask_spec(text);
    const std::string what = "mask '" + s.name + "'" + (s.has_label ? " (label " + std::to_string(s.label) + ")" : "");
    auto mask = mask_from_image(what, s.file, s.has_label, s.label, grid);
    const std::string from = s.file + (s.has_label ? " label " + std::to_string(s.label) : "");
    say(roi_line(s.name, mask, grid, from));
    set.add(s.name, std::move(mask), from);
  }
  for (const auto& path : in.segmentations) {
    SegmentationFile seg = read_segmentation(path);
    say("segmentation " + path + ": " + std::to_string(seg.segments.size()) + " segments in " +
        std::to_string(seg.layers) + " layer(s), space " + (seg.space.empty() ? "?" : seg.space) + ", " +
        describe_geometry(seg.grid));
    require_overlap(seg.grid, path, grid, "the dose grid");
    for (std::size_t n = 0; n < seg.segments.size(); ++n) {
      auto& s = seg.segments[n];
      const std::string name = roi_name(s.name);
      const std::string from = "segment " + std::to_string(n) + " '" + s.name + "' of " + path + ", layer " +
                               std::to_string(s.layer) + " label " + std::to_string(s.label_value);
      if (count(s.mask.data) == 0) {
        say("  warning: " + from + " is empty; no ROI '" + name + "'");
        continue;
      }
      auto mask = seg.grid.same_geometry(grid) ? std::move(s.mask.data) : resample_nearest(s.mask, grid, 0).data;
      if (count(mask) == 0) {
        say("  warning: " + from + " misses every dose voxel centre (outside the dose grid or smaller "
            "than a dose voxel); no ROI '" + name + "'");
        continue;
      }
      say(roi_line(name, mask, grid, from));
      set.add(name, std::move(mask), from);
    }
  }
  // The frames RT structures can be checked against: every image DICOM, a mismatch is refused;
  // a file image among them (NIfTI CT), only warned about; no DICOM image, no check.
  const bool frames_known = std::any_of(in.image_frames.begin(), in.image_frames.end(),
                                        [](const auto& f) { return !f.second.empty(); });
  const bool all_dicom = std::all_of(in.image_frames.begin(), in.image_frames.end(),
                                     [](const auto& f) { return !f.second.empty(); });
  for (const auto& path : in.rtstructs) {
    const StructureSet ss = read_rtstruct(path);
    say("rtstruct  " + path + ": " + std::to_string(ss.rois.size()) + " ROIs" +
        (ss.label.empty() ? "" : " ('" + ss.label + "')"));
    auto from_of = [&](const RtStructRoi& r) { return "ROI " + std::to_string(r.number) + " '" + r.name + "' of " + path; };
    // Each ROI's contours checked and measured on their own (errors name the ROI), then
    // against the others: one normal for the set.
    std::vector<const PlanarContour*> all;
    std::vector<ContourPlaneInfo> roi_planes(ss.rois.size());
    const RtStructRoi* first = nullptr;
    for (std::size_t i = 0; i < ss.rois.size(); ++i) {
      const RtStructRoi& r = ss.rois[i];
      if (r.contours.empty()) continue;
      std::vector<const PlanarContour*> mine;
      for (const auto& c : r.contours) mine.push_back(&c);
      roi_planes[i] = contour_planes(mine, from_of(r), /*fallback_spacing_mm=*/1.0);
      if (first == nullptr) {
        first = &r;
      } else {
        const Vec3& a = roi_planes[std::size_t(first - ss.rois.data())].normal;
        const Vec3& b = roi_planes[i].normal;
        BD_VALIDATE(std::abs(a[0] * b[0] + a[1] * b[1] + a[2] * b[2]) > 1.0 - 1e-4,
                    from_of(r) << " is contoured on planes of normal (" << format_g(b[0], 3) << ", " << format_g(b[1], 3)
                               << ", " << format_g(b[2], 3) << "), " << from_of(*first) << " on ("
                               << format_g(a[0], 3) << ", " << format_g(a[1], 3) << ", " << format_g(a[2], 3)
                               << "): one structure set's contours must lie on parallel slices");
      }
      all.insert(all.end(), mine.begin(), mine.end());
    }
    if (all.empty()) {
      say("  warning: " + path + " holds no closed planar contour; no ROI from it");
      continue;
    }
    // The slab of an ROI is its own plane spacing (ROIs of one set may be drawn on slices of
    // different series: liver on 2 mm CT slices, a tumour on 4 mm PET slices); an ROI on a
    // single plane takes the set's, and so does one on two planes far apart (two one-slice
    // lesions, not a slab each as thick as the distance between them).
    const ContourPlaneInfo set_planes = contour_planes(all, path);
    say("  contours: normal (" + format_g(set_planes.normal[0], 3) + ", " + format_g(set_planes.normal[1], 3) + ", " +
        format_g(set_planes.normal[2], 3) + "), slab " + format_g(set_planes.spacing_mm) +
        " mm (median contour plane spacing of the set; an ROI on several planes uses its own)");
    for (std::size_t i = 0; i < ss.rois.size(); ++i) {
      const RtStructRoi& r = ss.rois[i];
      const std::string name = roi_name(r.name);
      std::string from = from_of(r);
      if (r.contours.empty()) {
        say("  warning: " + from + " has no closed planar contour" +
            (r.skipped_contours ? " (" + std::to_string(r.skipped_contours) + " point/open contours)" : "") +
            "; no ROI '" + name + "'");
        continue;
      }
      if (!r.frame_of_reference_uid.empty() && frames_known &&
          std::none_of(in.image_frames.begin(), in.image_frames.end(),
                       [&](const auto& f) { return f.second == r.frame_of_reference_uid; })) {
        std::string list;
        for (const auto& [image, uid] : in.image_frames)
          list += "\n  " + image + ": " + (uid.empty() ? std::string("(not DICOM: frame unknown)") : uid);
        if (all_dicom) {
          BD_VALIDATE(in.accept_frame_mismatch,
                      from << ": Referenced Frame of Reference UID (3006,0024) " << r.frame_of_reference_uid
                           << " is not that of the case's DICOM images, so its contours were drawn in another "
                              "coordinate frame (another scan or registration):"
                           << list << "\nregister the structures to these images, or give --accept-frame-mismatch "
                                      "if it is the same frame under another UID (e.g. anonymised separately)");
          say("  warning: " + from + " references Frame of Reference " + r.frame_of_reference_uid +
              ", not the images' (accepted: --accept-frame-mismatch)");
          from += " (Frame of Reference mismatch accepted)";
        } else {
          say("  warning: " + from + " references Frame of Reference " + r.frame_of_reference_uid +
              ", which none of the DICOM images has; the file images' frames are unknown, so it is taken to be "
              "theirs:" + list);
        }
      }
      if (r.duplicate_contours)
        say("  warning: " + from + ": " + std::to_string(r.duplicate_contours) +
            " contour(s) repeat an earlier one point for point and were dropped (by the even-odd rule they would "
            "cancel their slice)");
      ContourPlaneInfo planes = set_planes;
      const ContourPlaneInfo& own = roi_planes[i];
      if (own.plane_count == 2 && own.spacing_mm > 2 * set_planes.spacing_mm)
        say("  warning: " + from + " lies on two planes " + format_g(own.spacing_mm) +
            " mm apart; each contour is taken as a slab of the set's " + format_g(set_planes.spacing_mm) + " mm");
      else if (!own.single_plane)
        planes.spacing_mm = own.spacing_mm;
      std::vector<ContourOverlap> overlaps;
      const std::vector<float> frac = rasterize_contours(r.contours, planes, grid, 5, &overlaps);
      if (!overlaps.empty()) {
        auto number = [&](std::size_t i) {
          return std::to_string(r.contours[i].number ? r.contours[i].number : i + 1);
        };
        std::string list;
        for (std::size_t k = 0; k < std::min<std::size_t>(overlaps.size(), 3); ++k)
          list += (k ? "; " : "") + std::string("contours ") + number(overlaps[k].first) + " and " +
                  number(overlaps[k].second) + " at " + format_g(overlaps[k].plane_mm, 5) + " mm (" +
                  format_g(overlaps[k].area_mm2, 3) + " mm2)";
        if (overlaps.size() > 3) list += "; " + std::to_string(overlaps.size() - 3) + " more";
        say("  warning: " + from + ": " + std::to_string(overlaps.size()) +
            " pair(s) of contours on one plane overlap without one lying inside the other (" + list +
            ", plane positions along the normal, contours numbered as items of the ROI's Contour Sequence); by the even-odd rule, which "
            "other RTSTRUCT readers (SlicerRT, platipy, dcmrtstruct2nii) also apply, the overlap is left out of "
            "the ROI: check the structure if it was meant as one region");
      }
      std::vector<std::uint8_t> mask = volume_preserving_mask(frac);
      double contoured_ml = 0;
      for (float f : frac) contoured_ml += f * grid.voxel_volume_ml();
      if (count(mask) == 0) {
        say("  warning: " + from + " fills less than half a dose voxel (outside the dose grid, or "
            "smaller than a voxel); no ROI '" + name + "'");
        continue;
      }
      if (!contours_inside(r.contours, planes, grid))
        say("  warning: " + from + " reaches beyond the dose grid: only its part inside the grid is the ROI " +
            "(its dose statistics describe that part)");
      say(roi_line(name, mask, grid, from) + ", " + format_g(contoured_ml) + " ml of contoured volume on the grid" +
          (std::abs(planes.spacing_mm - set_planes.spacing_mm) > 1e-6 * set_planes.spacing_mm ? " (slab " + format_g(planes.spacing_mm) + " mm)" : ""));
      set.add(name, std::move(mask), from);
    }
  }
  return set;
}

RoiSet add_roi_inputs(const std::map<std::string, std::vector<std::uint8_t>>& existing, const RoiInputs& inputs,
                      const Grid& grid, const CaseLog& log) {
  RoiSet set;
  for (const auto& [name, mask] : existing) set.add(name, mask, "the dose file");
  RoiSet extra = load_rois(inputs, grid, log);
  for (auto& [name, mask] : extra.masks) {
    if (set.masks.count(name)) {
      if (log) log("note: " + extra.origin[name] + " replaces the dose file's ROI '" + name + "'");
      set.masks.erase(name);
      set.origin.erase(name);
    }
    set.add(name, std::move(mask), extra.origin[name]);
  }
  return set;
}

std::vector<std::uint8_t> resolve_mask(const RoiSet& rois, const std::string& ref, const std::string& option,
                                       const Grid& grid, std::string* described) {
  if (const auto* m = rois.find(ref)) {
    const std::string name = rois.name_of(ref);
    if (described) *described = rois.origin.at(name) + " (ROI '" + name + "')";
    return *m;
  }
  std::error_code ec;
  BD_VALIDATE(std::filesystem::exists(ref, ec),
              option << " " << ref << ": no ROI of that name (ROIs: " << rois.list()
                     << ") and no such mask file");
  if (described) *described = ref;
  return mask_from_image(option + " mask", ref, false, 0, grid);
}

}  // namespace bd
