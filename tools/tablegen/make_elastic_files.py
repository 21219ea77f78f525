#!/usr/bin/python3
"""Write the elastic-scattering transport cross sections of betadose (materials/elastic/ZNN.csv)
from the PENELOPE electron elastic database.

Usage: /usr/bin/python3 tools/tablegen/make_elastic_files.py PDFILES_DIR [MATERIALS_DIR] [--source TEXT]

PDFILES_DIR holds PENELOPE's files eeldxZZZ.p08 (PENELOPE-2014/2018 database; one copy is
github.com/PenRed/PenRed, dataBases/penmaterials/pdfiles). Each energy block of such a file
starts with a line "IELEC Z E[eV] sigma_el sigma_1 sigma_2" (cross sections per atom [cm2]),
followed by the DCS at 606 angles, which betadose does not need: the condensed-history scheme
uses only the first and second transport cross sections (kernels/electron_interactions.hh).
The numbers are copied unchanged (a table of facts, with its provenance in the file header),
for the elements of the shipped materials (materials/*.material, materials/ct/*.material) and
the energies 0.5 keV - 5 MeV (the transport table spans 1 keV - 3 MeV; the extra nodes give
the interpolating spline its end conditions).

Deterministic: the same input gives byte-identical output.
"""
import glob
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))

SYMBOLS = ["", "H", "He", "Li", "Be", "B", "C", "N", "O", "F", "Ne", "Na", "Mg", "Al", "Si", "P", "S",
           "Cl", "Ar", "K", "Ca", "Sc", "Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Ga", "Ge",
           "As", "Se", "Br", "Kr", "Rb", "Sr", "Y", "Zr", "Nb", "Mo", "Tc", "Ru", "Rh", "Pd", "Ag", "Cd",
           "In", "Sn", "Sb", "Te", "I", "Xe", "Cs", "Ba", "La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu", "Gd",
           "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Hf", "Ta", "W", "Re", "Os", "Ir", "Pt", "Au", "Hg",
           "Tl", "Pb", "Bi", "Po", "At", "Rn", "Fr", "Ra", "Ac", "Th", "Pa", "U"]

E_MIN_EV = 500.0
E_MAX_EV = 5.0e6


def elements_in_materials(materials_dir):
    zs = set()
    for path in sorted(glob.glob(os.path.join(materials_dir, "*.material")) +
                       glob.glob(os.path.join(materials_dir, "ct", "*.material"))):
        with open(path) as f:
            for line in f:
                cells = line.split("#", 1)[0].split()
                if len(cells) >= 2 and cells[0] == "element":
                    sym = cells[1]
                    zs.add(int(sym) if sym.isdigit() else SYMBOLS.index(sym))
    return sorted(zs)


def read_blocks(path, Z):
    rows = []
    with open(path) as f:
        for line in f:
            cells = line.split()
            # Block header: IELEC (-1 electrons) and Z are integers, then 4 reals.
            if len(cells) == 6 and cells[0] == "-1" and cells[1] == str(Z):
                rows.append(tuple(cells[2:6]))
    if not rows:
        sys.exit(f"{path}: no electron block headers for Z={Z}")
    return rows


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--source=")]
    source = next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--source=")),
                  "PENELOPE-2018 database")
    if not args:
        sys.exit(__doc__)
    pdfiles = args[0]
    materials_dir = args[1] if len(args) > 1 else os.path.join(ROOT, "materials")
    out_dir = os.path.join(materials_dir, "elastic")
    os.makedirs(out_dir, exist_ok=True)
    for Z in elements_in_materials(materials_dir):
        path = os.path.join(pdfiles, f"eeldx{Z:03d}.p08")
        rows = [r for r in read_blocks(path, Z) if E_MIN_EV * 0.999 <= float(r[0]) <= E_MAX_EV * 1.001]
        energies = [float(r[0]) for r in rows]
        if energies != sorted(energies) or len(set(energies)) != len(energies):
            sys.exit(f"{path}: energies not strictly increasing")
        text = [
            f"# betadose elastic transport cross sections of Z={Z} ({SYMBOLS[Z]}) for electrons, per atom [cm2]",
            "# Dirac partial-wave (DPWA) cross sections of ELSEPA (F. Salvat, A. Jablonski, C. J. Powell,",
            "# Comput. Phys. Commun. 165 (2005) 157): static field of the Dirac-Fock atomic electron density",
            "# with a Fermi nuclear charge distribution, Furness-McCarthy exchange; as tabulated in the",
            "# PENELOPE electron elastic database (F. Salvat, PENELOPE-2018, NEA/MBDAV/R(2019)1, sec. 3.1),",
            f"# file eeldx{Z:03d}.p08, block headers copied unchanged ({source}).",
            "# sigma_el = total elastic; sigma1 = 2pi Int (1 - cos t) dsigma/dOmega dcos t;",
            "# sigma2 = 2pi Int (3/2)(1 - cos^2 t) dsigma/dOmega dcos t (first and second transport).",
            "# Written by tools/tablegen/make_elastic_files.py. Do not edit: regenerate.",
            "E_eV,sigma_el_cm2,sigma1_cm2,sigma2_cm2",
        ]
        text += [",".join(r) for r in rows]
        with open(os.path.join(out_dir, f"Z{Z:02d}.csv"), "w") as f:
            f.write("\n".join(text) + "\n")
        print(f"Z={Z:2d}: {len(rows)} energies {energies[0]:g}-{energies[-1]:g} eV")


if __name__ == "__main__":
    main()
