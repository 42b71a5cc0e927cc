"""Does the input belong to the genome build the user named? (`genome_check` of findings.json)

Evidence, strongest first; the first kind that decides wins:

1. contig lengths in the header: every contig named there whose length is that of a GRCh37
   or GRCh38 chromosome (lengths from the assemblies, GenBank GCA_000001405.1 and .15);
2. a `##reference`/`##assembly` header line (or a MAF's `NCBI_Build`) that names a build;
3. REF alleles of the records at positions the knowledge base knows in each build: the
   reference base there is known, so a record's first REF base agrees or not.

`verified`: the evidence supports the named build. `mismatch`: it names the other build,
and the run stops (UsageError naming it). `unverified`: nothing decided; the caller warns.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from actionable.errors import UsageError
from actionable.matching.knowledge import GENOMES, KnowledgeBase, normalise_chrom

VERIFIED = "verified"
UNVERIFIED = "unverified"
MISMATCH = "mismatch"

#: chromosome lengths of the primary assemblies (chrM is the same in both and tells nothing)
CONTIG_LENGTHS: dict[str, dict[str, int]] = {
    "GRCh37": {
        "1": 249250621, "2": 243199373, "3": 198022430, "4": 191154276, "5": 180915260,
        "6": 171115067, "7": 159138663, "8": 146364022, "9": 141213431, "10": 135534747,
        "11": 135006516, "12": 133851895, "13": 115169878, "14": 107349540, "15": 102531392,
        "16": 90354753, "17": 81195210, "18": 78077248, "19": 59128983, "20": 63025520,
        "21": 48129895, "22": 51304566, "X": 155270560, "Y": 59373566,
    },
    "GRCh38": {
        "1": 248956422, "2": 242193529, "3": 198295559, "4": 190214555, "5": 181538259,
        "6": 170805979, "7": 159345973, "8": 145138636, "9": 138394717, "10": 133797422,
        "11": 135086622, "12": 133275309, "13": 114364328, "14": 107043718, "15": 101991189,
        "16": 90338345, "17": 83257441, "18": 80373285, "19": 58617616, "20": 64444167,
        "21": 46709983, "22": 50818468, "X": 156040895, "Y": 57227415,
    },
}  # fmt: skip
#: names of each build in reference file names and assembly fields
BUILD_NAMES: dict[str, re.Pattern[str]] = {
    "GRCh37": re.compile(
        r"(?i)(?<![a-z0-9])(grch37|hg19|b37|hs37d5|human_g1k_v37|ncbi37)(?![a-z0-9])"
    ),
    "GRCh38": re.compile(r"(?i)(?<![a-z0-9])(grch38|grch38dh|hg38|b38|hs38|hs38dh)(?![a-z0-9])"),
}
_HEADER_LINE = re.compile(r"^##(reference|assembly)=(.*)$", re.MULTILINE)
_CONTIG_LINE = re.compile(r"^##contig=<ID=([^,>]+)(?:,.*?length=(\d+))?", re.MULTILINE)


def other_build(genome: str) -> str:
    return next(b for b in GENOMES if b != genome)


def names_build(text: str) -> str | None:
    """The one build `text` names (a file name, an assembly field), or None."""
    found = [build for build, pattern in BUILD_NAMES.items() if pattern.search(text)]
    return found[0] if len(found) == 1 else None


def header_contigs(raw_header: str) -> list[tuple[str, int | None]]:
    """(name, length) of each `##contig` line of a VCF header."""
    return [
        (m.group(1), int(m.group(2)) if m.group(2) else None)
        for m in _CONTIG_LINE.finditer(raw_header)
    ]


def header_assemblies(raw_header: str) -> list[str]:
    """The `##reference=` and `##assembly=` lines of a VCF header."""
    return [m.group(0).strip() for m in _HEADER_LINE.finditer(raw_header)]


@dataclass
class GenomeCheck:
    """Collects the evidence for one input file and the build the user named."""

    path: Path
    genome: str
    status: str | None = None
    reason: str = ""
    agree: Counter[str] = field(default_factory=Counter)
    disagree: Counter[str] = field(default_factory=Counter)
    _ref_index: dict[str, dict[tuple[str, int], str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.genome not in GENOMES:  # 'none': other coordinates, nothing to check
            self.status = UNVERIFIED
            self.reason = f"--genome {self.genome}"

    @property
    def decided(self) -> bool:
        return self.status is not None

    def _mismatch(self, what: str, build: str) -> UsageError:
        return UsageError(
            f"{self.path}: {what}, which is {build}, but --genome {self.genome} was given; "
            f"rerun with --genome {build} (or lift the input over to {self.genome})"
        )

    def contigs(self, contigs: Iterable[tuple[str, int | None]]) -> None:
        """Step 1: every contig with a length the assemblies tell apart."""
        if self.decided:
            return
        other = other_build(self.genome)
        supporting = []
        for name, length in contigs:
            short = normalise_chrom(name)
            if length is None:
                continue
            if CONTIG_LENGTHS[other].get(short) == length:
                raise self._mismatch(f"contig {name} has length {length}", other)
            if CONTIG_LENGTHS[self.genome].get(short) == length:
                supporting.append(name)
        if supporting:
            self.status = VERIFIED
            self.reason = f"{len(supporting)} contig lengths of {self.genome}"

    def assembly(self, lines: Iterable[str], label: str = "the header names") -> None:
        """Step 2: a header line (or NCBI_Build value) that names one build."""
        if self.decided:
            return
        for line in lines:
            build = names_build(line)
            if build == self.genome:
                self.status = VERIFIED
                self.reason = f"{label} {line[:80]!r}"
                return
            if build is not None:
                raise self._mismatch(f"{label} {line[:80]!r}", build)

    def record(self, kb: KnowledgeBase, chrom: str, pos: int, ref: str) -> None:
        """Step 3: one record's first REF base at knowledge-base positions of each build."""
        if self.decided or not ref or ref == "-":
            return
        if not self._ref_index:
            self._ref_index = {build: kb.reference_bases(build) for build in GENOMES}
        key = (normalise_chrom(chrom), pos)
        for build, index in self._ref_index.items():
            base = index.get(key)
            if base is not None:
                (self.agree if ref[0].upper() == base else self.disagree)[build] += 1

    def finish(self) -> str:
        """The status after all records; raises UsageError on a mismatch."""
        if self.status is not None:
            return self.status
        named, other = self.genome, other_build(self.genome)
        if self.agree[named] and not self.disagree[named]:
            self.status = VERIFIED
            self.reason = f"REF at {self.agree[named]} knowledge-base positions of {named}"
        elif (
            not self.agree[named]
            and self.agree[other]
            and not self.disagree[other]
            and (self.disagree[named] or self.agree[other] >= 2)
        ):
            raise self._mismatch(
                f"REF alleles agree with {other} at {self.agree[other]} knowledge-base "
                f"positions and with {named} at none",
                other,
            )
        else:
            self.status = UNVERIFIED
            self.reason = "no contig lengths, no build named, no REF at known positions"
        return self.status

    def warning(self) -> str | None:
        """One line for stderr when the build could not be checked (None otherwise)."""
        if self.status != UNVERIFIED or self.genome not in GENOMES:
            return None
        return (
            f"{self.path}: genome build unverified (no contig lengths, no ##reference/"
            f"##assembly naming a build, no records at knowledge-base positions to compare); "
            f"results assume --genome {self.genome}"
        )
