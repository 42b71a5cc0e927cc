"""Tumour allele fraction (VAF) and depth of one VCF record, whichever caller wrote it.

Read in this order, the first that gives a value wins:

==========================  ==========================================================
FORMAT ``AF``               Mutect2, bcftools, most callers (one value per ALT)
FORMAT ``AD``               allelic depths, REF first (GATK, freebayes, Pindel...)
FORMAT ``ADT``              PCGR's tumour allelic depths (``ref,alt``, often a string)
FORMAT ``AD`` + ``RD``      VarScan 2: ``AD`` is the ALT count alone, ``RD`` the REF count
FORMAT ``TIR``/``TAR``      Strelka indels: tier-1 indel and reference read counts
FORMAT ``AU``…``TU``        Strelka SNVs: tier-1 counts of the ALT and REF bases
FORMAT ``FREQ``             VarScan 2 percentage (``48.7%``)
INFO ``TVAF``               PCGR's tumour VAF (site-level, also for sites-only VCFs)
==========================  ==========================================================

Strelka's two formulas are those of its user guide (tier-1 ALT / (tier-1 ALT + tier-1 REF)).
Depth is FORMAT ``DP``, else PCGR's ``DPT`` or INFO ``TDP``, else the counts' sum. The normal
column's ``ADN``/``ADC`` are never read: only the chosen tumour column counts.
"""

from __future__ import annotations

import contextlib
import math
from typing import Any

_BASE_COUNTS = {base: f"{base}U" for base in "ACGT"}


def _row(record: Any, key: str, si: int) -> list[str] | None:
    """One sample's values of a FORMAT field as text, numeric or string-typed alike."""
    with contextlib.suppress(Exception):  # cyvcf2 raises bare exceptions for absent fields
        values = record.format(key)
        if values is None:
            return None
        row = values[si]
        if isinstance(row, str):
            return [x.strip() for x in row.split(",")]
        return [str(x) for x in row]
    return None


def _ints(record: Any, key: str, si: int) -> list[int] | None:
    """Integer counts of a FORMAT field; None if absent or any value is missing."""
    row = _row(record, key, si)
    if row is None:
        return None
    try:
        counts = [int(float(x)) for x in row]
    except ValueError:
        return None
    return counts if counts and all(c >= 0 for c in counts) else None


def _number(text: object) -> float | None:
    try:
        value = float(str(text).strip().rstrip("%"))
    except ValueError:
        return None
    return None if math.isnan(value) or math.isinf(value) else value


def _fraction(alt: int, total: int) -> float | None:
    return round(alt / total, 4) if total > 0 else None


def _depth(record: Any, si: int | None) -> int | None:
    if si is not None:
        for key in ("DP", "DPT"):
            counts = _ints(record, key, si)
            if counts:
                return counts[0]
    value = _number(record.INFO.get("TDP")) if record.INFO.get("TDP") is not None else None
    return int(value) if value is not None and value >= 0 else None


def _from_counts(record: Any, si: int, ai: int, n_alts: int) -> tuple[float, int] | None:
    """VAF and total from allelic depths (AD, ADT, or VarScan's AD + RD)."""
    for key in ("AD", "ADT"):
        counts = _ints(record, key, si)
        if counts is not None and len(counts) == n_alts + 1:
            vaf = _fraction(counts[ai + 1], sum(counts))
            if vaf is not None:
                return vaf, sum(counts)
    alt_count, ref_count = _ints(record, "AD", si), _ints(record, "RD", si)
    if n_alts == 1 and alt_count is not None and len(alt_count) == 1 and ref_count is not None:
        total = alt_count[0] + ref_count[0]
        vaf = _fraction(alt_count[0], total)
        if vaf is not None:
            return vaf, total
    return None


def _strelka(record: Any, si: int, ref: str, alt: str) -> tuple[float, int] | None:
    """Strelka somatic tier-1 counts: TIR/TAR for indels, <base>U for SNVs."""
    indel, other = _ints(record, "TIR", si), _ints(record, "TAR", si)
    if indel is not None and other is not None:
        total = indel[0] + other[0]
        vaf = _fraction(indel[0], total)
        return (vaf, total) if vaf is not None else None
    if len(ref) == 1 and len(alt) == 1 and ref.upper() in "ACGT" and alt.upper() in "ACGT":
        alt_u = _ints(record, _BASE_COUNTS[alt.upper()], si)
        ref_u = _ints(record, _BASE_COUNTS[ref.upper()], si)
        if alt_u is not None and ref_u is not None:
            total = alt_u[0] + ref_u[0]
            vaf = _fraction(alt_u[0], total)
            return (vaf, total) if vaf is not None else None
    return None


def _format_af(record: Any, si: int, ai: int, n_alts: int) -> float | None:
    row = _row(record, "AF", si)
    if row is None or len(row) < n_alts:
        return None
    value = _number(row[ai])
    return round(value, 4) if value is not None else None


def _varscan_freq(record: Any, si: int) -> float | None:
    row = _row(record, "FREQ", si)
    value = _number(row[0]) if row else None
    return round(value / 100.0, 4) if value is not None else None


def _info_tvaf(record: Any, ai: int) -> float | None:
    value = record.INFO.get("TVAF")
    if isinstance(value, tuple):
        value = value[ai] if ai < len(value) else None
    number = _number(value) if value is not None else None
    return round(number, 4) if number is not None else None


def allele_fraction(
    record: Any, si: int | None, ai: int, n_alts: int
) -> tuple[float | None, int | None]:
    """(VAF, depth) of ALT number `ai` in sample column `si` (None: sites-only) of a cyvcf2
    record; None for what the record does not tell."""
    depth = _depth(record, si)
    if si is not None:
        fmt = set(record.FORMAT or ())
        alt = record.ALT[ai]
        if "AF" in fmt:
            vaf = _format_af(record, si, ai, n_alts)
            if vaf is not None:
                return vaf, depth
        counted = _from_counts(record, si, ai, n_alts)
        if counted is None and n_alts == 1:
            counted = _strelka(record, si, record.REF, alt)
        if counted is not None:
            return counted[0], depth if depth is not None else counted[1]
        if "FREQ" in fmt and n_alts == 1:
            vaf = _varscan_freq(record, si)
            if vaf is not None:
                return vaf, depth
    return _info_tvaf(record, ai), depth
