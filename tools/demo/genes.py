"""Specifications of the demo genes: what is real about each, everything else is random.

Real (taken from the public gene models, MANE/canonical transcripts):
- the gene names, their strands and their protein lengths;
- the exon numbers and coding (c.) boundaries listed in `exon_anchors`;
- the codons in `fixed_codons` and the amino acids in `fixed_residues`, so that the real
  c. change of a clinically important variant gives the real p. change;
- the CYP2C19 base at c.-806 (the *17 promoter site).

Synthetic: every other base, the number and length of the other exons and of the introns,
the UTRs, flanks, microsatellites and all other codons (random but seeded).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


def codon_run(first: int, codons: str) -> dict[int, str]:
    """Codons separated by spaces starting at codon number `first`."""
    return {first + i: codon for i, codon in enumerate(codons.split())}


def residue_run(first: int, residues: str) -> dict[int, str]:
    """One-letter amino acids starting at residue number `first`."""
    return {first + i: residue for i, residue in enumerate(residues)}


@dataclass(frozen=True)
class GeneSpec:
    """One demo gene: a single transcript `DEMO_<name>` on its own contig `<name>`."""

    name: str
    strand: str
    protein_length: int
    n_exons: int
    first_exon_noncoding: bool = False
    # exon number -> (first, last) coding position c.N of that exon (UTR parts not counted)
    exon_anchors: Mapping[int, tuple[int, int]] = field(default_factory=dict)
    fixed_codons: Mapping[int, str] = field(default_factory=dict)
    fixed_residues: Mapping[int, str] = field(default_factory=dict)
    # intron number (intron N follows exon N) -> length in bp
    long_introns: Mapping[int, int] = field(default_factory=dict)
    # c.-N (upstream of the ATG, no intron in the 5'UTR) -> base
    upstream_bases: Mapping[int, str] = field(default_factory=dict)
    flank5: int = 1000
    flank3: int = 1000
    microsatellites: int = 2
    indel_repeats: int = 1

    @property
    def transcript_id(self) -> str:
        return f"DEMO_{self.name}"

    @property
    def cds_length(self) -> int:
        """Coding length including the stop codon."""
        return 3 * (self.protein_length + 1)

    @property
    def first_coding_exon(self) -> int:
        return 2 if self.first_exon_noncoding else 1


GENE_SPECS: tuple[GeneSpec, ...] = (
    GeneSpec(
        name="EGFR",
        strand="+",
        protein_length=1210,
        n_exons=28,
        exon_anchors={18: (2062, 2184), 19: (2185, 2283), 20: (2284, 2469), 21: (2470, 2625)},
        fixed_codons={
            521: "AGG",  # R521K germline polymorphism c.1562G>A
            719: "GGC",  # G719X
            **codon_run(745, "AAG GAA TTA AGA GAA GCA ACA TCT CCG"),  # exon 19 deletions
            768: "AGC",  # S768I
            790: "ACG",  # T790M
            797: "TGC",  # C797S
            858: "CTG",  # L858R
            861: "CTG",  # L861Q
        },
        fixed_residues=residue_run(762, "EAYVMASVDNPHVC"),  # exon 20 insertion region
        microsatellites=3,
    ),
    GeneSpec(
        name="KRAS",
        strand="-",
        protein_length=189,
        n_exons=5,
        first_exon_noncoding=True,
        exon_anchors={2: (1, 111), 3: (112, 290), 4: (291, 451), 5: (452, 570)},
        fixed_codons={
            **codon_run(1, "ATG ACT GAA TAT AAA CTT GTG GTA GTT GGA GCT GGT GGC GTA GGC"),
            61: "CAA",
            146: "GCA",
        },
        fixed_residues={59: "A", 117: "K"},
    ),
    GeneSpec(
        name="BRAF",
        strand="-",
        protein_length=766,
        n_exons=18,
        exon_anchors={15: (1742, 1860)},
        fixed_codons=codon_run(594, "GAT TTT GGT CTA GCT ACA GTG AAA TCT CGA TGG"),
    ),
    GeneSpec(
        name="PIK3CA",
        strand="+",
        protein_length=1068,
        n_exons=21,
        first_exon_noncoding=True,
        exon_anchors={10: (1567, 1683), 21: (3013, 3207)},
        fixed_codons={542: "GAA", 545: "GAG", 1047: "CAT"},
    ),
    GeneSpec(
        name="ERBB2",
        strand="+",
        protein_length=1255,
        n_exons=27,
        exon_anchors={20: (2263, 2370)},
        fixed_residues={310: "S", 755: "L", **residue_run(770, "EAYVMAGVGSP")},
    ),
    GeneSpec(
        name="BRCA1",
        strand="-",
        protein_length=1863,
        n_exons=23,
        first_exon_noncoding=True,
        exon_anchors={2: (1, 80), 11: (671, 4096)},
        fixed_codons={
            **codon_run(22, "CTT GAG TGT"),  # c.68_69delAG (185delAG) in Glu23
            **codon_run(1755, "CCC CAG"),  # c.5266dupC (5382insC) after a C run
        },
        microsatellites=3,
    ),
    GeneSpec(
        name="BRCA2",
        strand="+",
        protein_length=3418,
        n_exons=27,
        first_exon_noncoding=True,
        exon_anchors={11: (1910, 6841)},
        fixed_codons=codon_run(1982, "AGT ACA"),  # c.5946delT (6174delT) in Ser1982
        microsatellites=3,
    ),
    GeneSpec(
        name="ABL1",
        strand="+",
        protein_length=1130,
        n_exons=11,
        exon_anchors={1: (1, 79), 6: (864, 1046)},
        fixed_codons={315: "ACT"},  # T315I
        fixed_residues={253: "Y", 255: "E", 299: "V", 317: "F", 359: "F"},
        long_introns={1: 2000},  # BCR::ABL1 breakpoints
    ),
    GeneSpec(
        name="BCR",
        strand="+",
        protein_length=1271,
        n_exons=23,
        # exon 13 ends one base into a codon and exon 14 is 75 bp, so e13a2 and e14a2 fusions
        # with ABL1 exon 2 (which starts at the second base of a codon) stay in frame
        exon_anchors={13: (2989, 3100), 14: (3101, 3175)},
        long_introns={13: 1500, 14: 1500},
    ),
    GeneSpec(
        name="ALK",
        strand="-",
        protein_length=1620,
        n_exons=29,
        exon_anchors={20: (3173, 3297)},  # exon 20 starts in codon 1058
        fixed_codons={1174: "TTC", 1202: "GGA"},  # F1174L, G1202R
        fixed_residues={1171: "I", 1196: "L", 1275: "R"},
        long_introns={19: 1500},
    ),
    GeneSpec(
        name="EML4",
        strand="+",
        protein_length=981,
        n_exons=23,
        # exon 13 ends one base into codon 497: EML4 ex13 :: ALK ex20 (variant 1) is in frame
        exon_anchors={13: (1360, 1489)},
        long_introns={13: 1500},
    ),
    GeneSpec(
        name="MET",
        strand="+",
        protein_length=1390,
        n_exons=21,
        exon_anchors={14: (2888, 3028)},  # exon 14 skipping sites c.2888-1/-2, c.3028+1/+2
        fixed_residues={1228: "D", 1230: "Y"},
        microsatellites=3,
    ),
    GeneSpec(
        name="CYP2C19",
        strand="+",
        protein_length=490,
        n_exons=9,
        exon_anchors={4: (482, 642), 5: (643, 819)},
        fixed_codons={212: "TGG", 227: "CCG"},  # *3 c.636G>A (W212X), *2 c.681G>A
        upstream_bases={806: "C"},  # *17 c.-806C>T
        flank5=1500,
        microsatellites=1,
    ),
    GeneSpec(
        name="DPYD",
        strand="-",
        protein_length=1025,
        n_exons=23,
        exon_anchors={13: (1525, 1740), 14: (1741, 1905)},  # *2A c.1905+1G>A
        fixed_codons={412: "GAG", 560: "ATT", 949: "GAT"},  # HapB3 tag, *13, c.2846A>T
    ),
    GeneSpec(
        name="GAPDH",
        strand="+",
        protein_length=335,
        n_exons=9,
    ),
)

SPECS_BY_NAME: dict[str, GeneSpec] = {spec.name: spec for spec in GENE_SPECS}

# Clinically important codons beyond the fixed ones: no random germline variant goes there.
HOTSPOT_CODONS: dict[str, tuple[int, ...]] = {
    "KRAS": (12, 13, 59, 61, 117, 146),
    "BRAF": (600,),
    "PIK3CA": (542, 545, 1047),
    "EGFR": (719, 768, 790, 797, 858, 861),
    "ABL1": (253, 255, 299, 315, 317, 359),
    "ALK": (1171, 1174, 1196, 1202, 1275),
    "ERBB2": (310, 755, 777),
    "MET": (1228, 1230),
}
