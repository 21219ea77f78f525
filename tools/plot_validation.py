#!/usr/bin/python3
"""Plots for `betadose validate` from the CSV files the cases write into the output folder.

Usage: plot_validation.py CSV_DIR [PNG_DIR]   (Debian python3 with matplotlib; draws what data exist)

PNG_DIR (default CSV_DIR): where the plots go; betadose passes a staging folder of its output
layer, so no plot appears before the run's outputs are complete.

Recognised files (each CSV is dispatched on its columns, not only on its name, so a case that
adds a table does not break the others' plots):
  partition_ratios.csv   tumour_diameter_mm,tn_ratio,tumour_mc_over_model,tumour_sigma,
                         tumour_kernel_over_model,normal_mc_over_model,normal_sigma,...
  kernel_<name>.csv      curves: x,betadose,reference[,sigma,reference_name,x_label,y_label,log_y]
  kernel_study.csv       method,roi,mean_gy,mc_mean_gy,mc_se_gy,ratio_to_mc,...
Any other CSV is listed as skipped. Each PNG is written to a temporary file in PNG_DIR and
renamed over the target (no half-written image). Exit 1 if a recognised file could not be drawn.
"""
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

CURVE_COLUMNS = {"x", "betadose", "reference"}
PARTITION_COLUMNS = {"tumour_diameter_mm", "tn_ratio", "tumour_mc_over_model", "tumour_sigma",
                     "tumour_kernel_over_model", "normal_mc_over_model", "normal_sigma"}
METHOD_COLUMNS = {"method", "roi", "ratio_to_mc", "mc_mean_gy", "mc_se_gy"}


def read_rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def save(fig, png_path):
    tmp = png_path + ".tmp.png"
    fig.savefig(tmp, dpi=110)
    plt.close(fig)
    os.replace(tmp, png_path)


def plot_partition(rows, png_path):
    fig, (ax_t, ax_n) = plt.subplots(1, 2, figsize=(10, 4))
    for tn in sorted({float(r["tn_ratio"]) for r in rows}):
        sel = sorted((r for r in rows if float(r["tn_ratio"]) == tn), key=lambda r: float(r["tumour_diameter_mm"]))
        d = [float(r["tumour_diameter_mm"]) / 10 for r in sel]
        ax_t.errorbar(d, [float(r["tumour_mc_over_model"]) for r in sel],
                      yerr=[3 * float(r["tumour_sigma"]) for r in sel], marker="o", capsize=3,
                      label=f"MC, T/N={tn:g}")
        ax_t.plot(d, [float(r["tumour_kernel_over_model"]) for r in sel], "k--", lw=0.8)
        ax_n.errorbar(d, [float(r["normal_mc_over_model"]) for r in sel],
                      yerr=[3 * float(r["normal_sigma"]) for r in sel], marker="s", capsize=3,
                      label=f"MC, T/N={tn:g}")
    ax_t.set(xlabel="tumour diameter [cm]", ylabel="tumour dose: MC / partition model",
             title="Tumour (dashed: DPK expectation; bars 3σ)")
    ax_n.set(xlabel="tumour diameter [cm]", ylabel="normal liver dose: MC / partition model",
             title="Normal liver")
    ax_n.axhspan(0.96, 1.04, color="0.9", label="±4 %")
    for ax in (ax_t, ax_n):
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    save(fig, png_path)


def plot_curve(rows, png_path, title):
    x = [float(r["x"]) for r in rows]
    fig, ax = plt.subplots(figsize=(6, 4))
    sig = [3 * float(r.get("sigma") or 0) for r in rows]
    ax.errorbar(x, [float(r["betadose"]) for r in rows], yerr=sig, fmt="o", ms=3, label="betadose (3σ)")
    ax.plot(x, [float(r["reference"]) for r in rows], "k-", label=rows[0].get("reference_name") or "reference")
    ax.set(xlabel=rows[0].get("x_label") or "x", ylabel=rows[0].get("y_label") or "value", title=title)
    if rows[0].get("log_y") == "1":
        ax.set_yscale("log")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    save(fig, png_path)


def plot_methods(rows, png_path, title):
    """Grouped bars: ROI mean of each method / Monte Carlo, one group per ROI."""
    methods = list(dict.fromkeys(r["method"] for r in rows))
    rois = list(dict.fromkeys(r["roi"] for r in rows))
    value = {(r["method"], r["roi"]): float(r["ratio_to_mc"]) for r in rows}
    mc_rel = {r["roi"]: float(r["mc_se_gy"]) / float(r["mc_mean_gy"]) for r in rows if float(r["mc_mean_gy"]) > 0}
    fig, ax = plt.subplots(figsize=(9, 4.5))
    width = 0.8 / max(len(methods), 1)
    for m, method in enumerate(methods):
        xs = [i + (m - (len(methods) - 1) / 2) * width for i in range(len(rois))]
        ax.bar(xs, [value.get((method, roi), float("nan")) for roi in rois], width, label=method)
    ax.axhline(1.0, color="k", lw=0.8)
    ax.set_xticks(range(len(rois)))
    ax.set_xticklabels([f"{roi}\n(MC ±{100 * mc_rel.get(roi, 0):.2f} %)" for roi in rois])
    ax.set(ylabel="ROI mean / Monte Carlo", title=title)
    ax.set_ylim(0, max(2.0, 1.05 * max(value.values(), default=1.0)))
    ax.grid(alpha=0.3, axis="y")
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    save(fig, png_path)


def draw(csv_dir, png_dir, name):
    """Draws the plot of one CSV; returns the PNG path, or None when the file is not a known kind."""
    path = os.path.join(csv_dir, name)
    rows = read_rows(path)
    if not rows:
        return None
    columns = set(rows[0].keys())
    png = os.path.join(png_dir, name[:-4] + ".png")
    if PARTITION_COLUMNS <= columns:
        plot_partition(rows, png)
    elif CURVE_COLUMNS <= columns:
        plot_curve(rows, png, name[7:-4] if name.startswith("kernel_") else name[:-4])
    elif METHOD_COLUMNS <= columns:
        plot_methods(rows, png, "Kernel methods vs Monte Carlo (" + name[:-4] + ")")
    else:
        return None
    return png


def main():
    if len(sys.argv) not in (2, 3) or not all(os.path.isdir(d) for d in sys.argv[1:]):
        print("usage: plot_validation.py CSV_DIR [PNG_DIR]", file=sys.stderr)
        return 2
    csv_dir = sys.argv[1]
    png_dir = sys.argv[2] if len(sys.argv) == 3 else csv_dir
    failed = 0
    for name in sorted(os.listdir(csv_dir)):
        if not name.endswith(".csv"):
            continue
        try:
            png = draw(csv_dir, png_dir, name)
        except (KeyError, ValueError, OSError) as e:
            print(f"{name}: not drawn ({type(e).__name__}: {e})", file=sys.stderr)
            failed += 1
            continue
        print(f"{name}: {'-> ' + os.path.basename(png) if png else 'skipped (columns of no known plot)'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
