#!/usr/bin/python3
"""Write the betadose material definitions and the default CT calibration from the reference data.

Usage: /usr/bin/python3 tools/tablegen/make_material_files.py [REFERENCE_DIR] [MATERIALS_DIR]
(defaults: ../shared/reference and materials/ next to this checkout).

Deterministic: the same reference files give byte-identical output. Writes
  materials/<name>.material                      base materials (compositions from
                                                 material_compositions.csv, glass/resin from
                                                 their stoichiometry)
  materials/calibration/schneider2000_density.csv
  materials/calibration/schneider2000_materials.csv
  materials/ct/schneider-<bin>.material          one per Schneider 2000 composition bin
The format is documented in materials/README.md.
"""
import csv
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
REF = sys.argv[1] if len(sys.argv) > 1 else os.path.normpath(os.path.join(ROOT, "..", "shared", "reference"))
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "materials")

# IUPAC 2001 standard atomic weights (same values as src/physics/elements.cpp)
ATOMIC_WEIGHT = {"H": 1.00794, "C": 12.0107, "N": 14.0067, "O": 15.9994, "Al": 26.981538,
                 "Si": 28.0855, "S": 32.065, "Y": 88.90585}

FORMAT_HEADER = """# betadose material definition, format v1 (see materials/README.md):
#   one 'key value' per line, '#' starts a comment;
#   name           canonical name, equal to the file name without '.material'
#   density_g_cm3  nominal mass density [g/cm3] (the density effect is evaluated at it)
#   I_eV           mean excitation energy [eV], or 'bragg' for the Bragg additivity rule
#                  (ICRU 37 eq. 2.4 with the condensed-phase elemental values of its Table 2.11)
#   source         provenance (rest of the line)
#   element        <symbol or Z> <mass fraction>   (one line per element; the fractions must
#                  sum to 1 within 1e-3 and are renormalised exactly)
"""


def read_csv(path):
    with open(path) as f:
        provenance = []
        rows = []
        for line in f:
            if line.startswith("#"):
                provenance.append(line.rstrip("\n"))
            elif line.strip():
                rows.append(line)
    return provenance, list(csv.reader(rows))


def fmt(x):
    return f"{x:.6g}"


def write_material(path, name, density, I_eV, source, elements, comments=()):
    total = sum(w for _, w in elements)
    assert abs(total - 1) <= 1e-3, (name, total)
    with open(path, "w") as f:
        f.write(FORMAT_HEADER)
        for c in comments:
            f.write(f"# {c}\n")
        f.write(f"name           {name}\n")
        f.write(f"density_g_cm3  {fmt(density)}\n")
        f.write(f"I_eV           {I_eV if isinstance(I_eV, str) else fmt(I_eV)}\n")
        f.write(f"source         {source}\n")
        for sym, w in elements:
            if w > 0:
                f.write(f"element        {sym:<3s} {w:.6g}\n")


def stoichiometric(molecules):
    """molecules: list of (mole fraction, {symbol: atoms}) -> [(symbol, mass fraction)]"""
    mass = {}
    for x, atoms in molecules:
        for sym, n in atoms.items():
            mass[sym] = mass.get(sym, 0.0) + x * n * ATOMIC_WEIGHT[sym]
    total = sum(mass.values())
    return [(s, mass[s] / total) for s in sorted(mass, key=lambda s: ATOMIC_WEIGHT[s])]


def base_materials():
    prov, rows = read_csv(os.path.join(REF, "material_compositions.csv"))
    header = rows[0]
    table = {r[0]: r for r in rows[1:]}
    estar_note = ("NIST ESTAR composition, density and I as reproduced in EGSnrc "
                  "HEN_HOUSE/pegs4/density_corrections/compounds (nrc-cnrc/EGSnrc 9edee3e), via "
                  "shared/reference/material_compositions.csv")
    # canonical name -> (reference row, extra comments)
    chosen = {
        "water": ("water_liquid", ["I = 75 eV as NIST ESTAR (ICRU 37). ICRU Report 90 (2016) recommends",
                                   "I = 78 eV for liquid water (Geant4 G4_WATER); use a copy of this file",
                                   "with I_eV 78 to study that variant (~1 % lower collision stopping power",
                                   "at 10 keV, ~0.3 % at 1 MeV)."]),
        "air": ("air_dry_nearsealevel", ["Dry air near sea level; I is the gas-phase ESTAR value."]),
        "lung": ("lung_inflated_icru_1986", ["ICRU-44 (1989)/ICRU 46 adult lung composition at the inflated-lung",
                                              "density 0.26 g/cm3 (ESTAR 'lung_inflated_icru_1986'). Not water",
                                              "scaled to 0.26: the density effect is evaluated at 0.26 g/cm3."]),
        "lung-tissue": ("lungtissue_icru_1986", ["Same composition as 'lung' at the tissue density 1.05 g/cm3."]),
        "adipose": ("adiposetissue_icrp", ["ESTAR 'ADIPOSE TISSUE (ICRP)'."]),
        "soft-tissue": ("tissue_soft_icrp", ["ESTAR 'TISSUE, SOFT (ICRP)' (ICRP Publication 23 composition), the",
                                             "soft tissue of NIST ESTAR; see soft-tissue-icru4 for the ICRU",
                                             "four-component model."]),
        "soft-tissue-icru4": ("tissue_soft_icrufour-component",
                              ["ESTAR 'TISSUE, SOFT (ICRU FOUR-COMPONENT)': H, C, N, O only."]),
        "liver": ("liver_icru_1986", ["ICRU-44 (1989) adult liver."]),
        "muscle": ("muscle_skeletal_icrp", ["ESTAR 'MUSCLE, SKELETAL (ICRP)'."]),
        "cortical-bone": ("bone_cortical_icrp", ["ESTAR 'BONE, CORTICAL (ICRP)' at 1.85 g/cm3."]),
        "bone-compact-icru": ("bone_compact_icru", ["ESTAR 'BONE, COMPACT (ICRU)': the 'Bone compact ICRU' of",
                                                     "the Lanconelli et al. 2012 bone voxel S-values."]),
        "blood": ("GATE_Blood", ["ICRU-44 (1989) whole blood composition as in the GATE material",
                                 "database; that database gives no I, so I follows from the Bragg rule."]),
    }
    for name, (ref, comments) in chosen.items():
        r = table[ref]
        source_kind = r[1]
        density = float(r[2])
        I_eV = float(r[3]) if r[3] else "bragg"
        elements = [(header[i], float(r[i])) for i in range(4, len(header))]
        if source_kind.startswith("ESTAR"):
            source = f"{estar_note}, row '{ref}'"
        else:
            source = (f"{source_kind} (GateMaterials.db, GATE v9) via shared/reference/"
                      f"material_compositions.csv, row '{ref}'")
        write_material(os.path.join(OUT, f"{name}.material"), name, density, I_eV, source, elements,
                       comments)

    # TheraSphere glass: yttrium aluminosilicate 17 Y2O3 - 19 Al2O3 - 64 SiO2 (mol %).
    glass = stoichiometric([(0.17, {"Y": 2, "O": 3}), (0.19, {"Al": 2, "O": 3}), (0.64, {"Si": 1, "O": 2})])
    write_material(os.path.join(OUT, "glass.material"), "glass", 3.29, "bragg",
                   "Erbe EM, Day DE, J Biomed Mater Res 27:1301-1308 (1993): 17Y2O3-19Al2O3-64SiO2 "
                   "mol% (TheraSphere yttrium aluminosilicate); density 3.29 g/cm3 (TheraSphere "
                   "package insert / Kennedy et al., IJROBP 60:1552, 2004)", glass,
                   ["TheraSphere (BTG/Boston Scientific) glass microspheres, 20-30 um.",
                    "Mass fractions computed from the mol% with IUPAC atomic weights",
                    "(tools/tablegen/make_material_files.py)."])
    # SIR-Spheres resin: sulfonated polystyrene-divinylbenzene cation-exchange resin.
    # Repeat unit styrene sulfonic acid C8H8O3S with 4 mol% divinylbenzene C10H10 cross-linker
    # (Aminex 50W-X4 type resin, the SIR-Spheres base material); bound 90Y (<1e-3 by mass) and
    # water of hydration are neglected.
    resin = stoichiometric([(0.96, {"C": 8, "H": 8, "O": 3, "S": 1}), (0.04, {"C": 10, "H": 10})])
    write_material(os.path.join(OUT, "resin.material"), "resin", 1.6, "bragg",
                   "Sulfonated polystyrene-divinylbenzene (C8H8O3S with 4 mol% C10H10) ion-exchange "
                   "resin of SIR-Spheres (Sirtex package insert; Kennedy et al., IJROBP 68:13, "
                   "2007); density ~1.6 g/cm3 (Sirtex IFU)", resin,
                   ["SIR-Spheres (Sirtex) resin microspheres, 20-60 um, 90Y bound to the resin.",
                    "The composition is an approximation (cross-link fraction 4 mol%; hydration",
                    "water and counter-ions neglected): adequate for the micro-scale",
                    "self-absorption of betas, not a manufacturer's specification."])


def ct_materials():
    dprov, drows = read_csv(os.path.join(REF, "hu_density_schneider2000.csv"))
    nodes = [(float(h), float(d)) for h, d in drows[1:]]

    def density_at(hu):
        if hu <= nodes[0][0]:
            return nodes[0][1]
        for (h0, d0), (h1, d1) in zip(nodes, nodes[1:]):
            if hu <= h1:
                return d0 + (d1 - d0) * (hu - h0) / (h1 - h0)
        (h0, d0), (h1, d1) = nodes[-2], nodes[-1]
        return d1 + (d1 - d0) * (hu - h1) / (h1 - h0)

    with open(os.path.join(OUT, "calibration", "schneider2000_density.csv"), "w") as f:
        f.write("# betadose CT calibration: HU -> mass density [g/cm3], piecewise linear between nodes\n")
        f.write("# (strictly increasing HU; below the first node the first density is used, above the last\n")
        f.write("# node the last segment is extrapolated). Copied from shared/reference/hu_density_schneider2000.csv:\n")
        for p in dprov:
            f.write(f"#   {p.lstrip('# ')}\n")
        f.write("HU,density_g_cm3\n")
        for r in drows[1:]:
            f.write(f"{r[0]},{r[1]}\n")

    mprov, mrows = read_csv(os.path.join(REF, "hu_materials_schneider2000.csv"))
    header = mrows[0]
    syms = header[1:-1]
    rows = mrows[1:]
    # The OpenGATE table ends with a second 'MetallImplants' row at 3000 HU that only marks the
    # end of the table: merge it and extend the last bin to 4000 HU (top of the accepted range).
    assert rows[-1][-1] == rows[-2][-1] == "MetallImplants"
    rows = rows[:-1]
    lowers = [float(r[0]) for r in rows]
    uppers = lowers[1:] + [4000.0]
    lowers[0] = -1100.0  # extend the air bin from -1050 to the bottom of the accepted range
    pretty = {"Air": "air", "Lung": "lung", "SoftTissus": "soft-tissue",
              "ConnectiveTissue": "connective-tissue", "AmalgamTooth": "amalgam-tooth",
              "MetallImplants": "metal-implant"}
    bins = []
    for r, lo, hi in zip(rows, lowers, uppers):
        orig = r[-1]
        stem = pretty.get(orig, orig.lower().replace("_", "-"))
        name = f"schneider-{stem}"
        elements = [(s, float(v) / 100.0) for s, v in zip(syms, r[1:-1])]
        rho = density_at(0.5 * (lo + hi))
        total = sum(w for _, w in elements)
        # Air is a gas: the condensed-phase Bragg rule would give 88.0 eV; use ESTAR's dry-air
        # value (the bin's composition is dry air).
        I_eV = 85.7 if orig == "Air" else "bragg"
        write_material(
            os.path.join(OUT, "ct", f"{name}.material"), name, rho, I_eV,
            f"Schneider, Bortfeld, Schlegel, Phys Med Biol 45:459 (2000) bin '{orig}' "
            f"(HU {r[0]}..), as shipped with OpenGATE Schneider2000MaterialsTable.txt (d37427e), "
            f"via shared/reference/hu_materials_schneider2000.csv",
            elements,
            [f"CT bin [{lo:g}, {hi:g}) HU. Nominal density = calibration curve at the bin centre",
             f"({0.5 * (lo + hi):g} HU); voxel densities come from the HU -> density curve.",
             f"Mass % in the table sum to {100 * total:.4g} %; renormalised on load."]
            + (["I = 85.7 eV: NIST ESTAR dry air (gas phase), not the condensed-phase Bragg rule."]
               if orig == "Air" else []))
        bins.append((lo, hi, name))

    with open(os.path.join(OUT, "calibration", "schneider2000_materials.csv"), "w") as f:
        f.write("# betadose CT calibration: HU -> material bins [HU_lower, HU_upper); consecutive bins must\n")
        f.write("# touch (HU_upper of a row = HU_lower of the next); 'material' names a materials/**/*.material.\n")
        f.write("# From shared/reference/hu_materials_schneider2000.csv:\n")
        for p in mprov:
            f.write(f"#   {p.lstrip('# ')}\n")
        f.write("# Changes: first bin starts at -1100 HU (was -1050); the final 3000 HU 'MetallImplants'\n")
        f.write("# end row is merged into the 2300 HU bin, which extends to 4000 HU.\n")
        f.write("HU_lower,HU_upper,material\n")
        for lo, hi, name in bins:
            f.write(f"{lo:g},{hi:g},{name}\n")


if __name__ == "__main__":
    os.makedirs(os.path.join(OUT, "ct"), exist_ok=True)
    os.makedirs(os.path.join(OUT, "calibration"), exist_ok=True)
    base_materials()
    ct_materials()
