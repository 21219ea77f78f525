#!/usr/bin/python3
"""Write materials/nuclides/<name>.nuclide from ICRP-107 decay data (deterministic).

Usage: /usr/bin/python3 tools/tablegen/make_nuclide_files.py [REFERENCE_DIR] [MATERIALS_DIR]
                                                             [--ho166-json PATH]
Inputs:
  Y-90   shared/reference/y90_icrp107_record.json (half-life, branches, IE/Auger/X/gamma lines)
         shared/reference/y90_beta_spectrum_icrp107.csv (tabulated beta spectrum).
  Ho-166 the ICRP-107 record of github.com/OpenGATE/icrp107-database (commit f090e3e,
         icrp107_database/icrp107/Ho-166.json; the file holds the JSON record as a JSON string),
         given with --ho166-json; its beta spectrum is the record's "b-spectra" (ICRP-07.BET).
         Without --ho166-json the shipped Ho-166.nuclide is left as it is.
Format: materials/README.md ("Nuclide files").
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))

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


def write_emissions(f, rec, spectrum_rows):
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
    for e, n in spectrum_rows:
        f.write(f"spectrum    {e} {n}\n")


def write_y90(ref, out):
    rec = json.load(open(os.path.join(ref, "y90_icrp107_record.json")))
    spec_path = os.path.join(ref, "y90_beta_spectrum_icrp107.csv")
    prov = [l.rstrip("\n") for l in open(spec_path) if l.startswith("#")]
    rows = [l.strip().split(",") for l in open(spec_path) if l.strip() and not l.startswith("#")][1:]
    assert rec["time_unit"] == "h"
    with open(os.path.join(out, "nuclides", "Y-90.nuclide"), "w") as f:
        f.write(HEADER)
        f.write("# Written by tools/tablegen/make_nuclide_files.py from shared/reference/y90_icrp107_record.json\n")
        f.write("# (ICRP Publication 107 record as in github.com/OpenGATE/icrp107-database) and\n")
        for p in prov:
            f.write(f"#   {p.lstrip('# ')}\n")
        f.write("name        Y-90\n")
        f.write(f"half_life   {rec['half_life']} h\n")
        f.write("source      ICRP Publication 107 (Eckerman & Endo 2008, Ann ICRP 38(3)): T1/2 = 64.1 h, "
                "beta spectrum ICRP-07.BET (120 points, endpoint 2.2801 MeV)\n")
        write_emissions(f, rec, rows)
    # The JSON's own copy of the spectrum must be the csv's.
    assert [[float(e), float(n)] for e, n in rows] == rec["emissions"]["b-spectra"]


def write_ho166(path, out):
    raw = json.load(open(path))
    rec = json.loads(raw) if isinstance(raw, str) else raw
    assert rec["name"] == "Ho-166" and rec["time_unit"] == "h"
    spec = rec["emissions"]["b-spectra"]
    assert spec[-1][1] == 0.0
    rows = [[f"{e}", f"{n}"] for e, n in spec]
    with open(os.path.join(out, "nuclides", "Ho-166.nuclide"), "w") as f:
        f.write(HEADER)
        f.write("# Written by tools/tablegen/make_nuclide_files.py from the ICRP Publication 107 record of\n")
        f.write("#   github.com/OpenGATE/icrp107-database, icrp107_database/icrp107/Ho-166.json (commit f090e3e,\n")
        f.write("#   2025-11-05): half-life, beta branches, IE/Auger/X/gamma lines and the beta spectrum\n")
        f.write(f"#   (\"b-spectra\", ICRP-07.BET, {len(spec)} points, endpoint {spec[-1][0]} MeV, all branches combined).\n")
        f.write("# The transport samples one beta per decay from the spectrum; the discrete electrons and\n")
        f.write("# photons (80.6 keV gamma, 6.7 %; 1.38 MeV, 0.9 %; Dy K x rays) are listed for the energy\n")
        f.write("# budget but not transported (materials/README.md, 'What the transport emits').\n")
        f.write("name        Ho-166\n")
        f.write(f"half_life   {rec['half_life']} h\n")
        f.write(f"source      ICRP Publication 107 (Eckerman & Endo 2008, Ann ICRP 38(3)): T1/2 = {rec['half_life']} h, "
                f"beta spectrum ICRP-07.BET ({len(spec)} points, endpoint {spec[-1][0]} MeV)\n")
        write_emissions(f, rec, rows)


def main(argv):
    ho = None
    pos = []
    i = 0
    while i < len(argv):
        if argv[i] == "--ho166-json":
            ho = argv[i + 1]
            i += 2
        else:
            pos.append(argv[i])
            i += 1
    ref = pos[0] if len(pos) > 0 else os.path.normpath(os.path.join(ROOT, "..", "shared", "reference"))
    out = pos[1] if len(pos) > 1 else os.path.join(ROOT, "materials")
    os.makedirs(os.path.join(out, "nuclides"), exist_ok=True)
    write_y90(ref, out)
    if ho:
        write_ho166(ho, out)


if __name__ == "__main__":
    main(sys.argv[1:])
