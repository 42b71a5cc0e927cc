"""The committed demo genome, annotation, truth and reads are what the generator specifies.

Reads the files in resources/demo only (no regeneration, no read simulation).
"""

from __future__ import annotations

import gzip
import json
import re
from itertools import islice, pairwise
from pathlib import Path

import pysam
import pytest

from actionable.calling.gtf import (
    Transcript,
    cds_sequence,
    read_fasta,
    read_transcripts,
    reverse_complement,
    translate,
    write_snpeff_check_files,
)
from actionable.formats.fusions import COLUMNS as FUSION_COLUMNS
from tests.support.workflow import DEMO, SHARED
from tools.demo.genes import GENE_SPECS, HOTSPOT_CODONS, SPECS_BY_NAME, GeneSpec
from tools.demo.variants import normalize

GENES = [spec.name for spec in GENE_SPECS]
MINUS = {"KRAS", "BRAF", "BRCA1", "ALK", "DPYD"}
PROTEIN_LENGTHS = {
    "EGFR": 1210, "KRAS": 189, "BRAF": 766, "PIK3CA": 1068, "ERBB2": 1255, "BRCA1": 1863,
    "BRCA2": 3418, "ABL1": 1130, "BCR": 1271, "ALK": 1620, "EML4": 981, "MET": 1390,
    "CYP2C19": 490, "DPYD": 1025, "GAPDH": 335,
}  # fmt: skip


@pytest.fixture(scope="module")
def fasta() -> dict[str, str]:
    return read_fasta(DEMO / "genome.fa")


@pytest.fixture(scope="module")
def transcripts() -> dict[str, Transcript]:
    return {t.gene_name: t for t in read_transcripts(DEMO / "genes.gtf").values()}


@pytest.fixture(scope="module")
def truth() -> list[tuple[str, int, str, str, tuple[int, int], dict[str, str]]]:
    records = []
    with pysam.VariantFile(str(DEMO / "truth.germline.vcf.gz")) as vcf:
        assert list(vcf.header.samples) == ["DEMO_G1"]
        for r in vcf:
            gt = r.samples["DEMO_G1"]["GT"]
            records.append((r.chrom, r.pos, r.ref, r.alts[0], gt, dict(r.info)))
    return records


def cds_of(gene: str, transcripts, fasta) -> str:
    return cds_sequence(transcripts[gene], fasta)


def base_at(gene: str, c: int, transcripts, fasta) -> str:
    """Base at c.N on the transcript strand."""
    t = transcripts[gene]
    base = fasta[gene][t.genomic_position(c) - 1]
    return reverse_complement(base) if t.strand == "-" else base


# ---- genome and annotation -------------------------------------------------------------------


def test_contigs_are_the_genes_in_order_with_60_column_lines(fasta) -> None:
    assert list(fasta) == GENES
    lines = (DEMO / "genome.fa").read_text().splitlines()
    assert all(len(line) <= 60 for line in lines if not line.startswith(">"))
    assert set("".join(fasta.values())) == set("ACGT")
    gc = sum(s.count("G") + s.count("C") for s in fasta.values()) / sum(map(len, fasta.values()))
    assert 0.42 <= gc <= 0.48


@pytest.mark.parametrize("spec", GENE_SPECS, ids=GENES)
def test_transcript_translates_to_the_real_length(spec: GeneSpec, transcripts, fasta) -> None:
    t = transcripts[spec.name]
    assert (t.transcript_id, t.contig) == (f"DEMO_{spec.name}", spec.name)
    assert t.strand == ("-" if spec.name in MINUS else "+")
    assert len(t.exons) == spec.n_exons
    cds = cds_of(spec.name, transcripts, fasta)
    protein = translate(cds)
    assert cds.startswith("ATG") and cds[-3:] in {"TAA", "TAG", "TGA"}
    assert len(cds) == 3 * (PROTEIN_LENGTHS[spec.name] + 1)
    assert len(protein) == PROTEIN_LENGTHS[spec.name] and "*" not in protein
    for number, codon in spec.fixed_codons.items():
        assert cds[3 * number - 3 : 3 * number] == codon, number
    for number, residue in spec.fixed_residues.items():
        assert protein[number - 1] == residue, number
    # introns are GT...AG on the transcript strand
    for rank in range(1, len(t.exons)):
        up, down = t.exons[rank - 1], t.exons[rank]
        if t.strand == "+":
            intron = fasta[spec.name][up[1] : down[0] - 1]
        else:
            intron = reverse_complement(fasta[spec.name][down[1] : up[0] - 1])
        assert intron[:2] == "GT" and intron[-2:] == "AG", rank


@pytest.mark.parametrize("spec", GENE_SPECS, ids=GENES)
def test_named_exons_have_their_real_coding_bounds(spec: GeneSpec, transcripts) -> None:
    t = transcripts[spec.name]
    for number, (first, last) in spec.exon_anchors.items():
        assert t.exon_number(t.genomic_position(first)) == number
        assert t.exon_number(t.genomic_position(last)) == number
        if first > 1:
            assert t.exon_number(t.genomic_position(first - 1)) == number - 1
        if last < spec.cds_length:
            assert t.exon_number(t.genomic_position(last + 1)) == number + 1


def test_clinical_codons_give_real_protein_changes(transcripts, fasta) -> None:
    egfr = cds_of("EGFR", transcripts, fasta)
    assert translate(egfr[2571:2574]) == "L" and egfr[2572] == "T"  # c.2573T>G L858R
    assert egfr[2368] == "C" and egfr[2367:2370] == "ACG"  # c.2369C>T T790M
    assert egfr[1561] == "G" and translate(egfr[1560:1563]) == "R"  # c.1562G>A R521K
    protein = translate(egfr)
    for start, end in ((2235, 2249), (2236, 2250)):  # exon 19 deletions: p.E746_A750del
        deleted = translate(egfr[: start - 1] + egfr[end:])
        assert deleted == protein[:745] + protein[750:]
    assert protein[761:775] == "EAYVMASVDNPHVC"
    kras = cds_of("KRAS", transcripts, fasta)
    assert kras[33:36] == "GGT" and kras[180:183] == "CAA"  # G12, Q61
    braf = cds_of("BRAF", transcripts, fasta)
    assert braf[1797:1800] == "GTG" and braf[1798] == "T"  # c.1799T>A V600E
    pik3ca = cds_of("PIK3CA", transcripts, fasta)
    assert pik3ca[3139] == "A" and pik3ca[1632] == "G"  # H1047R c.3140A>G, E545K c.1633G>A
    alk = cds_of("ALK", transcripts, fasta)
    assert alk[3603] == "G" and alk[3521] == "C"  # G1202R c.3604G>A, F1174L c.3522C>A
    abl1 = cds_of("ABL1", transcripts, fasta)
    assert abl1[943] == "C" and abl1[942:945] == "ACT"  # T315I c.944C>T
    cyp = cds_of("CYP2C19", transcripts, fasta)
    assert cyp[633:636] == "TGG" and cyp[678:681] == "CCG"  # *3 c.636G>A, *2 c.681G>A
    assert cyp[633:635] + "A" == "TGA"  # W212X
    dpyd = cds_of("DPYD", transcripts, fasta)
    assert dpyd[1678] == "T" and dpyd[2845] == "A" and dpyd[1235] == "G"


def test_indel_hotspots_are_real_frameshifts(transcripts, fasta) -> None:
    brca1 = cds_of("BRCA1", transcripts, fasta)
    assert brca1[66:70] == "GAGT"  # c.68_69delAG: AG cannot shift 3' (c.70 = T)
    assert brca1[5262:5267] == "CCCCA"  # c.5266dupC: c.5266 ends a C run, then A
    t = transcripts["BRCA1"]
    assert len({t.exon_number(t.genomic_position(c)) for c in range(5263, 5268)}) == 1
    assert t.exon_number(t.genomic_position(68)) == 2
    assert translate(brca1[:5266] + "C" + brca1[5266:5272])[1755] == "P"  # p.Gln1756Pro fs
    brca2 = cds_of("BRCA2", transcripts, fasta)
    assert brca2[5943:5947] == "AGTA"  # c.5946delT, not 3'-shiftable
    assert translate(brca2[:5945] + brca2[5946:5949])[1981] == "R"  # p.Ser1982Argfs


def test_splice_sites_of_met_exon14_and_dpyd_exon14(transcripts, fasta) -> None:
    met = transcripts["MET"]
    first, last = met.genomic_position(2888), met.genomic_position(3028)
    assert met.exons[13] == (first, last)
    assert fasta["MET"][first - 3 : first - 1] == "AG"  # c.2888-2_-1
    assert fasta["MET"][last : last + 2] == "GT"  # c.3028+1_+2
    dpyd = transcripts["DPYD"]  # minus strand: exon 14 ends at c.1905 (lowest coordinate)
    end = dpyd.genomic_position(1905)
    assert dpyd.exons[13][0] == end
    assert reverse_complement(fasta["DPYD"][end - 3 : end - 1]) == "GT"  # c.1905+1G = *2A site


def test_gtf_has_every_feature_and_correct_frames() -> None:
    rows = [
        line.split("\t")
        for line in (DEMO / "genes.gtf").read_text().splitlines()
        if not line.startswith("#")
    ]
    features = {(r[0], r[2]) for r in rows}
    for gene in GENES:
        for feature in ("gene", "transcript", "exon", "CDS", "start_codon", "stop_codon"):
            assert (gene, feature) in features
        assert (gene, "five_prime_utr") in features and (gene, "three_prime_utr") in features
    for row in rows:
        attrs = row[8]
        assert 'gene_id "' in attrs and 'gene_name "' in attrs and "protein_coding" in attrs
        if row[2] not in ("gene",):
            assert re.search(r'transcript_id "DEMO_[A-Z0-9]+";', attrs)
        if row[2] not in ("gene", "transcript"):
            assert 'exon_number "' in attrs
    for gene in GENES:
        cds = [r for r in rows if r[0] == gene and r[2] == "CDS"]
        done = 0
        for r in cds:  # written in transcript order
            assert int(r[7]) == (3 - done % 3) % 3
            done += int(r[4]) - int(r[3]) + 1
        assert done == 3 * PROTEIN_LENGTHS[gene]  # CDS lines exclude the stop codon


def test_genes_bed_spans_the_transcripts(transcripts) -> None:
    rows = [line.split("\t") for line in (DEMO / "genes.bed").read_text().splitlines()]
    assert [r[0] for r in rows] == GENES and [r[3] for r in rows] == GENES
    for contig, start, end, _, _, strand in rows:
        t = transcripts[contig]
        assert int(start) + 1 == min(s for s, _ in t.exons)
        assert int(end) == max(e for _, e in t.exons)
        assert strand == t.strand


def test_snpeff_check_files_are_complete(tmp_path: Path) -> None:
    summary = write_snpeff_check_files(
        DEMO / "genome.fa", DEMO / "genes.gtf", tmp_path / "cds.fa", tmp_path / "protein.fa"
    )
    assert summary.written == 15 and summary.incomplete == {}
    proteins = read_fasta(tmp_path / "protein.fa")
    assert {k: len(v) for k, v in proteins.items()} == {
        f"DEMO_{g}": n for g, n in PROTEIN_LENGTHS.items()
    }


def test_microsatellites_are_real_repeats_outside_exons(fasta, transcripts) -> None:
    rows = [line.split("\t") for line in (DEMO / "microsatellites.bed").read_text().splitlines()]
    assert len(rows) >= 25 and len({r[0] for r in rows}) >= 10
    units = set()
    for contig, start, end, name in rows:
        unit, copies = re.fullmatch(r"[A-Z0-9]+_MS\d\d_([ACGT]+)x(\d+)", name).groups()
        units.add(unit)
        seq = fasta[contig]
        assert seq[int(start) : int(end)] == unit * int(copies)
        assert seq[int(start) - 1] != unit[-1] and seq[int(end)] != unit[0]  # not longer
        t = transcripts[contig]
        assert all(t.exon_number(p) is None for p in range(int(start) + 1, int(end) + 1))
        assert int(start) >= 250 and int(end) <= len(seq) - 250
        if len(unit) == 1:
            assert 10 <= int(copies) <= 16
    assert {"A", "T"} & units and {"CA", "TG"} & units and "AT" in units
    assert {"AAAG", "CTTT"} & units


def test_no_accidental_long_homopolymers(fasta) -> None:
    masked = dict(fasta)
    for line in (DEMO / "microsatellites.bed").read_text().splitlines():
        contig, start, end, _ = line.split("\t")
        seq = masked[contig]
        masked[contig] = seq[: int(start)] + "N" * (int(end) - int(start)) + seq[int(end) :]
    for contig, seq in masked.items():
        longest = max(len(m.group(0)) for m in re.finditer(r"A+|C+|G+|T+", seq))
        assert longest <= 9, contig  # designed indel repeats are homopolymers of up to 9


# ---- germline truth -------------------------------------------------------------------------


def test_truth_counts_and_zygosity(truth, fasta) -> None:
    snvs = [v for v in truth if len(v[2]) == len(v[3]) == 1]
    indels = [v for v in truth if len(v[2]) != len(v[3])]
    assert len(snvs) >= 160 and len(indels) >= 45 and len(snvs) + len(indels) == len(truth)
    assert all(1 <= abs(len(v[2]) - len(v[3])) <= 12 for v in indels)
    het = sum(v[4][0] != v[4][1] for v in truth) / len(truth)
    assert 0.5 <= het <= 0.7
    assert all(sorted(v[4]) in ([0, 1], [1, 1]) for v in truth)
    assert {v[0] for v in truth} == set(GENES)
    for contig, pos, ref, alt, _, _ in truth:
        assert fasta[contig][pos - 1 : pos - 1 + len(ref)] == ref
        assert 250 <= pos <= len(fasta[contig]) - 250
        assert normalize(fasta[contig], pos, ref, alt) == (pos, ref, alt)  # left-aligned
    by_contig: dict[str, list[tuple[int, int]]] = {}
    for contig, pos, ref, *_ in truth:
        by_contig.setdefault(contig, []).append((pos, pos + len(ref) - 1))
    for spans in by_contig.values():
        assert all(b[0] - a[1] >= 40 for a, b in pairwise(spans))


def shortest_period(text: str) -> str:
    for k in range(1, len(text) + 1):
        if len(text) % k == 0 and text[:k] * (len(text) // k) == text:
            return text[:k]
    return text


def test_truth_has_indels_in_repeats(truth, fasta) -> None:
    in_repeat = 0
    for contig, pos, ref, alt, _, _ in truth:
        if len(ref) == len(alt):
            continue
        change = ref[1:] if len(ref) > len(alt) else alt[1:]
        unit = shortest_period(change)
        after = fasta[contig][pos:]
        copies = 0
        while after.startswith(unit * (copies + 1)):
            copies += 1
        if (len(unit) == 1 and copies >= 6) or (len(unit) > 1 and copies >= 4):
            in_repeat += 1
    assert in_repeat >= 8


def test_required_germline_variants(truth, transcripts, fasta) -> None:
    found = {(v[0], v[1], v[2], v[3]): v[4] for v in truth}
    brca2 = transcripts["BRCA2"].genomic_position(5946)
    assert found[("BRCA2", brca2 - 1, "GT", "G")] in ((0, 1), (1, 0))  # c.5946delT het
    egfr = transcripts["EGFR"].genomic_position(1562)
    assert found[("EGFR", egfr, "G", "A")] in ((0, 1), (1, 0))  # c.1562G>A het
    cyp = transcripts["CYP2C19"].genomic_position(681)
    assert found[("CYP2C19", cyp, "G", "A")] in ((0, 1), (1, 0))  # *2 het
    sites = pgx_rows()
    star1 = sites[94842866]
    assert found[("CYP2C19", star1, "A", "G")] == (1, 1)  # *1 vs *38: homozygous G
    cis = sites[94775367]  # rs12769205 is part of the *2 definition, in cis with c.681A
    assert found[("CYP2C19", cis, "A", "G")] == found[("CYP2C19", cyp, "G", "A")]
    pgx_positions = set(sites.values())
    assert {v[1] for v in truth if v[0] == "CYP2C19"} & pgx_positions == {cyp, cis, star1}


def test_no_somatic_drivers_or_other_clinical_codons(truth, transcripts) -> None:
    allowed = {("EGFR", 1562), ("CYP2C19", 681), ("BRCA2", 5946), ("BRCA2", 5945)}
    for spec in GENE_SPECS:
        t = transcripts[spec.name]
        codons = set(spec.fixed_codons) | set(spec.fixed_residues)
        codons |= set(HOTSPOT_CODONS.get(spec.name, ()))
        protected = {
            t.genomic_position(c): c
            for codon in codons
            for c in range(3 * codon - 2, 3 * codon + 1)
        }
        for contig, pos, ref, *_ in truth:
            if contig != spec.name:
                continue
            for p in range(pos, pos + len(ref)):
                if p in protected:
                    assert (contig, protected[p]) in allowed, (contig, pos)


def test_coding_snvs_include_missense_and_synonymous(truth, transcripts, fasta) -> None:
    kinds = []
    for contig, pos, ref, alt, _, _ in truth:
        t = transcripts[contig]
        c = t.coding_position(pos)
        if c is None or len(ref) != 1 or len(alt) != 1:
            continue
        cds = cds_sequence(t, fasta)
        base = alt if t.strand == "+" else reverse_complement(alt)
        first = 3 * ((c - 1) // 3)
        codon = cds[first : first + 3]
        new = codon[: (c - 1) % 3] + base + codon[(c - 1) % 3 + 1 :]
        before, after = translate(codon + "TAA"), translate(new + "TAA")
        assert after  # no stop gained
        kinds.append("synonymous" if before == after else "missense")
    assert kinds.count("missense") >= 3 and kinds.count("synonymous") >= 3


def test_truth_index_works() -> None:
    with pysam.VariantFile(str(DEMO / "truth.germline.vcf.gz")) as vcf:
        assert len(list(vcf.fetch("BRCA2"))) > 0
        assert list(vcf.header.contigs) == GENES


# ---- PGx site map -------------------------------------------------------------------------


def pgx_rows() -> dict[int, int]:
    lines = (DEMO / "pgx_sites.tsv").read_text().splitlines()
    assert lines[0] == "gene\tgrch38_chrom\tgrch38_pos\tref\tdemo_chrom\tdemo_pos"
    return {int(line.split("\t")[2]): int(line.split("\t")[5]) for line in lines[1:]}


def test_pgx_sites_match_the_demo_reference(fasta, transcripts) -> None:
    lines = (DEMO / "pgx_sites.tsv").read_text().splitlines()[1:]
    rows = [line.split("\t") for line in lines]
    assert len(rows) >= 30
    t = transcripts["CYP2C19"]
    positions = []
    for gene, chrom, grch38, ref, demo_chrom, demo_pos in rows:
        assert (gene, chrom, demo_chrom) == ("CYP2C19", "chr10", "CYP2C19")
        pos = int(demo_pos)
        assert fasta["CYP2C19"][pos - 1 : pos - 1 + len(ref)] == ref
        positions.append((int(grch38), pos))
    assert [p for _, p in sorted(positions)] == sorted(p for _, p in positions)  # same order
    sites = dict(positions)
    assert sites[94781859] == t.genomic_position(681)  # *2
    assert sites[94780653] == t.genomic_position(636)  # *3
    assert sites[94761900] == t.genomic_position(1) - 806  # *17 c.-806C
    for grch38, pos in positions:
        if grch38 not in (94781859, 94780653, 94761900):
            assert t.exon_number(pos) is None  # others in introns/flanks


PGX_JSON = SHARED / "data" / "pgx" / "CYP2C19.alleles.json"


@pytest.mark.skipif(not PGX_JSON.exists(), reason="shared PGx definitions absent")
def test_pgx_sites_cover_every_definition_position() -> None:
    data = json.loads(PGX_JSON.read_text())
    expected = {(v["position"], v["ref"]) for v in data["variants"]}
    lines = (DEMO / "pgx_sites.tsv").read_text().splitlines()[1:]
    assert {(int(r.split("\t")[2]), r.split("\t")[3]) for r in lines} == expected


# ---- reads ----------------------------------------------------------------------------------


def fastq_records(path: Path, limit: int | None = None):
    with gzip.open(path, "rt") as handle:
        while True:
            lines = list(islice(handle, 4))
            if len(lines) < 4:
                return
            yield lines[0].rstrip(), lines[1].rstrip(), lines[3].rstrip()
            if limit is not None:
                limit -= 1
                if limit == 0:
                    return


@pytest.mark.parametrize("lane", ["L001", "L002"])
def test_reads_are_paired_named_and_cover_20x(lane: str, fasta) -> None:
    r1 = list(fastq_records(DEMO / "reads" / f"DEMO_G1_{lane}_R1.fastq.gz"))
    r2 = list(fastq_records(DEMO / "reads" / f"DEMO_G1_{lane}_R2.fastq.gz"))
    assert len(r1) == len(r2)
    assert [r[0] for r in r1[:3]] == [f"@DEMO_G1:{lane}:{n}" for n in (1, 2, 3)]
    assert all(a[0] == b[0] for a, b in zip(r1, r2, strict=True))
    assert all(len(r[1]) == len(r[2]) == 150 for r in r1 + r2)
    depth = 300 * len(r1) / sum(map(len, fasta.values()))
    assert 19.0 <= depth <= 21.0
    early = [ord(q) - 33 for r in r1[:2000] for q in r[2][:10]]
    late = [ord(q) - 33 for r in r1[:2000] for q in r[2][-10:]]
    assert 34 <= sum(early) / len(early) <= 38 and 26 <= sum(late) / len(late) <= 31


def test_gzip_headers_are_reproducible() -> None:
    for path in sorted((DEMO / "reads").glob("*.fastq.gz")):
        header = path.read_bytes()[:10]
        assert header[4:8] == b"\0\0\0\0"  # mtime 0
        assert header[3] & 0x08 == 0  # no file name stored


def test_demo_folder_is_small() -> None:
    total = sum(p.stat().st_size for p in DEMO.rglob("*") if p.is_file())
    assert total < 25 * 1024 * 1024


def test_spec_names_cover_the_genome() -> None:
    assert set(SPECS_BY_NAME) == set(PROTEIN_LENGTHS)


# ---- the simulator itself (tiny inputs; reused later for tumour/normal pairs) ----------------


def test_simulator_is_seeded_and_mixes_tumour_templates(tmp_path: Path) -> None:
    import numpy as np

    from tools.demo.reads import Template, diploid_templates, mix_templates, simulate_sample
    from tools.demo.variants import TruthVariant, haplotype_sequence

    rng = np.random.default_rng(0)
    reference = "".join("ACGT"[i] for i in rng.integers(4, size=3000))
    alt = "A" if reference[1499] != "A" else "C"
    variant = TruthVariant("c", 1500, reference[1499], alt, (0, 1), "test")
    haps = tuple(haplotype_sequence(reference, [variant], h) for h in (0, 1))
    assert haps[0] == reference and haps[1][1499] == variant.alt and len(haps[1]) == 3000
    normal = diploid_templates({"c": haps}, 30.0)
    assert [t.coverage for t in normal] == [15.0, 15.0]
    fusion = Template("fusion", reference[:1000] + reference[2000:], 30.0)
    mixed = mix_templates(normal, [fusion], 0.4)
    assert [round(t.coverage, 6) for t in mixed] == [9.0, 9.0, 12.0]
    runs = []
    for name in ("a", "b"):
        out = tmp_path / name
        written = simulate_sample(mixed, "T1", ["L001"], out, seed=5)
        assert written["L001"][2] == round(9 * 3000 / 300) * 2 + round(12 * 2000 / 300)
        runs.append([p.read_bytes() for p in written["L001"][:2]])
    assert runs[0] == runs[1]
    records = list(fastq_records(tmp_path / "a" / "T1_L001_R1.fastq.gz"))
    assert records[0][0] == "@T1:L001:1"
    # reads of the fusion template span the junction, those of the normal contig do not
    junction = reference[990:1000] + reference[2000:2010]
    reads = [r[1] for r in records] + [
        reverse_complement(r[1]) for r in fastq_records(tmp_path / "a" / "T1_L001_R2.fastq.gz")
    ]
    assert any(junction in r for r in reads)


# ---- tumour/normal patient DEMO_P2 -----------------------------------------------------------

PURITY = 0.6
# name -> (protein change, contig REF, contig ALT, expected VAF); minus-strand KRAS converted
DRIVERS = {
    "EGFR:c.2573T>G": ("p.L858R", "T", "G", 0.30),
    "EGFR:c.2369C>T": ("p.T790M", "C", "T", 0.12),
    "EGFR:c.2235_2249del": ("p.E746_A750del", None, None, 0.18),
    "KRAS:c.34G>T": ("p.G12C", "C", "A", 0.24),
    "PIK3CA:c.3140A>G": ("p.H1047R", "A", "G", 0.18),
    "ABL1:c.944C>T": ("p.T315I", "C", "T", 0.12),
}


def read_vcf(name: str, sample: str) -> list[tuple[str, int, str, str, tuple, dict]]:
    records = []
    with pysam.VariantFile(str(DEMO / name)) as vcf:
        assert list(vcf.header.samples) == [sample]
        assert list(vcf.header.contigs) == GENES
        for r in vcf:
            records.append(
                (r.chrom, r.pos, r.ref, r.alts[0], r.samples[sample]["GT"], dict(r.info))
            )
    return records


@pytest.fixture(scope="module")
def somatic() -> list[tuple[str, int, str, str, tuple, dict]]:
    return read_vcf("truth.somatic.vcf.gz", "DEMO_P2_T")


@pytest.fixture(scope="module")
def patient_germline() -> list[tuple[str, int, str, str, tuple, dict]]:
    return read_vcf("truth.germline.DEMO_P2.vcf.gz", "DEMO_P2")


def test_somatic_truth_counts_vafs_and_placement(somatic, truth, fasta) -> None:
    snvs = [v for v in somatic if len(v[2]) == len(v[3]) == 1]
    indels = [v for v in somatic if len(v[2]) != len(v[3])]
    assert (len(snvs), len(indels)) == (32, 12)
    assert all(1 <= abs(len(v[2]) - len(v[3])) <= 15 for v in indels)
    assert len({v[0] for v in somatic}) == 14 and "ERBB2" not in {v[0] for v in somatic}
    vafs = [v[5]["VAF"] for v in somatic]
    assert all(0.05 - 1e-6 <= vaf <= 0.40 for vaf in vafs)
    assert sum(vaf >= 0.10 for vaf in vafs) == 36 and min(vafs) == pytest.approx(0.05)
    for contig, pos, ref, alt, gt, info in somatic:
        assert info["SOMATIC"] is True
        assert info["VAF"] == pytest.approx(PURITY * info["CF"] / 2, abs=1e-4)  # all diploid
        assert gt in ((1, 0), (0, 1))
        assert fasta[contig][pos - 1 : pos - 1 + len(ref)] == ref
        assert 250 <= pos <= len(fasta[contig]) - 250
        assert normalize(fasta[contig], pos, ref, alt) == (pos, ref, alt)
    spans: dict[str, list[tuple[int, int]]] = {}
    for contig, pos, ref, *_ in [*somatic, *truth]:  # apart from every DEMO_G1 variant too
        spans.setdefault(contig, []).append((pos, pos + len(ref) - 1))
    for items in spans.values():
        assert all(b[0] - a[1] >= 40 for a, b in pairwise(sorted(items)))


def test_somatic_drivers_have_their_real_coding_changes(somatic, transcripts, fasta) -> None:
    named = {v[5]["DEMO_NAME"]: v for v in somatic if "DEMO_NAME" in v[5]}
    assert set(named) == set(DRIVERS)
    for name, (protein, ref, alt, vaf) in DRIVERS.items():
        contig, pos, vref, valt, _, info = named[name]
        assert (info["DEMO_PROTEIN"], info["DEMO_CLASS"]) == (protein, "driver")
        assert info["VAF"] == pytest.approx(vaf)
        t = transcripts[contig]
        match = re.fullmatch(r"[A-Z0-9]+:c\.(\d+)([ACGT])>([ACGT])", name)
        if match:
            assert (vref, valt) == (ref, alt) and pos == t.genomic_position(int(match.group(1)))
            cds = cds_of(contig, transcripts, fasta)
            c = int(match.group(1))
            assert cds[c - 1] == match.group(2)
            mutated = translate(cds[: c - 1] + match.group(3) + cds[c:])
            number = (c + 2) // 3
            before, after = translate(cds)[number - 1], mutated[number - 1]
            assert f"p.{before}{number}{after}" == protein
    # EGFR exon 19: c.2235_2249del (GGAATTAAGAGAAGC) after the anchor base c.2234
    contig, pos, ref, alt, _, _ = named["EGFR:c.2235_2249del"]
    egfr = transcripts["EGFR"]
    assert pos == egfr.genomic_position(2234) and alt == ref[0]
    assert ref[1:] == "GGAATTAAGAGAAGC" == cds_of("EGFR", transcripts, fasta)[2234:2249]
    # T790M sits in cis with L858R, T315I on the haplotype that forms BCR::ABL1 (2)
    assert named["EGFR:c.2369C>T"][4] == named["EGFR:c.2573T>G"][4] == (1, 0)
    assert named["ABL1:c.944C>T"][4] == (0, 1)


def test_somatic_coding_load_and_microsatellite_indels(somatic, transcripts) -> None:
    classes = [v[5]["DEMO_CLASS"] for v in somatic]
    protein_changing = {"driver", "missense", "frameshift", "inframe_deletion"}
    assert sum(c in protein_changing for c in classes) == 14  # the TMB numerator
    assert classes.count("synonymous") == 2
    for contig, pos, _, _, _, info in somatic:
        in_cds = transcripts[contig].coding_position(pos) is not None
        if info["DEMO_CLASS"] in protein_changing | {"synonymous"}:
            assert in_cds or transcripts[contig].coding_position(pos + 1) is not None
        if info["DEMO_CLASS"] in {"intron", "flank"}:
            assert transcripts[contig].exon_number(pos) is None
    loci = {}
    for line in (DEMO / "microsatellites.bed").read_text().splitlines():
        contig, start, end, name = line.split("\t")
        loci[name] = (contig, int(start), int(end))
    hit = set()
    for contig, pos, ref, alt, _, info in somatic:
        if len(ref) == len(alt):
            continue
        for name, (c, start, end) in loci.items():
            if c == contig and pos - 1 <= end and pos - 1 + len(ref) >= start:
                hit.add(name)
                assert info["DEMO_LOCUS"] == name
    assert hit == {"EGFR_MS02_CAx20", "EML4_MS01_Ax14", "MET_MS03_Tx12"}  # 3 of 33: MSS
    assert len(hit) / len(loci) < 0.2


def test_patient_germline_is_a_subset_disjoint_from_somatic(patient_germline, truth, somatic):
    assert 60 <= len(patient_germline) <= 80
    g1 = {v[:4]: v[4] for v in truth}
    for contig, pos, ref, alt, gt, _ in patient_germline:
        assert g1[(contig, pos, ref, alt)] == gt
    names = {v[5].get("DEMO_NAME") for v in patient_germline}
    assert {"EGFR:c.1562G>A", "CYP2C19:c.681G>A", "CYP2C19:rs12769205"} <= names
    assert "BRCA2:c.5946delT" not in names
    assert {v[0] for v in patient_germline} >= {"ERBB2", "BCR", "ABL1", "EML4", "ALK", "EGFR"}
    germline_spans = [(v[0], v[1], v[1] + len(v[2]) - 1) for v in patient_germline]
    for contig, pos, ref, *_ in somatic:
        for c, start, end in germline_spans:
            assert c != contig or end + 40 <= pos or pos + len(ref) - 1 + 40 <= start


FUSIONS = [
    # gene5p, gene3p, strands, last exon of the 5' part, first exon of the 3' part,
    # last coding c. of the 5' part, first of the 3'
    ("BCR", "ABL1", "+", "+", 14, 2, 3175, 80),
    ("EML4", "ALK", "+", "-", 13, 20, 1489, 3173),
]


def fusion_rows() -> list[dict[str, str]]:
    lines = (DEMO / "truth.fusions.tsv").read_text().splitlines()
    header = lines[0].split("\t")
    assert header == [
        "gene5p", "gene3p", "chrom5p", "pos5p", "chrom3p", "pos3p",
        "strand5p", "strand3p", "site5p", "site3p", "exons5p", "exons3p", "in_frame",
    ]  # fmt: skip
    # columns of the workflow's fusions TSV, in its order
    assert header == [c for c in FUSION_COLUMNS if c in header]
    return [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:]]


def test_fusion_truth_is_in_frame_with_intronic_breakpoints(transcripts, fasta) -> None:
    rows = fusion_rows()
    assert [(r["gene5p"], r["gene3p"]) for r in rows] == [(f[0], f[1]) for f in FUSIONS]
    for row, (g5, g3, s5, s3, e5, e3, c5, c3) in zip(rows, FUSIONS, strict=True):
        assert (row["chrom5p"], row["chrom3p"], row["strand5p"], row["strand3p"]) == (
            g5, g3, s5, s3,
        )  # fmt: skip
        t5, t3 = transcripts[g5], transcripts[g3]
        # as the workflow writes them: intron k follows exon k; the exons each part keeps
        assert (row["site5p"], row["site3p"]) == (f"intron {e5}", f"intron {e3 - 1}")
        assert (row["exons5p"], row["exons3p"]) == (f"1-{e5}", f"{e3}-{len(t3.exons)}")
        assert row["in_frame"] == "yes"
        pos5, pos3 = int(row["pos5p"]), int(row["pos3p"])
        # breakpoints in the intron between the kept exons, >= 100 bp from both exons
        for t, pos, intron in ((t5, pos5, e5), (t3, pos3, e3 - 1)):
            a, b = t.exons[intron - 1], t.exons[intron]
            low, high = min(a[1], b[1]) + 1, max(a[0], b[0]) - 1
            assert low + 100 <= pos <= high - 100
        # the 5' part ends at c5 (exon e5's last base), the 3' part starts with exon e3 at c3
        end5 = t5.exons[e5 - 1][1] if s5 == "+" else t5.exons[e5 - 1][0]
        start3 = t3.exons[e3 - 1][0] if s3 == "+" else t3.exons[e3 - 1][1]
        assert (t5.coding_position(end5), t3.coding_position(start3)) == (c5, c3)
        fused = cds_of(g5, transcripts, fasta)[:c5] + cds_of(g3, transcripts, fasta)[c3 - 1 :]
        assert len(fused) % 3 == 0 and "*" not in translate(fused)
        assert fused[-3:] in {"TAA", "TAG", "TGA"}


def junction(row: dict[str, str], fasta, flank: int = 20) -> str:
    """Bases either side of the fusion junction, in 5' gene transcript orientation."""
    pos5, pos3 = int(row["pos5p"]), int(row["pos3p"])
    five = fasta[row["chrom5p"]]
    three = fasta[row["chrom3p"]]
    left = five[pos5 - flank : pos5] if row["strand5p"] == "+" else ""
    if row["strand5p"] == "-":
        left = reverse_complement(five[pos5 - 1 : pos5 - 1 + flank])
    if row["strand3p"] == "+":
        right = three[pos3 - 1 : pos3 - 1 + flank]
    else:
        right = reverse_complement(three[pos3 - flank : pos3])
    return left + right


def test_cna_truth() -> None:
    lines = (DEMO / "truth.cna.tsv").read_text().splitlines()
    assert lines[0] == "gene\tcall\tcopy_number"
    rows = [line.split("\t") for line in lines[1:]]
    assert [r[0] for r in rows] == GENES
    assert {r[0]: (r[1], int(r[2])) for r in rows if r[1] != "neutral"} == {
        "ERBB2": ("amplification", 8)
    }
    assert all(int(r[2]) == 2 for r in rows if r[1] == "neutral")


@pytest.fixture(scope="module")
def patient_reads() -> dict[str, list[str]]:
    """Every read sequence of both patient samples, R2 reverse-complemented."""
    reads: dict[str, list[str]] = {}
    for sample in ("DEMO_P2_T", "DEMO_P2_N"):
        r1 = list(fastq_records(DEMO / "reads" / f"{sample}_L001_R1.fastq.gz"))
        r2 = list(fastq_records(DEMO / "reads" / f"{sample}_L001_R2.fastq.gz"))
        assert len(r1) == len(r2) and all(a[0] == b[0] for a, b in zip(r1, r2, strict=True))
        assert [r[0] for r in r1[:2]] == [f"@{sample}:L001:1", f"@{sample}:L001:2"]
        assert all(len(r[1]) == len(r[2]) == 150 for r in r1[:5000] + r2[:5000])
        quals = {q for r in r1[:5000] + r2[:5000] for q in r[2]}
        assert quals <= {"#", "-", "8", "F"}  # binned: Q2, Q12, Q23, Q37
        reads[sample] = [r[1] for r in r1] + [reverse_complement(r[1]) for r in r2]
    return reads


def test_patient_read_depths(patient_reads, fasta) -> None:
    genome = sum(map(len, fasta.values()))
    normal_pairs = len(patient_reads["DEMO_P2_N"]) // 2
    tumour_pairs = len(patient_reads["DEMO_P2_T"]) // 2
    assert 300 * normal_pairs / genome == pytest.approx(50, rel=0.01)
    # 120x in diploid regions; ERBB2 at (0.6 x 8 + 0.4 x 2) / 2 = 2.8 times that
    extra = (2.8 - 1) * len(fasta["ERBB2"])
    assert 300 * tumour_pairs / (genome + extra) == pytest.approx(120, rel=0.01)


def test_fusion_junctions_are_in_tumour_reads_only(patient_reads, fasta) -> None:
    for row in fusion_rows():
        kmer = junction(row, fasta)
        assert len(kmer) == 40
        assert (
            sum(kmer in r or reverse_complement(kmer) in r for r in patient_reads["DEMO_P2_N"]) == 0
        )
        assert sum(kmer in r for r in patient_reads["DEMO_P2_T"]) >= 10


def test_simulator_bins_qualities_and_mixes_cell_populations(tmp_path: Path) -> None:
    from tools.demo.reads import (
        NOVASEQ_BINS,
        CellPopulation,
        Molecule,
        ReadModel,
        population_templates,
        simulate_sample,
    )

    normal = CellPopulation("normal", 0.4, (Molecule("c#1", "ACGT" * 500), Molecule("c#2", "A")))
    tumour = CellPopulation(
        "tumour", 0.6, (Molecule("c#1", "ACGT" * 500, 3.0), Molecule("d", "GT" * 600))
    )
    templates = population_templates([normal, tumour], depth_per_copy=50.0)
    coverage = {t.name: round(t.coverage, 6) for t in templates}
    assert coverage == {"c#1": 20.0 + 90.0, "c#2": 20.0, "d": 30.0}
    with pytest.raises(ValueError, match="add up to 1"):
        population_templates([normal], 50.0)
    model = ReadModel(quality_bins=NOVASEQ_BINS)
    written = simulate_sample(templates[:1], "B1", ["L001"], tmp_path, seed=3, model=model)
    records = list(fastq_records(written["L001"][0]))
    assert len(records) == round(110 * 2000 / 300)
    assert {q for r in records for q in r[2]} <= {"#", "-", "8", "F"}
