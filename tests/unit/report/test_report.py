"""`actionable report`: sections, tiers, resistance, PGx, QC, figures, escaping, errors."""

from __future__ import annotations

import base64
import copy
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from actionable import __version__
from actionable.cli import main
from actionable.formats.findings import load_findings
from actionable.pgx.caller import DPYD_HAPB3_INTRONIC, DPYD_HAPB3_TAG
from actionable.report.model import citation_link, findings_doc
from actionable.report.summary import therapies_by_tier
from tests.support.pgx_vcfs import write_vcf
from tests.support.report_fixtures import (
    DATE,
    FIXTURES,
    INJECTED_SAMPLE,
    fixture_report,
    xss_findings,
)
from tests.support.workflow import REPO

ALK_INHIBITORS = {"alectinib", "brigatinib", "ceritinib", "crizotinib", "ensartinib", "lorlatinib"}
TIER_IA = ALK_INHIBITORS | {
    "afatinib",
    "amivantamab + lazertinib",
    "dacomitinib",
    "erlotinib",
    "gefitinib",
    "osimertinib",
    "pembrolizumab",
}


class Elements(HTMLParser):
    """Tags with their attributes, in document order."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


@pytest.fixture(scope="module")
def report_html(tmp_path_factory: pytest.TempPathFactory) -> str:
    return fixture_report(tmp_path_factory.mktemp("report")).read_text(encoding="utf-8")


def section(html: str, anchor: str) -> str:
    start = html.index(f'<section id="{anchor}"')
    return html[start : html.index("</section>", start)]


def test_header_names_sample_tumour_build_date_and_versions(report_html: str) -> None:
    header = report_html[: report_html.index("<main>")]
    assert '<dd id="sample-name">DEMO_P1_T</dd>' in header
    assert "Lung Adenocarcinoma" in header and "OncoTree LUAD" in header
    assert "GRCh38" in header and DATE in header
    assert f"actionable {__version__}" in header
    kb_version = json.loads((FIXTURES / "findings.json").read_text())["knowledge_base"]["version"]
    assert f"<dd>{kb_version}</dd>" in header
    assert "Research use only." in header


def test_sections_come_in_order_summary_first(report_html: str) -> None:
    body = report_html[report_html.index("<main>") :]
    order = [body.index(f'<section id="{s}"') for s in ("summary", "findings", "pgx", "qc")]
    assert order == sorted(order)
    summary = section(report_html, "summary")
    positions = [
        summary.index(h)
        for h in ("Therapies by evidence tier", "Fusions", "Copy-number changes", "MSI")
    ]
    assert positions == sorted(positions)


def test_therapies_grouped_by_best_tier_with_resistance_beside() -> None:
    groups, only_resistance = therapies_by_tier(
        findings_doc(load_findings(FIXTURES / "findings.json")).findings
    )
    assert [g.tier for g in groups] == ["I-A", "II-C"]
    by_name = {line.therapy: line for g in groups for line in g.therapies}
    assert {line.therapy for line in groups[0].therapies} == TIER_IA
    assert {line.therapy for line in groups[1].therapies} >= {
        "imatinib",
        "dasatinib",
        "nilotinib",
        "bosutinib",
        "asciminib",
        "ponatinib",
        "trastuzumab",
        "trastuzumab deruxtecan",
    }
    for drug in ("erlotinib", "gefitinib", "afatinib"):
        assert [r.alteration for r in by_name[drug].resistance] == ["EGFR T790M"]
        assert [s.alteration for s in by_name[drug].sensitivity] == ["EGFR L858R"]
    assert by_name["osimertinib"].resistance == []
    assert [s.alteration for s in by_name["osimertinib"].sensitivity] == [
        "EGFR L858R",
        "EGFR T790M",
    ]
    # therapies with no counter-evidence come first in their tier
    ia = [line.therapy for line in groups[0].therapies]
    assert ia.index("osimertinib") < ia.index("erlotinib")
    assert only_resistance == []


def test_tiers_follow_amp_order_and_best_tier_wins(tmp_path: Path) -> None:
    doc = json.loads((FIXTURES / "findings.json").read_text())
    base = copy.deepcopy(doc["findings"][0]["evidence"][0])

    def ev(therapy: str, tier: str, direction: str = "sensitivity") -> dict:
        return {**base, "therapy": therapy, "tier": tier, "direction": direction}

    doc["findings"] = [
        {
            "gene": "GENEA",
            "alteration": "X1Y",
            "match_kind": "codon",
            "variant": None,
            "evidence": [ev("drug d", "II-D"), ev("drug b", "II-D"), ev("drug c", "II-C")],
        },
        {
            "gene": "GENEB",
            "alteration": "Z2W",
            "match_kind": "hgvsp",
            "variant": None,
            "evidence": [ev("drug b", "I-B"), ev("drug r", "II-D", "resistance")],
        },
    ]
    path = tmp_path / "tiers.json"
    path.write_text(json.dumps(doc))
    groups, only_resistance = therapies_by_tier(findings_doc(load_findings(path)).findings)
    assert [(g.tier, [t.therapy for t in g.therapies]) for g in groups] == [
        ("I-B", ["drug b"]),
        ("II-C", ["drug c"]),
        ("II-D", ["drug d"]),
    ]
    assert [t.therapy for t in only_resistance] == ["drug r"]
    html = fixture_report(tmp_path, findings=str(path)).read_text()
    summary = section(html, "summary")
    assert summary.index('data-tier="I-B"') < summary.index('data-tier="II-C"')
    assert summary.index('data-tier="II-C"') < summary.index('data-tier="II-D"')
    assert "Resistance evidence without a matching sensitivity" in summary


def test_summary_lists_fusions_copy_number_and_signatures(report_html: str) -> None:
    summary = section(report_html, "summary")
    fusions = summary[summary.index('id="summary-fusions"') :]
    assert "EML4::ALK" in fusions and "BCR::ABL1" in fusions
    assert "14 / 22" in fusions
    cna = summary[summary.index('id="summary-cna"') :]
    assert re.search(r"ERBB2</td><td>amplification</td><td>9\.0</td>", cna)
    signatures = summary[summary.index('id="summary-signatures"') :]
    assert "12.5 mut/Mb" in signatures and "TMB-high" in signatures and "MSS" in signatures


def test_each_finding_shows_hgvs_vaf_depth_and_why_it_matched(report_html: str) -> None:
    findings = section(report_html, "findings")
    l858r = findings[findings.index('<span class="alteration">L858R</span>') :]
    l858r = l858r[: l858r.index("</article>")]
    assert 'class="hgvs">p.L858R<' in l858r and 'class="hgvs">c.2573T&gt;G<' in l858r
    assert "7:55191822 T&gt;G (GRCh38)" in l858r
    assert "<dd>31.1 %</dd>" in l858r and "<dd>412</dd>" in l858r
    assert "exact genomic change" in l858r
    assert "AK0001" in l858r  # evidence id of the osimertinib row
    alk = findings[findings.index("EML4::ALK fusion") :]
    assert "gene fusion: *::ALK: partner pattern *::ALK" in alk[: alk.index("</article>")]


def test_match_kind_is_explained_in_words(tmp_path: Path) -> None:
    doc = json.loads((FIXTURES / "findings.json").read_text())
    egfr = next(f for f in doc["findings"] if f["alteration"] == "L858R")
    egfr.update(
        alteration="E746_A750del",
        match_kind="exon",
        match_detail="EGFR exon 19 in-frame deletion",
    )
    egfr["variant"].update(hgvsp="p.Glu746_Ala750del", transcript="NM_005228.5")
    t790m = next(f for f in doc["findings"] if f["alteration"] == "T790M")
    t790m.update(match_kind="hgvsp", match_detail=None, canonical=False)
    path = tmp_path / "kinds.json"
    path.write_text(json.dumps(doc))
    findings = section(fixture_report(tmp_path, findings=str(path)).read_text(), "findings")
    assert "exon-level rule (exon and consequence): EGFR exon 19 in-frame deletion" in findings
    assert 'data-kind="hgvsp">exact protein change</span>' in findings
    assert "NM_005228.5" in findings and "not the principal transcript" in findings


def test_pgx_table_and_genes_not_called(report_html: str) -> None:
    pgx = section(report_html, "pgx")
    cyp = pgx[pgx.index('<td class="gene" rowspan="6">CYP2C19</td>') :]
    assert cyp.startswith('<td class="gene" rowspan="6">CYP2C19</td>')
    assert '<td class="diplotype" rowspan="6">*1/*2</td>' in cyp
    assert "Intermediate Metabolizer" in cyp
    clopidogrel = cyp[cyp.index("clopidogrel") :]
    assert "prasugrel or ticagrelor" in clopidogrel[:800]
    assert '<td class="strength">Strong</td>' in clopidogrel[:1200]
    assert "*1/*1" in pgx and "Normal Metabolizer" in pgx  # TPMT
    not_called = pgx[pgx.index('id="pgx-not-called"') :]
    assert '<span class="gene">DPYD</span>: <strong>not called</strong>' in not_called
    assert "capecitabine, fluorouracil" in not_called


def test_qc_numbers_per_sample_and_per_gene(report_html: str) -> None:
    qc = section(report_html, "qc")
    rows = re.findall(r"<tr><td>(DEMO_P1_[NT])</td>(.*?)</tr>", qc, re.S)
    cells = {name: re.findall(r"<td>([^<]*)</td>", rest) for name, rest in rows}
    assert cells["DEMO_P1_T"][:4] == ["412,806", "99.3 %", "8.7 %", "97.8 %"]
    assert cells["DEMO_P1_N"][:4] == ["205,114", "99.3 %", "6.1 %", "97.8 %"]
    tp53 = qc[qc.index('<td class="gene">TP53</td>') :]
    tp53 = tp53[: tp53.index("</tr>")]
    # normal then tumour columns (samples sorted by name): mean depth and % >= 20x
    assert re.findall(r"<td>([^<]*)</td>", tp53)[1:] == ["24.9", "88.0 %", "18.2", "62.0 %"]
    assert qc.index('<tr class="low"><td class="gene">TP53</td>') > 0


def decoded_figures(html: str) -> list[str]:
    return [
        base64.b64decode(data).decode()
        for data in re.findall(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', html)
    ]


def test_figures_are_inline_deterministic_svg(report_html: str, tmp_path: Path) -> None:
    figures = decoded_figures(report_html)
    assert len(figures) == 2
    vaf, coverage = figures
    assert "<svg" in vaf and "EGFR L858R" in vaf and "EGFR T790M" in vaf
    assert "ERBB2" in coverage and "DEMO_P1_T" in coverage
    for svg in figures:
        assert "<script" not in svg and "<dc:date>" not in svg
    again = fixture_report(tmp_path).read_text(encoding="utf-8")
    assert again == report_html


def test_no_external_resources_only_citation_links(report_html: str) -> None:
    lowered = report_html.lower()
    for banned in ("<script", "<link", "@import", "url(", "<iframe", "<object", "<embed"):
        assert banned not in lowered, banned
    assert "script-src &#39;none&#39;" in report_html  # Content-Security-Policy
    external = 0
    for tag, attrs in Elements(report_html).tags:
        if "src" in attrs:
            assert (attrs["src"] or "").startswith("data:image/"), (tag, attrs)
        href = attrs.get("href") or ""
        if tag == "a" and not href.startswith("#"):
            assert attrs.get("class") == "cite" and href.startswith("https://"), attrs
            external += 1
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert "javascript:" not in (value or "").lower()
    assert external >= 9  # one CPIC link per PGx recommendation


def test_injected_markup_is_escaped(tmp_path: Path) -> None:
    html = xss_findings(tmp_path).read_text(encoding="utf-8")
    assert INJECTED_SAMPLE not in html
    assert "<img src=x" not in html
    assert not [a for _, a in Elements(html).tags if "onerror" in a]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    hrefs = [a.get("href") or "" for _, a in Elements(html).tags if "href" in a]
    assert hrefs and not [h for h in hrefs if not h.startswith(("#", "https://"))]
    assert "javascript:alert(1)" in html  # the citation is shown as text, not linked
    assert [t for t, _ in Elements(html).tags].count("script") == 0
    assert [t for t, a in Elements(html).tags if t == "img" and a.get("src") == "x"] == []


def test_nothing_from_input_is_marked_safe() -> None:
    package = REPO / "src" / "actionable" / "report"
    for path in [*package.glob("*.py"), *package.glob("templates/*")]:
        text = path.read_text()
        assert "|safe" not in text.replace(" ", ""), path
        assert "Markup(" not in text and "autoescape false" not in text, path


def test_citations_link_only_to_http_sources() -> None:
    assert citation_link("PMID: 29151359").url == "https://pubmed.ncbi.nlm.nih.gov/29151359/"
    assert citation_link("NCT02296125").url == "https://clinicaltrials.gov/study/NCT02296125"
    assert citation_link("CIViC EID 1234").url == "https://civicdb.org/evidence/1234"
    assert citation_link("https://example.org/label.pdf").url == "https://example.org/label.pdf"
    for text in ("javascript:alert(1)", "data:text/html,x", "FDA label", "vbscript:x"):
        assert citation_link(text).url is None


def test_pgx_caveats_reach_the_report(tmp_path: Path) -> None:
    # exome-like VCF: DPYD c.1236G>A heterozygous, the HapB3 intronic site absent; CYP2D6 *1/*1
    vcf = write_vcf(
        tmp_path / "exome.vcf",
        genes=("DPYD", "CYP2D6"),
        overrides={DPYD_HAPB3_TAG: "0/1"},
        skip=[DPYD_HAPB3_INTRONIC],
    )
    assert (
        main(["pgx", "--vcf", str(vcf), "--genome", "GRCh38", "--out", str(tmp_path / "pgx")]) == 0
    )
    out = tmp_path / "r.html"
    pgx_json = tmp_path / "pgx" / "pgx.json"
    args = ["--findings", str(FIXTURES / "findings.json"), "--pgx", str(pgx_json)]
    assert main(["report", *args, "--out", str(out)]) == 0
    pgx = section(out.read_text(), "pgx")
    dpyd = pgx[pgx.index('">DPYD</td>') :]
    assert "(activity score 1.5)" in dpyd[:2000]
    assert "assessed on its tag c.1236G&gt;A (rs56038477)" in dpyd[:4000]
    cyp2d6 = pgx[pgx.index('">CYP2D6</td>') : pgx.index('">DPYD</td>')]
    for drug in ("codeine", "tramadol"):
        row = cyp2d6[cyp2d6.index(f'<td class="drug">{drug}') :]
        assert "an ultrarapid metabolizer (a CYP2D6 gene duplication) cannot" in row[:1500]


def test_report_without_pgx_or_qc_says_so(tmp_path: Path) -> None:
    out = tmp_path / "bare.html"
    assert main(["report", "--findings", str(FIXTURES / "findings.json"), "--out", str(out)]) == 0
    html = out.read_text()
    assert "No pharmacogenomic results were supplied" in html
    assert "No QC files were supplied" in html
    # reported variants still give a VAF figure; there is no coverage figure
    assert len(decoded_figures(html)) == 1


def test_bad_inputs_fail_with_one_line_and_leave_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out" / "r.html"
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema_version": "1",\n "sample": "S1",\n "findings": [}\n')
    missing_field = tmp_path / "missing.json"
    doc = json.loads((FIXTURES / "findings.json").read_text())
    del doc["findings"][1]["alteration"]
    missing_field.write_text(json.dumps(doc))
    cases = [
        (["--findings", str(tmp_path / "nope.json")], "nope.json: findings.json file not found"),
        (["--findings", str(broken)], "broken.json: line 3: not valid JSON"),
        (["--findings", str(missing_field)], "field findings[1].alteration is missing"),
        (
            ["--findings", str(FIXTURES / "findings.json"), "--qc", str(tmp_path / "noqc")],
            "noqc: QC directory not found",
        ),
        (
            ["--findings", str(FIXTURES / "findings.json"), "--date", "15/01/2025"],
            "--date '15/01/2025': expected YYYY-MM-DD",
        ),
    ]
    for args, message in cases:
        assert main(["report", *args, "--out", str(out), "--fhir", str(out) + ".json"]) == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith("actionable report: error: ") and message in err, err
        assert "\n" not in err and "Traceback" not in err
        assert not out.parent.exists() or list(out.parent.iterdir()) == []
    assert main(["report", "--findings", str(FIXTURES / "findings.json"), "--out", "r.txt"]) == 2
    assert "name it *.html" in capsys.readouterr().err


def test_fixtures_follow_the_producers_schemas() -> None:
    """The report's fixtures are what `actionable match` and `actionable pgx` write: both
    schemas ship with the package, so a missing one fails here."""
    import jsonschema

    schemas = REPO / "src" / "actionable" / "data" / "schemas"
    for fixture, schema in (
        ("findings.json", "findings.schema.json"),
        ("pgx.json", "pgx.schema.json"),
    ):
        assert (schemas / schema).is_file(), f"producer schema {schema} missing in {schemas}"
        jsonschema.validate(
            json.loads((FIXTURES / fixture).read_text()),
            json.loads((schemas / schema).read_text()),
        )


def test_signatures_file_overrides_and_caveats_are_shown(tmp_path: Path) -> None:
    signatures = tmp_path / "DEMO_P1.json"
    signatures.write_text(
        json.dumps(
            {
                "patient": "DEMO_P1",
                "tmb": 3.2,
                "callable_mb": 0.21,
                "tmb_assessable": False,
                "msi_status": "MSS",
                "msi_score": 0.0,
                "msi_assessable": False,
                "notes": ["Tumour-only: germline variants inflate TMB"],
            }
        )
    )
    summary = section(fixture_report(tmp_path, signatures=str(signatures)).read_text(), "summary")
    block = summary[summary.index('id="summary-signatures"') :]
    assert "3.2 mut/Mb" in block and "(below 10)" in block and "0.21 Mb" in block
    assert "TMB not assessable" in block and "MSI not established" in block
    assert "Tumour-only: germline variants inflate TMB" in block


def test_no_findings_still_gives_a_complete_report(tmp_path: Path) -> None:
    doc = json.loads((FIXTURES / "findings.json").read_text())
    doc["findings"] = []
    path = tmp_path / "none.json"
    path.write_text(json.dumps(doc))
    fhir = tmp_path / "none.fhir.json"
    html = fixture_report(tmp_path, findings=str(path), fhir=str(fhir)).read_text()
    assert "No alteration matched a therapy in the knowledge base." in html
    assert "No reportable fusion." in html and "No reportable copy-number change." in html
    assert '<td class="diplotype" rowspan="6">*1/*2</td>' in html  # PGx still shown
    bundle = json.loads(fhir.read_text())
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds.count("DiagnosticReport") == 1 and "Observation" in kinds


def test_fusions_with_an_unknown_partner_are_reported(tmp_path: Path) -> None:
    """PCGR's published GRCh37 fusions hold rows with an empty partner (`--ALK`)."""
    data = REPO / "tests" / "data" / "other_pipelines" / "pcgr"
    vcf = REPO / "tests" / "golden" / "cases" / "fusion_eml4_alk_nsclc" / "input.vcf"
    out = tmp_path / "match"
    argv = ["match", "--vcf", str(vcf), "--tumor-type", "LUAD", "--genome", "GRCh37"]
    argv += ["--fusions", str(data / "T001-BRCA.grch37.fusions.tsv"), "--out", str(out)]
    assert main(argv) == 0
    html = tmp_path / "report.html"
    findings = str(out / "findings.json")
    assert main(["report", "--findings", findings, "--out", str(html)]) == 0
    fusions = section(html.read_text(encoding="utf-8"), "summary")
    fusions = fusions[fusions.index('id="summary-fusions"') :]
    assert "?::ALK" in fusions and "?::NTRK3" in fusions and "FGFR2::?" in fusions
    assert "EML4::ALK" in fusions
