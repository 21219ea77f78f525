#!/usr/bin/env python3
"""`betadose report` in headless Chromium.

Builds a synthetic case (dose file with ROIs, uncertainty, density, activity and an energy
balance; a second dose file; a DICOM CT; a `plan --json` result), writes the report and checks:
  - the page is self-contained (no http(s) URL is loaded: no src/href/url() to the network);
  - after Chromium ran its scripts, every cell of the ROI table carries the exact value that
    `betadose analyze --json` prints for the same file and options, and shows it rounded;
  - the embedded 3-D viewer rendered: its own read-back of the WebGL canvas is non-blank, and a
    screenshot of the viewer (report.html#viewer) shows the CT in grey and the dose overlay in
    colour;
  - without the viewer bundle the command fails with exit 2 and a message naming set-up.
Usage: report_browser_test.py BETADOSE WORKDIR
Skipped (exit 77) only when chromium is not installed (tools/setup.sh installs it)."""
import html.parser
import json
import os
import shutil
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fixtures  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    fixtures.skip("chromium is not installed (tools/setup.sh installs Debian's chromium); "
                  "the report's browser test did not run")
from PIL import Image  # noqa: E402  (python3-pil)

BETADOSE, WORK = fixtures.start()
check = fixtures.check


def chromium(args, url):
    profile = os.path.join(WORK, "profile-%d" % len(os.listdir(WORK)))
    argv = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader",
            "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
            "--virtual-time-budget=30000"] + args + [url]
    code, out = fixtures.run(argv, expect=None, timeout=180)
    return code, out


# ---- the case ---------------------------------------------------------------------------------
shape = (20, 24, 28)  # nz, ny, nx
spacing, origin = (4.0, 4.0, 4.0), (-56.0, -48.0, -40.0)
pos = fixtures.voxel_positions(spacing, origin, np.eye(3), shape)
r_liver = np.linalg.norm((pos - [0, 0, 0]) / [45, 38, 30], axis=-1)
r_tum = np.linalg.norm(pos - [12, -6, 4], axis=-1)
liver = r_liver < 1
tumour = r_tum < 14
lung = (pos[..., 2] > 24) & ~liver
rng = np.random.default_rng(16)
dose = np.where(liver, 55.0, 0.5) + np.where(tumour, 170.0 * np.exp(-(r_tum / 14) ** 2), 0) + np.where(lung, 12.0, 0)
dose = (dose * rng.normal(1.0, 0.04, size=shape)).clip(0).astype(np.float32)
unc = np.where(dose > 0, 0.02 + 0.5 / np.sqrt(1 + dose), 0).astype(np.float32)
density = np.where(lung, 0.26, 1.06).astype(np.float32)
activity = np.where(liver, 1e6, 0) + np.where(tumour, 4e6, 0)
common = dict(spacing=spacing, origin=origin, density=density, total_activity_bq=2e9,
              rois={"liver": liver, "tumour": tumour, "lung": lung & ~liver, "normal-liver": liver & ~tumour},
              extra={"energy_emitted_J": 0, "energy_escaped_photon_J": 0.2})
dose_h5 = os.path.join(WORK, "dose.h5")
fixtures.write_dose_file(dose_h5, dose, rel_unc=unc, activity=activity, **common)
cmp_h5 = os.path.join(WORK, "ldm.h5")
fixtures.write_dose_file(cmp_h5, (dose * 1.03).astype(np.float32), method="ldm", **common)
ct_dir = os.path.join(WORK, "ct")
hu = np.where(liver, 60, np.where(lung, -800, 30)).astype(np.int16)
fixtures.write_ct_series(ct_dir, hu, spacing, origin)
code, plan_json = fixtures.run([BETADOSE, "plan", "--method", "partition", "--tumour-mass-kg", "0.012",
                                "--normal-liver-mass-kg", "0.2", "--tn-ratio", "3", "--target-dose-gy", "55",
                                "--lung-shunt", "0.05", "--json"])
plan = os.path.join(WORK, "plan.json")
with open(plan, "w") as f:
    f.write(plan_json)

options = ["--v-gy", "50", "100", "--roi-lq", "normal-liver=2.5,2.5"]
report = os.path.join(WORK, "report.html")
fixtures.run([BETADOSE, "report", dose_h5, "--ct", ct_dir, "--plan", plan, "--compare", cmp_h5,
              "--device-type", "glass", "--indication", "HCC", "--out", report] + options)
_, analyze_out = fixtures.run([BETADOSE, "analyze", dose_h5, "--json"] + options)
analysis = json.loads(analyze_out)
page = open(report, encoding="utf-8").read()

# ---- self-contained ---------------------------------------------------------------------------
import re  # noqa: E402
remote = re.findall(r'(?:src|href)\s*=\s*["\']?(?:https?:)?//[^"\'\s>]+|url\(\s*["\']?(?:https?:)?//', page)
check(not remote, "the page loads remote resources: %s" % remote[:3])
for section in ("roi-table", "eanm-table", "plan-table", "compare-table", "energy-table", "bd-viewer-canvas",
                "provenance"):
    check('id="%s"' % section in page, "section %s missing" % section)


# ---- the DOM after Chromium ran the page ------------------------------------------------------
class Cells(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.in_table = False
        self.roi = None
        self.cell = None
        self.cells = {}  # (roi, key) -> (data-value, shown text)
        self.status = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and a.get("id") == "roi-table":
            self.in_table = True
        if self.in_table and tag == "tr" and "data-roi" in a:
            self.roi = a["data-roi"]
        if self.in_table and tag == "td" and "data-key" in a:
            self.cell = [a["data-key"], a["data-value"], ""]
        if a.get("id") == "viewer-status":
            self.status = a

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[2] += data

    def handle_endtag(self, tag):
        if tag == "td" and self.cell is not None:
            self.cells[(self.roi, self.cell[0])] = (self.cell[1], self.cell[2])
            self.cell = None
        if tag == "table":
            self.in_table = False


code, dom = chromium(["--dump-dom"], "file://" + report)
check(code == 0, "chromium --dump-dom exited %d" % code)
cells = Cells()
cells.feed(dom)
check(cells.status.get("data-status") == "rendered",
      "viewer status %r (expected rendered)" % cells.status.get("data-status"))
lit = int(cells.status.get("data-nonblank-pixels", "0"))
check(lit > 0.1 * 760 * 500, "viewer canvas read-back has only %d lit pixels" % lit)

compared = 0
rois = {r["name"]: r for r in analysis["rois"]}
check(sorted(rois) == sorted({roi for roi, _ in cells.cells}),
      "ROIs differ: analyze %s, report %s" % (sorted(rois), sorted({roi for roi, _ in cells.cells})))
decimals = {"volume_ml": 1, "mass_g": 1, "mean_dose_gy": 2, "min_dose_gy": 2, "max_dose_gy": 2,
            "mean_bed_gy": 2, "mean_eqd2_gy": 2, "alpha_beta_gy": 1, "repair_half_time_h": 1}
for name, r in rois.items():
    expected = {k: v for k, v in r.items() if not isinstance(v, (dict, str))}
    expected.update({"d_gy." + k: v for k, v in r["d_gy"].items()})
    expected.update({"v_fraction." + k: v for k, v in r["v_fraction"].items()})
    expected.pop("voxel_count")
    for key, value in expected.items():
        got = cells.cells.get((name, key))
        check(got is not None, "report table lacks %s/%s" % (name, key))
        if got is None:
            continue
        data_value, shown = got
        if value is None:
            check(data_value == "null", "%s/%s: report %s, analyze null" % (name, key, data_value))
            continue
        check(float(data_value) == value, "%s/%s: report %s != analyze --json %r" % (name, key, data_value, value))
        if key.startswith("v_fraction."):
            want = "%.1f" % (100 * value)
        elif key == "mean_rel_uncertainty":
            want = "%.2f" % (100 * value)
        elif key.startswith("d_gy."):
            want = "%.2f" % value
        else:
            want = "%.*f" % (decimals[key], value)
        check(shown.strip() == want, "%s/%s shows %r, expected %r" % (name, key, shown, want))
        compared += 1
check(compared >= 4 * 15, "only %d table cells compared" % compared)
print("ROI table: %d cells equal to analyze --json" % compared)

# ---- screenshot of the viewer -----------------------------------------------------------------
shot = os.path.join(WORK, "viewer.png")
code, _ = chromium(["--window-size=900,700", "--screenshot=" + shot], "file://" + report + "#viewer")
check(code == 0 and os.path.exists(shot), "no screenshot")
if os.path.exists(shot):
    im = np.asarray(Image.open(shot).convert("RGB")).astype(int)
    # The canvas box is 760 x 500 px; it starts below the note line(s).
    dark = (im.sum(axis=2) < 30).mean(axis=1) > 0.5  # rows mostly black = viewer background
    rows = np.where(dark)[0]
    check(len(rows) > 100, "no dark viewer area in the screenshot")
    if len(rows) > 100:
        # The image panels: above the colour bars at the bottom of the canvas (the bars show the
        # colour scales whether or not a volume is drawn).
        box = im[rows[0]:rows[0] + int(0.8 * (rows[-1] - rows[0])), :760]
        r, g, b = box[..., 0], box[..., 1], box[..., 2]
        grey = (abs(r - g) < 8) & (abs(g - b) < 8) & (r > 40)
        # NiiVue "warm" blended on grey CT: orange to yellow; not the pure red cross-hair.
        overlay = (r > 150) & (g > 60) & (b < g - 30)
        lit_frac = (box.sum(axis=2) > 48).mean()
        check(grey.mean() > 0.05, "viewer shows no CT (grey %.3f of the canvas)" % grey.mean())
        check(overlay.mean() > 0.01, "viewer shows no dose overlay (%.4f of the canvas)" % overlay.mean())
        check(len(np.unique(box.reshape(-1, 3), axis=0)) > 50, "viewer canvas is (nearly) uniform")
        print("viewer screenshot: %.1f %% lit, %.1f %% grey CT, %.1f %% dose overlay" %
              (100 * lit_frac, 100 * grey.mean(), 100 * overlay.mean()))

# ---- without the bundle ------------------------------------------------------------------------
env = dict(os.environ, BETADOSE_VIEWER_JS=os.path.join(WORK, "missing.js"))
code, out = fixtures.run([BETADOSE, "report", dose_h5, "--out", os.path.join(WORK, "nobundle.html")],
                         expect=2, env=env)
check("setup" in out and not os.path.exists(os.path.join(WORK, "nobundle.html")),
      "a missing viewer bundle is not refused clearly: " + out)
fixtures.run([BETADOSE, "report", dose_h5, "--no-viewer", "--out", os.path.join(WORK, "noviewer.html")], env=env)

fixtures.finish("report")
