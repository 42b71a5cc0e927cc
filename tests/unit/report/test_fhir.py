"""The FHIR bundle: valid R4 (fhir.resources R4B models), LOINC codes, implication links."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from actionable.cli import main
from actionable.errors import FormatError
from actionable.report.fhir import TBD, validate_bundle
from tests.support.report_fixtures import DATE, FIXTURES, fixture_report

LOINC = "http://loinc.org"


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("fhir")
    fixture_report(out, fhir=str(out / "report.fhir.json"))
    return json.loads((out / "report.fhir.json").read_text())


def resources(bundle: dict[str, Any], code: str | None = None) -> list[dict[str, Any]]:
    out = [e["resource"] for e in bundle["entry"]]
    if code is not None:
        out = [r for r in out if r.get("code", {}).get("coding", [{}])[0].get("code") == code]
    return out


def test_bundle_validates_with_the_fhir_r4_models(bundle: dict[str, Any]) -> None:
    from fhir.resources.R4B.bundle import Bundle
    from fhir.resources.R4B.observation import Observation

    parsed = Bundle.model_validate(bundle)
    assert parsed.type == "collection"
    for entry in bundle["entry"]:
        if entry["resource"]["resourceType"] == "Observation":
            Observation.model_validate(entry["resource"])
    validate_bundle(bundle)  # the package's own check: models + every reference resolves


def test_diagnostic_report_lists_every_result(bundle: dict[str, Any]) -> None:
    (report,) = resources(bundle, "81247-9")
    assert report["resourceType"] == "DiagnosticReport"
    assert report["code"]["coding"][0]["system"] == LOINC
    assert report["effectiveDateTime"] == DATE
    observations = {
        f"urn:uuid:{r['id']}" for r in resources(bundle) if r["resourceType"] == "Observation"
    }
    assert {r["reference"] for r in report["result"]} == observations
    assert (
        "research use" in report["conclusion"].lower() or "diagnostic use" in report["conclusion"]
    )


def test_variant_observations_carry_loinc_components(bundle: dict[str, Any]) -> None:
    variants = resources(bundle, "69548-6")
    assert len(variants) == 5  # L858R, T790M, EML4::ALK, BCR::ABL1, ERBB2 amplification
    for v in variants:
        assert v["code"]["coding"][0] == {
            "system": LOINC,
            "code": "69548-6",
            "display": "Genetic variant assessment",
        }
        assert v["valueCodeableConcept"]["coding"][0]["code"] == "LA9633-4"  # Present
    by_protein = {}
    for v in variants:
        for c in v.get("component", []):
            if c["code"]["coding"][0]["code"] == "48005-3":
                by_protein[c["valueCodeableConcept"]["coding"][0]["code"]] = v
    assert set(by_protein) == {"p.L858R", "p.T790M"}
    l858r = by_protein["p.L858R"]
    codes = {c["code"]["coding"][0]["code"]: c for c in l858r["component"]}
    assert codes["48018-6"]["valueCodeableConcept"]["text"] == "EGFR"
    assert codes["48004-6"]["valueCodeableConcept"]["text"] == "c.2573T>G"
    assert codes["81258-6"]["valueQuantity"]["value"] == pytest.approx(0.311)
    assert codes["62374-4"]["valueCodeableConcept"]["coding"][0]["code"] == "LA26806-2"
    assert codes["69547-8"]["valueString"] == "T" and codes["69551-0"]["valueString"] == "G"
    fusion = next(v for v in variants if "EML4::ALK" in v["note"][0]["text"])
    genes = [
        c["valueCodeableConcept"]["text"]
        for c in fusion["component"]
        if c["code"]["coding"][0]["code"] == "48018-6"
    ]
    assert genes == ["EML4", "ALK"]
    (tmb,) = resources(bundle, "94076-7")
    assert tmb["valueQuantity"]["value"] == 12.5
    (msi,) = resources(bundle, "81695-9")
    assert msi["valueCodeableConcept"]["text"] == "MSS"


def implication_drug(resource: dict[str, Any]) -> str:
    for c in resource["component"]:
        if c["code"]["coding"][0]["code"] == "51963-7":
            return c["valueCodeableConcept"]["text"]
    raise AssertionError("no medication-assessed component")


def test_every_therapeutic_implication_references_its_finding(bundle: dict[str, Any]) -> None:
    by_url = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    implications = [
        r
        for r in resources(bundle)
        if r.get("code", {}).get("coding", [{}])[0]
        == {"system": TBD, "code": "therapeutic-implication"}
    ]
    findings = json.loads((FIXTURES / "findings.json").read_text())["findings"]
    pgx = json.loads((FIXTURES / "pgx.json").read_text())["genes"]
    expected = sum(len(f["evidence"]) for f in findings) + sum(
        max(1, len(g["recommendations"])) for g in pgx if g["status"] in ("called", "partial")
    )
    assert len(implications) == expected
    for imp in implications:
        assert len(imp["derivedFrom"]) == 1
        target = by_url[imp["derivedFrom"][0]["reference"]]
        assert target["code"]["coding"][0]["code"] in ("69548-6", "94076-7", "81695-9", "84413-4")
    # the T790M resistance to erlotinib derives from the T790M variant, not from L858R
    erlotinib = [i for i in implications if implication_drug(i) == "erlotinib"]
    targets = {}
    for imp in erlotinib:
        efficacy = next(
            c["valueCodeableConcept"]["text"]
            for c in imp["component"]
            if c["code"]["coding"][0]["code"] == "51961-1"
        )
        target = by_url[imp["derivedFrom"][0]["reference"]]
        protein = next(
            c["valueCodeableConcept"]["coding"][0]["code"]
            for c in target["component"]
            if c["code"]["coding"][0]["code"] == "48005-3"
        )
        targets[efficacy] = protein
    assert targets == {"sensitivity (responsive)": "p.L858R", "resistance": "p.T790M"}
    pembro = next(i for i in implications if implication_drug(i) == "pembrolizumab")
    assert by_url[pembro["derivedFrom"][0]["reference"]]["code"]["coding"][0]["code"] == "94076-7"


def test_pgx_genotype_and_phenotype_observations(bundle: dict[str, Any]) -> None:
    genotypes = {
        r["component"][0]["valueCodeableConcept"]["text"]: r for r in resources(bundle, "84413-4")
    }
    assert set(genotypes) == {"CYP2C19", "DPYD", "TPMT"}
    assert genotypes["CYP2C19"]["valueCodeableConcept"]["text"] == "CYP2C19 *1/*2"
    assert genotypes["TPMT"]["valueCodeableConcept"]["text"] == "TPMT *1/*1"
    assert "valueCodeableConcept" not in genotypes["DPYD"]
    assert genotypes["DPYD"]["dataAbsentReason"]["text"] == "DPYD not called (not called)"
    cyp = f"urn:uuid:{genotypes['CYP2C19']['id']}"
    phenotypes = [
        r for r in resources(bundle) if r.get("derivedFrom", [{}])[0].get("reference") == cyp
    ]
    assert {implication_drug(r) for r in phenotypes} == {
        "citalopram",
        "clopidogrel",
        "escitalopram",
        "sertraline",
        "voriconazole",
    }
    for r in phenotypes:
        metabolism = [
            c["valueCodeableConcept"]["text"]
            for c in r["component"]
            if c["code"]["coding"][0]["code"] == "53040-2"
        ]
        assert metabolism == ["Intermediate Metabolizer"]
    clopidogrel = [r for r in phenotypes if implication_drug(r) == "clopidogrel"]
    assert any("prasugrel or ticagrelor" in r["note"][0]["text"] for r in clopidogrel)


def test_bundle_is_deterministic(tmp_path: Path, bundle: dict[str, Any]) -> None:
    out = tmp_path / "again.fhir.json"
    fixture_report(tmp_path, fhir=str(out))
    assert json.loads(out.read_text()) == bundle


def test_invalid_bundle_is_rejected(bundle: dict[str, Any]) -> None:
    for field, value in (("issued", "yesterday"), ("code", None), ("valueBoolean", "maybe")):
        broken = json.loads(json.dumps(bundle))
        observation = broken["entry"][2]["resource"]
        if value is None:
            del observation[field]
        else:
            observation[field] = value
        with pytest.raises(FormatError, match="failed validation"):
            validate_bundle(broken)
    dangling = json.loads(json.dumps(bundle))
    dangling["entry"][0]["resource"]["result"].append({"reference": "urn:uuid:missing"})
    with pytest.raises(FormatError, match="refers to missing urn:uuid:missing"):
        validate_bundle(dangling)


def test_fhir_and_html_outputs_must_differ(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    args = ["report", "--findings", str(FIXTURES / "findings.json"), "--out", str(out)]
    assert main([*args, "--fhir", str(out)]) == 2
    assert not out.exists()


def test_unknown_fusion_partner_is_not_named_a_gene(tmp_path: Path) -> None:
    case = Path(__file__).resolve().parents[2] / "golden" / "cases"
    case = case / "fusion_unknown_5prime_partner_ntrk3"
    out = tmp_path / "match"
    argv = ["match", "--vcf", str(case / "input.vcf"), "--fusions", str(case / "fusions.tsv")]
    assert main([*argv, "--tumor-type", "THPA", "--genome", "GRCh38", "--out", str(out)]) == 0
    fhir = tmp_path / "r.fhir.json"
    args = ["--findings", str(out / "findings.json"), "--out", str(tmp_path / "r.html")]
    assert main(["report", *args, "--fhir", str(fhir)]) == 0
    (fusion,) = resources(json.loads(fhir.read_text()), "69548-6")
    assert "?::NTRK3" in fusion["note"][0]["text"]
    genes = [
        c["valueCodeableConcept"]["text"]
        for c in fusion["component"]
        if c["code"]["coding"][0]["code"] == "48018-6"
    ]
    assert genes == ["NTRK3"]
