#!/usr/bin/python3
"""Write materials/nuclides/Y-90.nuclide from the ICRP-107 reference data (deterministic).

Usage: /usr/bin/python3 tools/tablegen/make_nuclide_files.py [REFERENCE_DIR] [MATERIALS_DIR]
Inputs: shared/reference/y90_icrp107_record.json (half-life, branches, IE/Auger/X/gamma lines)
        shared/reference/y90_beta_spectrum_icrp107.csv (tabulated beta spectrum).
Format: materials/README.md ("Nuclide files"). Ho-166 / Lu-177 follow as data files in the same
format; their ICRP-107 records are not in shared/reference, so they are not shipped.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
REF = sys.argv[1] if len(sys.argv) > 1 else os.path.normpath(os.path.join(ROOT, "..", "shared", "reference"))
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "materials")

HEADER = """# betadose nuclide definition, format v1 (see materials/README.md):
#   name        nuclide name, equal to the file name without '.nuclide'
#   half_life   <value> <unit: s|min|h|d|y>
#   source      provenance (rest of the line)
#   beta_branch <mean energy MeV> <betas per decay>      listed branch data (yield, mean check)
#   electron    <energy MeV> <per decay> <ie|auger>       discrete electrons
#   photon      <energy MeV> <per decay> <gamma|x>        photons
#   spectrum    <E MeV> <N per MeV per decay>             beta spectrum of all branches combined,
#               strictly increasing E, N >= 0, last point N = 0 (the endpoint)
"""


def main():
    rec = json.load(open(os.path.join(REF, "y90_icrp107_record.json")))
    spec_path = os.path.join(REF, "y90_beta_spectrum_icrp107.csv")
    prov = [l.rstrip("\n") for l in open(spec_path) if l.startswith("#")]
    rows = [l.strip().split(",") for l in open(spec_path) if l.strip() and not l.startswith("#")][1:]
    assert rec["time_unit"] == "h"
    path = os.path.join(OUT, "nuclides", "Y-90.nuclide")
    with open(path, "w") as f:
        f.write(HEADER)
        f.write("# Written by tools/tablegen/make_nuclide_files.py from shared/reference/y90_icrp107_record.json\n")
        f.write("# (ICRP Publication 107 record as in github.com/OpenGATE/icrp107-database) and\n")
        for p in prov:
            f.write(f"#   {p.lstrip('# ')}\n")
        f.write("name        Y-90\n")
        f.write(f"half_life   {rec['half_life']} h\n")
        f.write("source      ICRP Publication 107 (Eckerman & Endo 2008, Ann ICRP 38(3)): T1/2 = 64.1 h, "
                "beta spectrum ICRP-07.BET (120 points, endpoint 2.2801 MeV)\n")
        for e, y in rec["emissions"]["beta-"]:
            f.write(f"beta_branch {e} {y}\n")
        for e, y in rec["emissions"]["IE"]:
            f.write(f"electron    {e} {y} ie\n")
        for e, y in rec["emissions"]["auger"]:
            f.write(f"electron    {e} {y} auger\n")
        for e, y in rec["emissions"]["gamma"]:
            f.write(f"photon      {e} {y} gamma\n")
        for e, y in rec["emissions"]["X"]:
            f.write(f"photon      {e} {y} x\n")
        for e, n in rows:
            f.write(f"spectrum    {e} {n}\n")
    # The JSON's own copy of the spectrum must be the csv's.
    assert [[float(e), float(n)] for e, n in rows] == rec["emissions"]["b-spectra"]


if __name__ == "__main__":
    os.makedirs(os.path.join(OUT, "nuclides"), exist_ok=True)
    main()
