// Pieces of the HTML report (private to src/report; the entry point is include/betadose/report.hh).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "betadose/dose_metrics.hh"
#include "betadose/grid.hh"

namespace bd {
struct DoseFile;
}

namespace bd::report {

// HTML text / attribute escaping.
std::string esc(const std::string& text);
// Fixed decimals; "-" when not finite.
std::string num(double x, int decimals);
// The exact value as `analyze --json` writes it (10 significant digits; "null" when not finite).
std::string exact(double x);

// Isodose levels [Gy] for a maximum dose: the clinically usual steps below the maximum and at
// least 5 % of it, at most seven (the highest ones).
std::vector<double> default_isodose_levels(double max_gy);
// Colour (CSS "#rrggbb") of isodose level `index` of `count`.
std::string isodose_colour(std::size_t index, std::size_t count);

// The voxel the slices go through: the dose-weighted centroid of the voxels above half the
// maximum dose (stable against a single noisy voxel), rounded to a voxel.
Index3 slice_centre(const DoseFile& dose);

struct SlicePanel {
  std::string title;  // "axial k = 12 (z = 34.5 mm)"
  std::string svg;    // self-contained <svg> (PNG data URI + isodose paths)
};

// Axial, coronal and sagittal panels through `centre`: background CT (window -160..240 HU) or,
// without a CT, the density map; overlay `overlay` (dose with isodose lines when
// `isodose_gy` is not empty; activity otherwise) with `colormap` "dose" or "activity".
std::vector<SlicePanel> slice_panels(const DoseFile& dose, const Volume<float>* ct,
                                     const std::vector<float>& overlay, const std::string& colormap,
                                     const std::vector<double>& isodose_gy, const Index3& centre);

// Cumulative DVH plot (volume % vs dose); `second` (may be null) is drawn dashed with the
// label suffix `second_label`.
std::string dvh_svg(const CumulativeDvh& dvh, const CumulativeDvh* second, const std::string& first_label,
                    const std::string& second_label);

}  // namespace bd::report
