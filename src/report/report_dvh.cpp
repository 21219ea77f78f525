// Cumulative DVH plot as SVG (volume % against dose), drawn here from dose_metrics' DVH.
#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>

#include "report_parts.hh"

namespace bd::report {
namespace {

const char* kRoiColours[] = {"#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"};

// A "nice" axis end and step (1, 2, 5 x 10^n) for a maximum.
std::pair<double, double> nice_axis(double max) {
  if (!(max > 0)) return {1, 0.2};
  const double raw = max / 5;
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  double step = p;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * p >= raw) {
      step = m * p;
      break;
    }
  return {std::ceil(max / step) * step, step};
}

}  // namespace

std::string dvh_svg(const CumulativeDvh& dvh, const CumulativeDvh* second, const std::string& first_label,
                    const std::string& second_label) {
  const double W = 720, H = 380, left = 60, right = 190, top = 15, bottom = 45;
  const double pw = W - left - right, ph = H - top - bottom;
  double xmax = dvh.dose_gy.empty() ? 1 : dvh.dose_gy.back();
  if (second && !second->dose_gy.empty()) xmax = std::max(xmax, second->dose_gy.back());
  // Not a structured binding: lambdas may capture those only from C++20 (clang refuses).
  const auto axis = nice_axis(xmax);
  const double xend = axis.first, xstep = axis.second;
  auto X = [&](double d) { return left + pw * d / xend; };
  auto Y = [&](double f) { return top + ph * (1 - f); };
  std::ostringstream s;
  s << std::setprecision(5) << "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"dvh\" width=\"" << W
    << "\" height=\"" << H << "\" viewBox=\"0 0 " << W << " " << H << "\" font-size=\"12\">"
    << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << pw << "\" height=\"" << ph
    << "\" fill=\"#fff\" stroke=\"#444\"/>";
  for (double x = 0; x <= xend + 1e-9 * xend; x += xstep)
    s << "<line x1=\"" << X(x) << "\" x2=\"" << X(x) << "\" y1=\"" << top << "\" y2=\"" << top + ph
      << "\" stroke=\"#ddd\"/><text x=\"" << X(x) << "\" y=\"" << top + ph + 16 << "\" text-anchor=\"middle\">"
      << x << "</text>";
  for (int p = 0; p <= 100; p += 20)
    s << "<line x1=\"" << left << "\" x2=\"" << left + pw << "\" y1=\"" << Y(p / 100.0) << "\" y2=\""
      << Y(p / 100.0) << "\" stroke=\"#ddd\"/><text x=\"" << left - 6 << "\" y=\"" << Y(p / 100.0) + 4
      << "\" text-anchor=\"end\">" << p << "</text>";
  s << "<text x=\"" << left + pw / 2 << "\" y=\"" << H - 8 << "\" text-anchor=\"middle\">absorbed dose [Gy]</text>"
    << "<text x=\"14\" y=\"" << top + ph / 2 << "\" transform=\"rotate(-90 14 " << top + ph / 2
    << ")\" text-anchor=\"middle\">" << (dvh.weighting == DoseWeighting::mass ? "mass" : "volume")
    << " [%]</text>";
  auto curves = [&](const CumulativeDvh& d, const char* dash, const std::string& label, double legend_y0) {
    for (std::size_t r = 0; r < d.roi_names.size(); ++r) {
      const char* colour = kRoiColours[r % (sizeof kRoiColours / sizeof kRoiColours[0])];
      s << "<polyline class=\"dvh-curve\" data-roi=\"" << esc(d.roi_names[r]) << "\" fill=\"none\" stroke=\""
        << colour << "\" stroke-width=\"1.8\"" << dash << " points=\"";
      for (std::size_t b = 0; b < d.dose_gy.size(); ++b) s << X(d.dose_gy[b]) << "," << Y(d.fraction[r][b]) << " ";
      s << "\"/>";
      const double ly = legend_y0 + 16 * double(r);
      s << "<line x1=\"" << W - right + 12 << "\" x2=\"" << W - right + 36 << "\" y1=\"" << ly << "\" y2=\"" << ly
        << "\" stroke=\"" << colour << "\" stroke-width=\"2\"" << dash << "/><text x=\"" << W - right + 42
        << "\" y=\"" << ly + 4 << "\">" << esc(d.roi_names[r] + label) << "</text>";
    }
  };
  curves(dvh, "", first_label, top + 8);
  if (second) curves(*second, " stroke-dasharray=\"6 4\"", second_label, top + 16 + 16 * double(dvh.roi_names.size()));
  s << "</svg>";
  return s.str();
}

}  // namespace bd::report
