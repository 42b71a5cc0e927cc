"""Too little data never gives a therapy report that reads like a negative result (issue 11):
findings.json and the report say "insufficient data: N reads / mean depth X over the
targets", the findings are withheld and the run fails, unless qc.allow_low_data lists them
under a red first line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from actionable.commands.match import run_match
from actionable.errors import UsageError
from actionable.report import load_report_data, write_report
from actionable.workflow.data_check import assess, gate

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "cases"
VCF = GOLDEN / "genomic_egfr_l858r_grch38" / "input.vcf"


def qc_files(tmp_path: Path, name: str, mapped: int, depth: float) -> tuple[Path, Path]:
    stats = tmp_path / f"{name}.txt"
    stats.write_text(
        f"SN\traw total sequences:\t{mapped}\t# excluding supplementary\n"
        f"SN\treads mapped:\t{mapped}\n"
    )
    summary = tmp_path / f"{name}.mosdepth.summary.txt"
    summary.write_text(
        "chrom\tlength\tbases\tmean\tmin\tmax\n"
        f"total\t1000\t0\t{depth / 2}\t0\t9\ntotal_region\t500\t0\t{depth}\t0\t9\n"
    )
    return stats, summary


def test_enough_data_passes(tmp_path: Path) -> None:
    check = assess({"T": qc_files(tmp_path, "T", 50000, 41.0)}, 2000, 20, allowed=False)
    assert check["sufficient"] is True
    assert check["message"] is None
    assert check["samples"] == [{"sample": "T", "reads": 50000, "mean_depth": 41.0}]


def test_message_names_reads_and_depth_of_the_short_sample(tmp_path: Path) -> None:
    files = {"T": qc_files(tmp_path, "T", 50000, 41.0), "N": qc_files(tmp_path, "N", 812, 0.44)}
    check = assess(files, 2000, 20, allowed=False)
    assert check["sufficient"] is False
    assert check["message"] == (
        "insufficient data: 812 reads / mean depth 0.4x over the targets (sample N) "
        "(needs at least 2000 mapped reads and 20x)"
    )


def match(tmp_path: Path, check: dict) -> dict:
    return run_match(VCF, tmp_path / "out", "GRCh38", "LUAD", data_check=check)


def test_findings_withheld_without_opt_in(tmp_path: Path) -> None:
    check = assess({"S": qc_files(tmp_path, "S", 0, 0.0)}, 2000, 20, allowed=False)
    doc = match(tmp_path, check)
    assert doc["findings"] == []
    written = json.loads((tmp_path / "out" / "findings.json").read_text())
    assert written["data_check"]["message"].startswith(
        "insufficient data: 0 reads / mean depth 0.0x over the targets"
    )
    html = tmp_path / "report.html"
    write_report(load_report_data(tmp_path / "out" / "findings.json"), html)
    page = html.read_text()
    body = page[page.index("<body>") + len("<body>") :].lstrip()
    assert body.startswith('<p class="data-warning" id="data-warning" role="alert">insufficient')
    assert "no therapy is listed" in body.split("\n")[0]
    assert "No alteration matched a therapy" not in page
    assert 'id="findings-withheld"' in page
    with pytest.raises(UsageError, match="S: insufficient data: 0 reads"):
        check_path = tmp_path / "S.json"
        check_path.write_text(json.dumps(check))
        gate([check_path], tmp_path / "gate.tsv")
    assert not (tmp_path / "gate.tsv").exists()


def test_opt_in_lists_findings_under_a_red_first_line(tmp_path: Path) -> None:
    check = assess({"S": qc_files(tmp_path, "S", 1500, 8.0)}, 2000, 20, allowed=True)
    doc = match(tmp_path, check)
    assert {f["gene"] for f in doc["findings"]} == {"EGFR"}
    html = tmp_path / "report.html"
    write_report(load_report_data(tmp_path / "out" / "findings.json"), html)
    page = html.read_text()
    first = page[page.index("<body>") + len("<body>") :].lstrip().split("\n")[0]
    assert first.startswith('<p class="data-warning"')
    assert "insufficient data: 1500 reads / mean depth 8.0x over the targets" in first
    assert "osimertinib" in page
    check_path = tmp_path / "S.json"
    check_path.write_text(json.dumps(check))
    gate([check_path], tmp_path / "gate.tsv")
    assert "S\tinsufficient\tinsufficient data: 1500 reads" in (tmp_path / "gate.tsv").read_text()


def test_pgx_that_cannot_run_is_written_into_the_report(tmp_path: Path) -> None:
    run_match(VCF, tmp_path / "out", "GRCh38", "LUAD")
    reason = "pgx.enabled is true but reference.build is GRCh37 and pgx.site_map is empty"
    data = load_report_data(tmp_path / "out" / "findings.json", pgx_unavailable=reason)
    write_report(data, tmp_path / "report.html")
    page = (tmp_path / "report.html").read_text()
    assert f'id="pgx-unavailable">Pharmacogenomics not assessed: {reason}' in page
