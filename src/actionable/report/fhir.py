"""The machine-readable report: an HL7 FHIR R4 Bundle in the Genomics Reporting IG pattern.

One DiagnosticReport lists every result; variants (SNV/indel, fusions, copy number) are
``Variant`` Observations (LOINC 69548-6) with components for gene, HGVS, VAF and depth; TMB and
MSI have their own Observations; each evidence row becomes a ``therapeutic-implication``
Observation whose ``derivedFrom`` points at the finding it rests on; PGx genes become
``genotype`` Observations (LOINC 84413-4) with implications carrying the metabolizer phenotype
(LOINC 53040-2) and the CPIC recommendation. Identifiers are deterministic (UUID v5 of the
sample and the finding), so the same input gives the same bundle.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from actionable.errors import FormatError
from actionable.formats.findings import UNKNOWN_PARTNER
from actionable.report.model import RESEARCH_USE, Finding, PgxGene, ReportData, ReportedEvidence

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
HGVS = "http://varnomen.hgvs.org"
SEQUENCE_ONTOLOGY = "http://www.sequenceontology.org"
TBD = "http://hl7.org/fhir/uv/genomics-reporting/CodeSystem/tbd-codes-cs"
IG = "http://hl7.org/fhir/uv/genomics-reporting/StructureDefinition"
OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
V2_0074 = "http://terminology.hl7.org/CodeSystem/v2-0074"
DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
NAMESPACE = uuid.UUID("6f1d8a52-4a0c-5b1e-9a57-3c2f1d0e7b41")

#: LOINC codes used (Genomics Reporting IG)
CODES: dict[str, str] = {
    "81247-9": "Master HL7 genetic variant reporting panel",
    "69548-6": "Genetic variant assessment",
    "48018-6": "Gene studied [ID]",
    "48004-6": "DNA change (c.HGVS)",
    "48005-3": "Amino acid change (pHGVS)",
    "51958-7": "Transcript reference sequence [ID]",
    "81258-6": "Sample variant allelic frequency [NFr]",
    "82121-5": "Allelic read depth",
    "69547-8": "Genomic ref allele [ID]",
    "69551-0": "Genomic alt allele [ID]",
    "81254-5": "Genomic allele start-end",
    "48000-4": "Chromosome (chr)",
    "92822-6": "Genomic coordinate system [Type]",
    "62374-4": "Human reference sequence assembly version",
    "48002-0": "Genomic source class [Type]",
    "48019-4": "DNA change type",
    "82155-3": "Genomic structural variant copy number",
    "94076-7": "Mutations/Megabase [# Ratio] in Tumor",
    "81695-9": "Microsatellite instability [Interpretation] in Cancer specimen Qualitative",
    "84413-4": "Genotype display name",
    "51963-7": "Medication assessed [ID]",
    "51961-1": "Genetic variation's effect on drug efficacy",
    "53040-2": "Genetic variation's effect on drug metabolism",
    "93044-6": "Level of evidence",
    "81259-4": "Associated phenotype",
}
ASSEMBLY = {"GRCh38": ("LA26806-2", "GRCh38"), "GRCh37": ("LA14029-5", "GRCh37")}
PRESENT = ("LA9633-4", "Present")
SOURCE_CLASS = {"somatic": ("LA6684-0", "Somatic"), "germline": ("LA6683-2", "Germline")}
CHANGE_TYPE = {
    "fusion": ("SO:0001565", "gene_fusion"),
    "amplification": ("SO:0001742", "copy_number_gain"),
    "deletion": ("SO:0001743", "copy_number_loss"),
}
IMPLICATION_CODES = ("therapeutic-implication",)
FINDING_CODES = ("69548-6", "94076-7", "81695-9", "84413-4")


def _loinc(code: str) -> dict[str, Any]:
    return {"coding": [{"system": LOINC, "code": code, "display": CODES[code]}]}


def _text(value: str) -> dict[str, Any]:
    return {"text": value}


def _component(code: str, **value: Any) -> dict[str, Any]:
    return {"code": _loinc(code), **value}


class _Ids:
    """Deterministic UUID v5 identifiers keyed by sample + a path of names."""

    def __init__(self, sample: str) -> None:
        self.sample = sample

    def __call__(self, *parts: object) -> str:
        return str(uuid.uuid5(NAMESPACE, "|".join([self.sample, *map(str, parts)])))


def _ref(resource_id: str) -> dict[str, str]:
    return {"reference": f"urn:uuid:{resource_id}"}


def _observation(
    resource_id: str,
    code: dict[str, Any],
    profile: str,
    subject: dict[str, str],
    issued: str,
    **fields: Any,
) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": resource_id,
        "meta": {"profile": [f"{IG}/{profile}"]},
        "status": "final",
        "category": [
            {"coding": [{"system": OBS_CATEGORY, "code": "laboratory", "display": "Laboratory"}]}
        ],
        "code": code,
        "subject": subject,
        "issued": issued,
        **fields,
    }


def _gene_component(gene: str) -> dict[str, Any]:
    return _component("48018-6", valueCodeableConcept=_text(gene))


def _variant_components(finding: Finding, genome: str) -> list[dict[str, Any]]:
    components: list[dict[str, Any]] = []
    if finding.fusion is not None:
        partners = (finding.fusion.gene5p, finding.fusion.gene3p)
        components += [_gene_component(g) for g in partners if g != UNKNOWN_PARTNER]
    elif finding.gene:
        components.append(_gene_component(finding.gene))
    if genome in ASSEMBLY:
        code, display = ASSEMBLY[genome]
        components.append(
            _component(
                "62374-4",
                valueCodeableConcept={
                    "coding": [{"system": LOINC, "code": code, "display": display}]
                },
            )
        )
    else:
        components.append(_component("62374-4", valueCodeableConcept=_text(genome)))
    origin = (finding.origin or "").lower()
    if origin in SOURCE_CLASS:
        code, display = SOURCE_CLASS[origin]
        components.append(
            _component(
                "48002-0",
                valueCodeableConcept={
                    "coding": [{"system": LOINC, "code": code, "display": display}]
                },
            )
        )
    kind = "fusion" if finding.category == "fusion" else finding.match_kind
    if kind in CHANGE_TYPE:
        code, display = CHANGE_TYPE[kind]
        components.append(
            _component(
                "48019-4",
                valueCodeableConcept={
                    "coding": [{"system": SEQUENCE_ONTOLOGY, "code": code, "display": display}]
                },
            )
        )
    v = finding.variant
    if v is not None:
        prefix = f"{v.transcript}:" if v.transcript else ""
        if v.hgvsc:
            components.append(
                _component(
                    "48004-6",
                    valueCodeableConcept={
                        "coding": [{"system": HGVS, "code": f"{prefix}{v.hgvsc}"}],
                        "text": v.hgvsc,
                    },
                )
            )
        if v.hgvsp:
            components.append(
                _component(
                    "48005-3",
                    valueCodeableConcept={"coding": [{"system": HGVS, "code": v.hgvsp}]},
                )
            )
        if v.transcript:
            components.append(_component("51958-7", valueCodeableConcept=_text(v.transcript)))
        components += [
            _component("69547-8", valueString=v.ref),
            _component("69551-0", valueString=v.alt),
            _component("92822-6", valueCodeableConcept=_text("1-based character counting")),
            _component("81254-5", valueRange={"low": {"value": v.pos}}),
            _component("48000-4", valueCodeableConcept=_text(f"chr{v.chrom.removeprefix('chr')}")),
        ]
        if v.vaf is not None:
            components.append(
                _component(
                    "81258-6",
                    valueQuantity={
                        "value": round(v.vaf, 4),
                        "system": UCUM,
                        "code": "1",
                        "unit": "relative frequency of a particular allele in the specimen",
                    },
                )
            )
        if v.depth is not None:
            components.append(
                _component("82121-5", valueQuantity={"value": v.depth, "system": UCUM, "code": "1"})
            )
    if finding.copy_number is not None:
        components.append(
            _component(
                "82155-3",
                valueQuantity={"value": finding.copy_number, "system": UCUM, "code": "1"},
            )
        )
    return components


def _efficacy(e: ReportedEvidence) -> str:
    if e.is_sensitivity:
        return "sensitivity (responsive)"
    if e.is_resistance:
        return "resistance"
    return e.direction


def _implication(
    ids: _Ids,
    key: tuple[object, ...],
    derived: str,
    subject: dict[str, str],
    issued: str,
    components: list[dict[str, Any]],
    note: str | None = None,
    citation: tuple[str, str | None] | None = None,
) -> dict[str, Any]:
    resource = _observation(
        ids("implication", *key),
        {"coding": [{"system": TBD, "code": "therapeutic-implication"}]},
        "therapeutic-implication",
        subject,
        issued,
        derivedFrom=[_ref(derived)],
        component=components,
    )
    if note:
        resource["note"] = [{"text": note}]
    if citation is not None:
        text, url = citation
        artifact: dict[str, Any] = {"type": "citation", "citation": text}
        if url:
            artifact["url"] = url
        resource["extension"] = [{"url": f"{IG}/RelatedArtifact", "valueRelatedArtifact": artifact}]
    return resource


def _evidence_implication(
    ids: _Ids,
    finding_key: str,
    i: int,
    e: ReportedEvidence,
    derived: str,
    subject: dict,
    issued: str,
) -> dict[str, Any]:
    level = f"AMP/ASCO/CAP tier {e.tier}" if e.tier else "tier not given"
    if e.level:
        level += f"; {e.level}"
    if e.source:
        level += f" ({e.source})"
    components = [
        _component("51963-7", valueCodeableConcept=_text(e.therapy)),
        _component("51961-1", valueCodeableConcept=_text(_efficacy(e))),
        _component("93044-6", valueCodeableConcept=_text(level)),
    ]
    if e.disease:
        label = e.disease + ("" if e.on_label else " (off-label for this tumour type)")
        components.append(_component("81259-4", valueCodeableConcept=_text(label)))
    citation = (e.citation.text, e.citation.url) if e.citation.text else None
    return _implication(ids, (finding_key, i), derived, subject, issued, components, None, citation)


def _signature_observations(data: ReportData, ids: _Ids, subject: dict, issued: str) -> list[dict]:
    s = data.signatures
    out = []
    if s.tmb is not None:
        obs = _observation(
            ids("tmb"),
            _loinc("94076-7"),
            "tmb",
            subject,
            issued,
            valueQuantity={
                "value": round(s.tmb, 3),
                "system": UCUM,
                "code": "1/1000000{Base}",
                "unit": "mutations/megabase",
            },
        )
        if s.callable_mb is not None:
            obs["note"] = [{"text": f"Callable territory {s.callable_mb:.2f} Mb"}]
        out.append(obs)
    if s.msi_status:
        obs = _observation(
            ids("msi"),
            _loinc("81695-9"),
            "msi",
            subject,
            issued,
            valueCodeableConcept=_text(s.msi_status),
        )
        if s.msi_score is not None:
            obs["note"] = [{"text": f"MSI score {s.msi_score:.2f}"}]
        out.append(obs)
    return out


def _signature_target(finding: Finding, observations: list[dict]) -> dict | None:
    """The TMB or MSI Observation a signature finding rests on."""
    text = f"{finding.gene} {finding.alteration}".upper()
    want = "81695-9" if "MSI" in text or "MMR" in text else "94076-7"
    for obs in observations:
        if obs["code"]["coding"][0]["code"] == want:
            return obs
    return None


def _pgx_resources(gene: PgxGene, ids: _Ids, subject: dict, issued: str) -> tuple[dict, list[dict]]:
    genotype = _observation(
        ids("pgx", gene.gene),
        _loinc("84413-4"),
        "genotype",
        subject,
        issued,
        component=[_gene_component(gene.gene)],
    )
    if not gene.called:
        genotype["dataAbsentReason"] = {
            "coding": [{"system": DATA_ABSENT, "code": "unknown", "display": "Unknown"}],
            "text": f"{gene.gene} not called ({gene.status.replace('_', ' ')})",
        }
        if gene.notes:
            genotype["note"] = [{"text": n} for n in gene.notes]
        return genotype, []
    genotype["valueCodeableConcept"] = _text(f"{gene.gene} {gene.diplotype}")
    notes = list(gene.notes)
    if gene.status == "partial":
        notes.insert(0, f"{gene.missing_count} of {gene.positions_total} positions not genotyped")
    if notes:
        genotype["note"] = [{"text": n} for n in notes]
    phenotype = gene.phenotype or "Indeterminate"
    implications = []
    base = [_component("53040-2", valueCodeableConcept=_text(phenotype))]
    if not gene.recommendations:
        implications.append(
            _implication(ids, ("pgx", gene.gene), genotype["id"], subject, issued, base)
        )
    for i, r in enumerate(gene.recommendations):
        components = [
            *base,
            _component("51963-7", valueCodeableConcept=_text(r.drug)),
            _component("93044-6", valueCodeableConcept=_text(f"CPIC {r.strength}")),
        ]
        note = (
            r.text
            + (f" (population: {r.population})" if r.population else "")
            + (f" {r.considerations}" if r.considerations else "")
            + (f" {r.note}" if r.note else "")
        )
        implications.append(
            _implication(
                ids,
                ("pgx", gene.gene, i),
                genotype["id"],
                subject,
                issued,
                components,
                note,
                (r.source, r.url),
            )
        )
    return genotype, implications


def build_bundle(data: ReportData) -> dict[str, Any]:
    """The FHIR R4 Bundle (type collection) for one report, as plain JSON data."""
    doc = data.findings
    ids = _Ids(doc.sample)
    issued = dt.datetime.combine(data.date, dt.time(0, 0), tzinfo=dt.UTC).isoformat()
    patient_id = ids("patient")
    subject = _ref(patient_id)
    patient = {
        "resourceType": "Patient",
        "id": patient_id,
        "identifier": [{"system": "urn:actionable:sample", "value": doc.sample}],
    }
    results: list[dict[str, Any]] = []
    implications: list[dict[str, Any]] = []
    signature_obs = _signature_observations(data, ids, subject, issued)
    for n, finding in enumerate(doc.findings):
        key = f"finding-{n}-{finding.gene}-{finding.alteration}"
        if finding.category == "signature":
            target = _signature_target(finding, signature_obs)
            if target is None:
                target = _observation(
                    ids("signature", key),
                    _loinc("94076-7") if "TMB" in key.upper() else _loinc("81695-9"),
                    "tmb" if "TMB" in key.upper() else "msi",
                    subject,
                    issued,
                    valueCodeableConcept=_text(finding.alteration),
                )
                signature_obs.append(target)
            derived = target["id"]
        else:
            variant = _observation(
                ids("variant", key),
                _loinc("69548-6"),
                "variant",
                subject,
                issued,
                valueCodeableConcept={
                    "coding": [{"system": LOINC, "code": PRESENT[0], "display": PRESENT[1]}]
                },
                component=_variant_components(finding, doc.genome),
            )
            variant["note"] = [{"text": f"{finding.label}; matched by {finding.why}"}]
            results.append(variant)
            derived = variant["id"]
        for i, e in enumerate(finding.sorted_evidence):
            implications.append(_evidence_implication(ids, key, i, e, derived, subject, issued))
    results += signature_obs
    if data.pgx is not None:
        for gene in data.pgx.genes:
            genotype, pgx_implications = _pgx_resources(gene, ids, subject, issued)
            results.append(genotype)
            implications += pgx_implications
    results += implications
    report = {
        "resourceType": "DiagnosticReport",
        "id": ids("report"),
        "meta": {"profile": [f"{IG}/genomics-report"]},
        "status": "final",
        "category": [{"coding": [{"system": V2_0074, "code": "GE", "display": "Genetics"}]}],
        "code": _loinc("81247-9"),
        "subject": subject,
        "effectiveDateTime": data.date.isoformat(),
        "issued": issued,
        "result": [_ref(r["id"]) for r in results],
        "conclusion": (
            f"{len(doc.findings)} finding(s) matched knowledge base {doc.kb_version}"
            + (f" for tumour type {doc.tumor_type}" if doc.tumor_type else "")
            + f". {RESEARCH_USE}"
        ),
    }
    entries = [report, patient, *results]
    return {
        "resourceType": "Bundle",
        "id": ids("bundle"),
        "identifier": {"system": "urn:actionable:report", "value": f"{doc.sample}-{data.date}"},
        "type": "collection",
        "timestamp": issued,
        "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in entries],
    }


def _resource_class(resource_type: str) -> Any:
    from fhir.resources.R4B.diagnosticreport import DiagnosticReport
    from fhir.resources.R4B.observation import Observation
    from fhir.resources.R4B.patient import Patient

    return {"DiagnosticReport": DiagnosticReport, "Observation": Observation, "Patient": Patient}[
        resource_type
    ]


def validate_bundle(bundle: dict[str, Any]) -> None:
    """Validate the bundle and each resource with the FHIR R4 (R4B) models; raise on error.

    An invalid bundle would be a bug here rather than bad input, but it is reported as one
    line all the same.
    """
    from fhir.resources.R4B.bundle import Bundle
    from pydantic import ValidationError

    try:
        Bundle.model_validate(bundle)
        for entry in bundle["entry"]:
            resource = entry["resource"]
            _resource_class(resource["resourceType"]).model_validate(resource)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise FormatError(f"FHIR bundle failed validation at {where}: {first.get('msg')}") from None
    references = {e["fullUrl"] for e in bundle["entry"]}
    for entry in bundle["entry"]:
        for ref in _references(entry["resource"]):
            if ref not in references:
                raise FormatError(f"FHIR bundle: {entry['fullUrl']} refers to missing {ref}")


def _references(obj: Any) -> Iterable[str]:
    if isinstance(obj, dict):
        for key, value in obj.items():
            if key == "reference" and isinstance(value, str):
                yield value
            else:
                yield from _references(value)
    elif isinstance(obj, list):
        for item in obj:
            yield from _references(item)
