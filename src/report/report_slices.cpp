// Orthogonal slices for the report: CT (or density) in grey, a colour overlay (dose or
// activity) and isodose lines by marching squares, as one SVG per plane with the raster as a
// PNG data URI. Planes are index planes of the dose grid through `centre`; coronal and
// sagittal are drawn with the third index increasing upwards.
#include <algorithm>
#include <array>
#include <cmath>
#include <iomanip>
#include <sstream>

#include "betadose/dose_file.hh"
#include "betadose/image_encoding.hh"
#include "betadose/resample.hh"
#include "report_parts.hh"

namespace bd::report {
namespace {

struct Rgb {
  double r, g, b;
};

// Piecewise-linear "dose" colour scale (dark blue -> cyan -> yellow -> red) and "activity"
// (black-body: dark red -> orange -> white) on t in [0, 1].
Rgb colour_scale(const std::string& map, double t) {
  t = std::clamp(t, 0.0, 1.0);
  static const std::array<Rgb, 5> dose{{{0.1, 0.1, 0.9}, {0.0, 0.8, 1.0}, {0.2, 0.9, 0.2}, {1.0, 0.9, 0.0}, {1.0, 0.1, 0.0}}};
  static const std::array<Rgb, 5> act{{{0.3, 0.0, 0.0}, {0.8, 0.1, 0.0}, {1.0, 0.5, 0.0}, {1.0, 0.85, 0.3}, {1.0, 1.0, 1.0}}};
  const auto& c = map == "activity" ? act : dose;
  const double x = t * (c.size() - 1);
  const std::size_t i = std::min<std::size_t>(std::size_t(x), c.size() - 2);
  const double f = x - double(i);
  return {c[i].r + f * (c[i + 1].r - c[i].r), c[i].g + f * (c[i + 1].g - c[i].g),
          c[i].b + f * (c[i + 1].b - c[i].b)};
}

// Marching squares on a [nv][nu] field sampled at cell centres; segments in pixel coordinates
// of an image where sample (a, b) sits at ((a + 0.5) f, (b + 0.5) f), y flipped when asked.
std::string contour_path(const std::vector<double>& field, std::size_t nu, std::size_t nv, double level,
                         double f, double height_px, bool flip) {
  std::ostringstream os;
  os << std::setprecision(5);
  auto at = [&](std::size_t a, std::size_t b) { return field[b * nu + a]; };
  auto point = [&](double a, double b) {
    const double x = (a + 0.5) * f;
    const double y = flip ? height_px - (b + 0.5) * f : (b + 0.5) * f;
    os << x << " " << y;
  };
  for (std::size_t b = 0; b + 1 < nv; ++b)
    for (std::size_t a = 0; a + 1 < nu; ++a) {
      const double v[4] = {at(a, b), at(a + 1, b), at(a + 1, b + 1), at(a, b + 1)};
      const double ca[4] = {0, 1, 1, 0}, cb[4] = {0, 0, 1, 1};
      // Edge crossings (edge e from corner e to corner e+1).
      double xs[4][2];
      int n = 0;
      for (int e = 0; e < 4; ++e) {
        const int e2 = (e + 1) % 4;
        const bool in1 = v[e] >= level, in2 = v[e2] >= level;
        if (in1 == in2) continue;
        const double t = (level - v[e]) / (v[e2] - v[e]);
        xs[n][0] = a + ca[e] + t * (ca[e2] - ca[e]);
        xs[n][1] = b + cb[e] + t * (cb[e2] - cb[e]);
        ++n;
      }
      // Two crossings: one segment; four (saddle): pair them in edge order.
      for (int s = 0; s + 1 < n; s += 2) {
        os << "M";
        point(xs[s][0], xs[s][1]);
        os << "L";
        point(xs[s + 1][0], xs[s + 1][1]);
      }
    }
  return os.str();
}

}  // namespace

std::vector<SlicePanel> slice_panels(const DoseFile& dose, const Volume<float>* ct,
                                     const std::vector<float>& overlay, const std::string& colormap,
                                     const std::vector<double>& isodose_gy, const Index3& centre) {
  const Grid& g = dose.grid;
  Volume<float> background;
  bool have_background = false;
  if (!dose.density_g_cm3.empty() || ct) have_background = true;
  Volume<float> density(g);
  if (!ct && !dose.density_g_cm3.empty()) density.data = dose.density_g_cm3;
  Volume<float> over(g);
  over.data = overlay;
  double over_max = 0;
  for (float x : overlay) over_max = std::max(over_max, double(x));
  const double lowest = isodose_gy.empty() ? 0.01 * over_max : isodose_gy.front();

  std::vector<SlicePanel> panels;
  const char* names[3] = {"sagittal", "coronal", "axial"};
  for (int fixed : {2, 1, 0}) {
    const int u = fixed == 0 ? 1 : 0;             // horizontal axis
    const int v = fixed == 2 ? 1 : 2;             // vertical axis
    const bool flip = fixed != 2;                 // third index upwards
    const std::size_t nu = g.size[u], nv = g.size[v];
    const double f = double(std::clamp<std::size_t>(400 / std::max<std::size_t>({nu, nv, 1}), 1, 8));
    Grid sg = g;
    sg.size[u] = nu * std::size_t(f);
    sg.size[v] = nv * std::size_t(f);
    sg.size[fixed] = 1;
    sg.spacing_mm[u] = g.spacing_mm[u] / f;
    sg.spacing_mm[v] = g.spacing_mm[v] / f;
    Vec3 idx{};
    idx[u] = -0.5 + 0.5 / f;
    idx[v] = -0.5 + 0.5 / f;
    idx[fixed] = double(centre[fixed]);
    sg.origin_mm = g.index_to_physical(idx);
    const std::size_t W = sg.size[u], H = sg.size[v];

    std::vector<float> bg;
    if (ct) bg = resample_linear(*ct, sg, -1000.0f).data;
    else if (!dose.density_g_cm3.empty()) bg = resample_linear(density, sg, 0.0f).data;
    const std::vector<float> ov = resample_nearest(over, sg, 0.0f).data;
    // The slice grid's voxel (x along u, y along v) is at linear index x*stride_u + y*stride_v.
    auto stride = [&](int axis) {
      std::size_t s = 1;
      for (int a = 0; a < axis; ++a) s *= sg.size[a];
      return s;
    };
    const std::size_t su = stride(u), sv = stride(v);
    std::vector<std::uint8_t> rgba(W * H * 4);
    for (std::size_t y = 0; y < H; ++y)
      for (std::size_t x = 0; x < W; ++x) {
        const std::size_t yy = flip ? H - 1 - y : y;
        const std::size_t n = x * su + yy * sv;
        double grey = 0;
        if (have_background && !bg.empty()) {
          const double hu = ct ? bg[n] : (bg[n] - 1.0) * 1000.0;  // density -> HU-like for display
          grey = std::clamp((hu + 160.0) / 400.0, 0.0, 1.0);
        }
        Rgb c{grey, grey, grey};
        if (over_max > 0 && ov[n] >= lowest && ov[n] > 0) {
          const Rgb o = colour_scale(colormap, ov[n] / over_max);
          const double alpha = 0.45;
          c = {grey * (1 - alpha) + o.r * alpha, grey * (1 - alpha) + o.g * alpha, grey * (1 - alpha) + o.b * alpha};
        }
        std::uint8_t* p = &rgba[4 * (y * W + x)];
        p[0] = std::uint8_t(std::lround(255 * c.r));
        p[1] = std::uint8_t(std::lround(255 * c.g));
        p[2] = std::uint8_t(std::lround(255 * c.b));
        p[3] = 255;
      }

    // Isodose lines from the dose at voxel centres of this plane.
    std::ostringstream paths;
    if (!isodose_gy.empty()) {
      std::vector<double> field(nu * nv);
      for (std::size_t b = 0; b < nv; ++b)
        for (std::size_t a = 0; a < nu; ++a) {
          std::array<std::size_t, 3> ijk{};
          ijk[u] = a;
          ijk[v] = b;
          ijk[fixed] = std::size_t(centre[fixed]);
          field[b * nu + a] = overlay[g.linear_index(ijk[0], ijk[1], ijk[2])];
        }
      for (std::size_t l = 0; l < isodose_gy.size(); ++l) {
        const std::string d = contour_path(field, nu, nv, isodose_gy[l], f, double(H), flip);
        if (d.empty()) continue;
        paths << "<path class=\"isodose\" data-level-gy=\"" << exact(isodose_gy[l]) << "\" d=\"" << d
              << "\" fill=\"none\" stroke=\"" << isodose_colour(l, isodose_gy.size())
              << "\" stroke-width=\"1.5\" vector-effect=\"non-scaling-stroke\"/>";
      }
    }
    const double width_mm = double(nu) * g.spacing_mm[u], height_mm = double(nv) * g.spacing_mm[v];
    const double scale = 360.0 / std::max(width_mm, height_mm);  // CSS px per mm
    std::ostringstream svg;
    svg << std::setprecision(6) << "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"slice\" viewBox=\"0 0 " << W
        << " " << H << "\" preserveAspectRatio=\"none\" width=\"" << width_mm * scale << "\" height=\""
        << height_mm * scale << "\"><image width=\"" << W << "\" height=\"" << H
        << "\" preserveAspectRatio=\"none\" style=\"image-rendering:pixelated\" href=\"data:image/png;base64,"
        << base64_encode(encode_png_rgba(int(W), int(H), rgba)) << "\"/>" << paths.str() << "</svg>";
    const Vec3 pos = g.index_to_physical({{double(centre[0]), double(centre[1]), double(centre[2])}});
    const char axis_name[3] = {'i', 'j', 'k'};
    // The plane is named by the patient axis its index axis runs along (the direction
    // matrix's column), not by the index: a permuted grid's k planes may be coronal.
    int along = 0;
    for (int r = 1; r < 3; ++r)
      if (std::abs(g.direction[3 * r + fixed]) > std::abs(g.direction[3 * along + fixed])) along = r;
    const bool oblique = std::abs(g.direction[3 * along + fixed]) < 0.9;
    std::ostringstream title;
    title << (oblique ? "oblique" : names[along]) << " " << axis_name[fixed] << " = " << centre[fixed] << " ("
          << "xyz"[along] << " = " << num(pos[along], 1) << " mm)";
    panels.push_back({title.str(), svg.str()});
  }
  return panels;
}

Index3 slice_centre(const DoseFile& dose) {
  const Grid& g = dose.grid;
  double dmax = 0;
  for (float d : dose.dose_gy) dmax = std::max(dmax, double(d));
  double w = 0;
  Vec3 c{};
  for (std::size_t k = 0, n = 0; k < g.size[2]; ++k)
    for (std::size_t j = 0; j < g.size[1]; ++j)
      for (std::size_t i = 0; i < g.size[0]; ++i, ++n) {
        const double d = dose.dose_gy[n];
        if (dmax <= 0 || d < 0.5 * dmax) continue;
        w += d;
        c[0] += d * double(i);
        c[1] += d * double(j);
        c[2] += d * double(k);
      }
  Index3 out{};
  for (int a = 0; a < 3; ++a) {
    const double x = w > 0 ? c[a] / w : 0.5 * double(g.size[a] - 1);
    out[a] = std::clamp<std::int64_t>(std::llround(x), 0, std::int64_t(g.size[a]) - 1);
  }
  return out;
}

}  // namespace bd::report
