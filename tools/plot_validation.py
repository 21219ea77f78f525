#!/usr/bin/python3
"""Plots for `betadose validate` from the CSV files the cases write into the output folder.

Usage: plot_validation.py CSV_DIR [PNG_DIR]   (Debian python3 with matplotlib; draws what data exist)
"""
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def read_rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def plot_partition(csv_dir, out):
    path = os.path.join(csv_dir, "partition_ratios.csv")
    if not os.path.exists(path):
        return
    rows = read_rows(path)
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
    fig.savefig(os.path.join(out, "partition_ratios.png"), dpi=110)


def plot_kernels(csv_dir, out):
    """Any file kernel_<name>.csv with columns r_mm,betadose,reference[,sigma]."""
    for name in sorted(os.listdir(csv_dir)):
        if not (name.startswith("kernel_") and name.endswith(".csv")):
            continue
        rows = read_rows(os.path.join(csv_dir, name))
        if not rows:
            continue
        x = [float(r["x"]) for r in rows]
        fig, ax = plt.subplots(figsize=(6, 4))
        sig = [3 * float(r.get("sigma") or 0) for r in rows]
        ax.errorbar(x, [float(r["betadose"]) for r in rows], yerr=sig, fmt="o", ms=3, label="betadose (3σ)")
        ax.plot(x, [float(r["reference"]) for r in rows], "k-", label=rows[0].get("reference_name", "reference"))
        ax.set(xlabel=rows[0].get("x_label", "r"), ylabel=rows[0].get("y_label", "value"), title=name[7:-4])
        if rows[0].get("log_y") == "1":
            ax.set_yscale("log")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(os.path.join(out, name[:-4] + ".png"), dpi=110)


def main():
    # argv[1]: folder of the validation CSVs; argv[2] (optional): where the PNGs go (betadose
    # passes a staging folder of its output layer, so no plot appears before it is complete).
    csv_dir = sys.argv[1]
    out = sys.argv[2] if len(sys.argv) > 2 else csv_dir
    plot_partition(csv_dir, out)
    plot_kernels(csv_dir, out)


if __name__ == "__main__":
    main()
