#!/usr/bin/python3
"""Microsphere studies of validation/microspheres/report.md: runs `betadose spheres` (argument
vectors, no shell), collects the results into validation/microspheres/results.json and draws
the figures. Compared with the published trends in the report; nothing here is tuned to them.

Usage: /usr/bin/python3 tools/run_microsphere_studies.py [BUILD_DIR] [OUT_DIR] [--only NAME]
  BUILD_DIR  default build/ (the betadose program);  OUT_DIR  default validation/microspheres
Studies (names for --only): walrand_lattice, walrand_tree_liver, walrand_tree_box, pasciak,
hogberg, glass_days_resin. Kernels are cached in OUT_DIR/../../build/spheres-kernels (not
committed). About 15-25 minutes on 2 shared cores.
"""
import json
import os
import subprocess
import sys
import time

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, ".."))


def run(betadose, work, name, args):
    out = os.path.join(work, name + ".h5")
    argv = [betadose, "spheres"] + args + ["--out", out, "--json", "--seed", "1",
                                           "--kernel-cache", os.path.join(work, "kernels")]
    t0 = time.time()
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.time() - t0
    if p.returncode != 0:
        sys.exit(f"{name}: betadose spheres failed ({p.returncode}):\n{p.stderr}")
    res = json.loads(p.stdout.strip().splitlines()[-1])
    with h5py.File(out, "r") as f:
        for r in res["results"]:
            g = f["products"][r["product"]]
            r["min_dose_gy"] = float(np.mean(g["min_dose_gy"][()]))
            r["min_dose_gy_lowest"] = float(np.min(g["min_dose_gy"][()]))
    print(f"{name}: {wall:.0f} s", flush=True)
    return {"args": args, "wall_s": round(wall, 1), "results": res["results"], "h5": out}


def dvh(h5, product):
    with h5py.File(h5, "r") as f:
        return f["dvh_dose_gy"][()], f["products"][product]["dvh_volume_fraction"][()]


def band(ax, dose, v, label):
    med = np.median(v, axis=0)
    line, = ax.plot(dose, 100 * med, lw=1.5, label=label)
    ax.fill_between(dose, 100 * v.min(0), 100 * v.max(0), color=line.get_color(), alpha=0.25, lw=0)


def main(argv):
    only = None
    if "--only" in argv:
        i = argv.index("--only")
        only = argv[i + 1]
        argv = argv[:i] + argv[i + 2:]
    build = argv[0] if argv else os.path.join(ROOT, "build")
    out_dir = argv[1] if len(argv) > 1 else os.path.join(ROOT, "validation", "microspheres")
    betadose = os.path.join(build, "betadose")
    work = os.path.join(build, "spheres-studies")
    os.makedirs(work, exist_ok=True)
    os.makedirs(out_dir, exist_ok=True)
    results_path = os.path.join(out_dir, "results.json")
    results = json.load(open(results_path)) if os.path.exists(results_path) else {}
    want = lambda n: only is None or only == n  # noqa: E731
    box = ["--box-mm", "20", "--voxel-um", "100"]

    # Walrand 2014: periodic placement of glass at 120 Gy.
    if want("walrand_lattice"):
        results["walrand_lattice"] = run(betadose, work, "walrand_lattice",
                                         ["--product", "glass", "--mean-dose-gy", "120", "--model", "lattice",
                                          "--realisations", "3"] + box)
    # Walrand 2014: arterial tree, p = 0.6 and 0.5, at whole-liver scale on a coarse grid
    # (128 mm periodic cube = 2.1 L at 500 µm; lobules of 1.5 mm3 = 12 voxels, depth 20) ...
    if want("walrand_tree_liver"):
        liver = ["--box-mm", "128", "--voxel-um", "500", "--lobule-volume-mm3", "1.5", "--realisations", "3"]
        results["walrand_tree_liver"] = {
            p: run(betadose, work, f"walrand_tree_liver_p{p}",
                   ["--product", "glass", "--mean-dose-gy", "120", "--model", "tree", "--tree-p", p] + liver)
            for p in ("0.5", "0.6")}
    # ... and in a 2 cm box at 100 µm (depth 12), where cross-fire evens the lower branches out.
    if want("walrand_tree_box"):
        results["walrand_tree_box"] = run(betadose, work, "walrand_tree_box",
                                          ["--product", "glass", "--mean-dose-gy", "120", "--model", "tree",
                                           "--tree-p", "0.6", "--realisations", "5"] + box)
    # Pasciak 2016: D70 of glass against the number of spheres per mL (activity per sphere
    # lowered by decay: days 0-20 after calibration), 120 Gy, poisson, 10 mm box at 100 µm.
    if want("pasciak"):
        results["pasciak"] = {
            d: run(betadose, work, f"pasciak_day{d}",
                   ["--product", "glass", "--mean-dose-gy", "120", "--model", "poisson", "--days-after-calibration", d,
                    "--box-mm", "10", "--voxel-um", "100", "--realisations", "5"])
            for d in ("0", "4", "8", "12", "16", "20")}
    # Högberg 2015: resin in normal liver (mean 40 Gy assumed), clusters vs poisson, 50 µm voxels.
    if want("hogberg"):
        hb = ["--product", "resin", "--mean-dose-gy", "40", "--box-mm", "5", "--voxel-um", "50", "--realisations", "5"]
        results["hogberg"] = {m: run(betadose, work, f"hogberg_{m}", hb + ["--model", m]) for m in ("poisson", "cluster")}
    # Glass day 0 vs day 8 vs resin at equal mean dose (120 Gy), poisson, 20 mm at 100 µm.
    if want("glass_days_resin"):
        results["glass_days_resin"] = {
            "day0": run(betadose, work, "glass_resin_day0",
                        ["--product", "glass,resin", "--mean-dose-gy", "120", "--model", "poisson", "--realisations", "10"] + box),
            "day8": run(betadose, work, "glass_day8",
                        ["--product", "glass", "--mean-dose-gy", "120", "--model", "poisson", "--realisations", "10",
                         "--days-after-calibration", "8"] + box)}

    h5s = {}
    for k, v in results.items():
        if isinstance(v, dict) and "h5" not in v:
            for kk, vv in v.items():
                h5s[f"{k}/{kk}"] = vv.pop("h5", None) or vv.get("_h5")
        elif isinstance(v, dict):
            h5s[k] = v.pop("h5")
    with open(results_path, "w") as f:
        json.dump(results, f, indent=1, sort_keys=True)

    # Figures (only for the studies run now).
    if "glass_days_resin/day0" in h5s and h5s["glass_days_resin/day0"]:
        fig, ax = plt.subplots(figsize=(6.4, 4.0), dpi=100)
        d0 = h5s["glass_days_resin/day0"]
        for prod, label in (("glass", "glass, day 0 (2500 Bq)"), ("resin", "resin (50 Bq)")):
            dose, v = dvh(d0, prod)
            band(ax, dose, v, label)
        dose, v = dvh(h5s["glass_days_resin/day8"], "glass")
        band(ax, dose, v, "glass, day 8 (314 Bq)")
        ax.set_xlim(0, 250)
        ax.set_ylim(0, 101)
        ax.set_xlabel("absorbed dose [Gy]")
        ax.set_ylabel("tissue volume ≥ dose [%]")
        ax.set_title("120 Gy mean, poisson, 20 mm periodic box, 100 µm voxels, 10 realisations", fontsize=9)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(os.path.join(out_dir, "glass_vs_resin_dvh.png"))
    if "pasciak/0" in h5s:
        fig, ax = plt.subplots(figsize=(6.0, 3.8), dpi=100)
        n = [results["pasciak"][d]["results"][0]["spheres_per_ml"] for d in results["pasciak"]]
        d70 = [results["pasciak"][d]["results"][0]["d70_gy"] for d in results["pasciak"]]
        sd = [results["pasciak"][d]["results"][0]["sd"]["d70_gy"] for d in results["pasciak"]]
        order = np.argsort(n)
        ax.errorbar(np.array(n)[order], np.array(d70)[order], yerr=np.array(sd)[order], marker="o")
        ax.axvline(20000, color="grey", ls="--", lw=1, label="20,000 spheres/mL (Pasciak 2016)")
        ax.set_xscale("log")
        ax.set_xlabel("glass spheres per mL (120 Gy mean)")
        ax.set_ylabel("D70 [Gy]")
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(os.path.join(out_dir, "pasciak_d70.png"))
    print(f"results: {results_path}")


if __name__ == "__main__":
    main(sys.argv[1:])
