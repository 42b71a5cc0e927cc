"""`run_match`, the function behind `actionable match` that the workflow calls."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from actionable.cli import main
from actionable.commands.match import established_signatures, run_match
from actionable.errors import FormatError, InputFileError, UsageError

CASES = Path(__file__).resolve().parents[2] / "golden" / "cases"
T790M_VCF = CASES / "genomic_resistance_l858r_t790m_grch38" / "input.vcf"


def signatures_json(path: Path, tmb_assessable: bool, msi_assessable: bool) -> Path:
    path.write_text(
        json.dumps(
            {
                "patient": "P1",
                "tmb": 12.5,
                "tmb_assessable": tmb_assessable,
                "msi_status": "MSI-H",
                "msi_assessable": msi_assessable,
            }
        )
    )
    return path


def test_function_and_command_line_write_the_same_files(tmp_path: Path) -> None:
    fusions = tmp_path / "f.tsv"
    fusions.write_text("gene5p\tgene3p\nEML4\tALK\n")
    argv = ["match", "--vcf", str(T790M_VCF), "--tumor-type", "LUAD", "--genome", "GRCh38"]
    argv += ["--fusions", str(fusions), "--tmb", "12.5", "--msi", "MSI-H"]
    assert main([*argv, "--out", str(tmp_path / "cli")]) == 0
    doc = run_match(
        T790M_VCF,
        tmp_path / "function",
        genome="GRCh38",
        tumour_type="LUAD",
        fusions=fusions,
        tmb=12.5,
        msi="MSI-H",
    )
    for name in ("findings.json", "findings.tsv"):
        cli = (tmp_path / "cli" / name).read_bytes()
        assert cli == (tmp_path / "function" / name).read_bytes(), name
    assert doc == json.loads((tmp_path / "cli" / "findings.json").read_text())


def test_signatures_file_gives_the_established_tmb_and_msi(tmp_path: Path) -> None:
    both = signatures_json(tmp_path / "both.json", True, True)
    assert established_signatures(both) == ("12.5", "MSI-H")
    neither = signatures_json(tmp_path / "neither.json", False, False)
    assert established_signatures(neither) == (None, None)

    args = {"genome": "GRCh38", "tumour_type": "COADREAD"}
    with_file = run_match(T790M_VCF, tmp_path / "a", signatures=both, **args)
    with_values = run_match(T790M_VCF, tmp_path / "b", tmb=12.5, msi="MSI-H", **args)
    assert with_file == with_values
    assert {"MSI", "TMB"} <= {f["gene"] for f in with_file["findings"]}
    without = run_match(T790M_VCF, tmp_path / "c", signatures=neither, **args)
    assert without["inputs"]["tmb"] is None and without["inputs"]["msi"] is None


def test_signatures_file_errors(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="cannot read the signatures file"):
        established_signatures(tmp_path / "missing.json")
    broken = tmp_path / "broken.json"
    broken.write_text('{"tmb": 3}')
    with pytest.raises(FormatError, match="not a signatures JSON"):
        established_signatures(broken)
    both = signatures_json(tmp_path / "s.json", True, True)
    with pytest.raises(UsageError, match="not both"):
        run_match(T790M_VCF, tmp_path / "o", "GRCh38", "LUAD", tmb=3, signatures=both)
