"""Optional reference FASTA (`--reference`): left-align indels before matching, anchor a
MAF's indels."""

from __future__ import annotations

from pathlib import Path

from actionable.errors import InputFileError


class Reference:
    """An indexed (or indexable) FASTA opened with pysam; contigs with or without `chr`."""

    def __init__(self, path: Path, genome: str) -> None:
        import pysam

        if not path.exists():
            raise InputFileError(f"{path}: no such file")
        try:
            self._fasta = pysam.FastaFile(str(path))
        except (OSError, ValueError) as exc:
            raise InputFileError(f"{path}: cannot open as indexed FASTA ({exc})") from None
        self.path = path
        self.genome = genome
        self._names: dict[str, str | None] = {}
        self._lengths = dict(zip(self._fasta.references, self._fasta.lengths, strict=True))

    def _contig(self, chrom: str) -> str | None:
        if chrom not in self._names:
            options = [chrom, f"chr{chrom}", chrom.removeprefix("chr")]
            if chrom in ("MT", "M"):
                options += ["chrM", "MT", "M"]
            self._names[chrom] = next((c for c in options if c in self._lengths), None)
        return self._names[chrom]

    def base(self, chrom: str, pos: int) -> str | None:
        """Upper-case base at 1-based `pos`, or None if unknown."""
        return self.sequence(chrom, pos, 1) or None

    def sequence(self, chrom: str, pos: int, length: int) -> str:
        """Upper-case bases from 1-based `pos`; '' when the stretch is not wholly inside."""
        contig = self._contig(chrom)
        if contig is None or pos < 1 or pos + length - 1 > self._lengths[contig]:
            return ""
        return self._fasta.fetch(contig, pos - 1, pos - 1 + length).upper()

    def left_align(self, chrom: str, pos: int, ref: str, alt: str) -> tuple[int, str, str]:
        """Shift a minimal (one side empty) indel to its left-most equivalent position."""
        if ref and alt:
            return pos, ref, alt
        seq = ref or alt
        if not seq:
            return pos, ref, alt
        while pos > 1:
            before = self.base(chrom, pos - 1)
            if before is None or before != seq[-1]:
                break
            seq = before + seq[:-1]
            pos -= 1
        return (pos, seq, "") if ref else (pos, "", seq)
