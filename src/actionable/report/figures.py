"""Figures rendered at build time with matplotlib (Agg) as deterministic SVG data URIs.

The SVG is embedded as ``<img src="data:image/svg+xml;base64,...">``: the page needs no
network, the image cannot run script, and no SVG markup is ever inserted into the HTML.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.figure import Figure as MplFigure

from actionable.errors import InputFileError
from actionable.matching.allele_fraction import allele_fraction
from actionable.report.qc import MIN_DEPTH, SampleQC

MAX_GENE_BARS = 40
STYLE = {
    "svg.hashsalt": "actionable-report",
    "svg.fonttype": "none",
    "text.parse_math": False,
    "text.usetex": False,
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.dpi": 100,
}
COLOURS = ("#2b6cb0", "#c05621", "#2f855a", "#6b46c1")


@dataclass(frozen=True)
class Figure:
    key: str
    title: str
    caption: str
    data_uri: str
    alt: str


def _svg_uri(fig: MplFigure) -> str:
    buffer = io.BytesIO()
    fig.savefig(
        buffer,
        format="svg",
        bbox_inches="tight",
        metadata={"Date": None, "Creator": "actionable report"},
    )
    plt.close(fig)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def vaf_distribution(
    values: Sequence[float], markers: Sequence[tuple[str, float]], source: str
) -> Figure | None:
    """Histogram of variant allele fractions; reported variants marked and named."""
    if not values:
        return None
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(6.4, 2.8))
        clipped = [min(max(v, 0.0), 1.0) for v in values]
        ax.hist(clipped, bins=[i / 20 for i in range(21)], color="#a0aec0", edgecolor="white")
        top = ax.get_ylim()[1]
        for i, (label, vaf) in enumerate(sorted(markers, key=lambda m: (m[1], m[0]))):
            ax.axvline(vaf, color=COLOURS[1], linewidth=1.2)
            ax.text(vaf, top * (0.95 - 0.12 * (i % 4)), f" {label}", color=COLOURS[1], va="top")
        ax.set_xlim(0, 1)
        ax.set_xlabel("variant allele fraction (VAF)")
        ax.set_ylabel("variants")
        uri = _svg_uri(fig)
    n = len(values)
    return Figure(
        key="vaf",
        title="VAF distribution",
        caption=f"Allele fractions of {n} call{'s' if n != 1 else ''} ({source}); "
        "vertical lines mark the variants reported above.",
        data_uri=uri,
        alt=f"Histogram of the allele fractions of {n} calls",
    )


def coverage_bars(samples: Sequence[SampleQC], highlight: Sequence[str] = ()) -> Figure | None:
    """Mean depth per gene (one bar per sample), with the 20x line."""
    genes: dict[str, float] = {}
    for qc in samples:
        for g in qc.genes:
            genes[g.gene] = min(genes.get(g.gene, float("inf")), g.mean_depth)
    if not genes:
        return None
    chosen = set(sorted(genes, key=lambda g: (genes[g], g))[:MAX_GENE_BARS])
    chosen |= {g for g in highlight if g in genes}
    order = sorted(chosen)
    shown = len(order)
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(6.4, max(1.8, 0.22 * shown * len(samples) + 0.8)))
        height = 0.8 / len(samples)
        for s, qc in enumerate(samples):
            depth = {g.gene: g.mean_depth for g in qc.genes}
            ys = [i + s * height for i in range(shown)]
            ax.barh(
                ys,
                [depth.get(g, 0.0) for g in order],
                height=height,
                color=COLOURS[s % len(COLOURS)],
                label=qc.sample,
            )
        ax.axvline(MIN_DEPTH, color="#c53030", linestyle="--", linewidth=1)
        ax.set_yticks([i + 0.4 - height / 2 for i in range(shown)])
        ax.set_yticklabels(order)
        ax.invert_yaxis()
        ax.set_xlabel("mean depth (x); dashed line: 20x")
        if len(samples) > 1:
            ax.legend(
                loc="lower center",
                bbox_to_anchor=(0.5, 1.0),
                ncol=len(samples),
                fontsize=8,
                frameon=False,
            )
        uri = _svg_uri(fig)
    more = len(genes) - shown
    caption = f"Mean read depth per gene for {', '.join(q.sample for q in samples)}."
    if more > 0:
        caption += f" Showing the {shown} lowest-covered and reported genes of {len(genes)}."
    return Figure(
        key="coverage",
        title="Per-gene coverage",
        caption=caption,
        data_uri=uri,
        alt=f"Bar chart of mean depth for {shown} genes",
    )


def vcf_vafs(path: Path, sample: str | None = None) -> tuple[list[float], str]:
    """Allele fractions (first ALT) of the PASS calls of one sample of a VCF, read as
    `actionable match` reads them (`actionable.matching.allele_fraction`)."""
    from cyvcf2 import VCF

    if not path.is_file():
        raise InputFileError(f"{path}: VCF file not found")
    try:
        vcf = VCF(str(path))
    except Exception as exc:  # cyvcf2 raises a bare Exception on unreadable files
        raise InputFileError(f"{path}: cannot read VCF ({exc})") from None
    try:
        names = list(vcf.samples)
        index = 0
        if sample and sample in names:
            index = names.index(sample)
        else:
            for line in vcf.raw_header.splitlines():
                if line.startswith("##tumor_sample=") and line.split("=", 1)[1] in names:
                    index = names.index(line.split("=", 1)[1])
        chosen = names[index] if names else "INFO"
        values: list[float] = []
        for record in vcf:
            if record.FILTER not in (None, "PASS", "."):
                continue
            vaf = allele_fraction(record, index if names else None, 0, len(record.ALT))[0]
            if vaf is not None:
                values.append(vaf)
    finally:
        vcf.close()
    return values, chosen
