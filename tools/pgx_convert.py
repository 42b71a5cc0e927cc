"""Slim the CPIC / ClinPGx allele-definition files into the package's PGx data.

The shared data folder holds, per gene, the allele definitions (``GENE.alleles.json``) and
the phenotype tables (``GENE.phenotypes.json``) as packaged by PharmCAT from the CPIC
database (CC0). The caller only needs a fraction of them, so this script keeps:

* per variant: position, reference and alternative alleles (VCF style), rsID, HGVS name;
* per named allele: its name, the reference flag and its defined alleles as a sparse
  ``{position: allele}`` mapping (``null`` entries, meaning "same as the reference named
  allele", are dropped);
* from the phenotype file: each allele's function and activity value, and either the
  diplotype -> phenotype table (star-allele genes) or the activity score -> phenotype table
  (DPYD, whose 3,570 diplotype rows collapse to five scores).

Provenance (source, version and modification date from each file, plus the SHA-256 of the
source files) is written into every output file and into ``MANIFEST.json``.

Run from the repository root::

    python -m tools.pgx_convert --source ../shared/data/pgx --out src/actionable/data/pgx
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from actionable.io.atomic import write_atomic

GENES: tuple[str, ...] = ("CYP2C19", "CYP2D6", "DPYD", "NUDT15", "TPMT", "UGT1A1")
ACTIVITY_GENES: frozenset[str] = frozenset({"DPYD"})
FORMAT_VERSION = "1"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _diplotype_key(counts: dict[str, int]) -> str:
    names: list[str] = []
    for name, count in counts.items():
        names.extend([name] * int(count))
    if len(names) != 2:
        raise ValueError(f"diplotype key {counts} does not name two alleles")
    return "/".join(sorted(names))


def _score_key(value: str) -> str:
    return f"{float(value):.2f}"


def slim_gene(source: Path, gene: str) -> dict[str, Any]:
    """Return the slim definition of one gene read from ``source``."""
    alleles_path = source / f"{gene}.alleles.json"
    raw = json.loads(alleles_path.read_text(encoding="utf-8"))
    variants = raw["variants"]
    out: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "gene": raw["gene"],
        "chromosome": raw["chromosome"],
        "genome_build": raw["genomeBuild"],
        "refseq_chromosome": raw["refSeqChromosomeId"],
        "provenance": {
            "source": raw["source"],
            "version": raw["version"],
            "modification_date": raw["modificationDate"],
            "files": {alleles_path.name: _sha256(alleles_path)},
            "licence": "CPIC data, CC0 1.0 (definitions as packaged in the PharmCAT repository)",
            "modified": "slimmed by tools.pgx_convert: unused fields dropped, "
            "allele definitions stored sparsely",
        },
        "variants": [
            {
                "position": int(v["position"]),
                "ref": v["ref"],
                "alts": list(v["alts"]),
                "rsid": v.get("rsid"),
                "hgvs": v.get("chromosomeHgvsName"),
            }
            for v in variants
        ],
    }
    named = []
    for allele in raw["namedAlleles"]:
        definition = {
            str(v["position"]): value
            for v, value in zip(variants, allele["alleles"], strict=True)
            if value is not None
        }
        named.append(
            {"name": allele["name"], "reference": bool(allele["reference"]), "alleles": definition}
        )
    out["named_alleles"] = named

    phenotypes_path = source / f"{gene}.phenotypes.json"
    if phenotypes_path.exists():
        pheno = json.loads(phenotypes_path.read_text(encoding="utf-8"))
        out["provenance"]["files"][phenotypes_path.name] = _sha256(phenotypes_path)
        out["provenance"]["phenotype_version"] = pheno.get("version")
        functions: dict[str, str] = {}
        activity: dict[str, float] = {}
        for entry in pheno.get("namedAlleles", []):
            functions[entry["name"]] = entry.get("functionValue") or "Unknown function"
            value = entry.get("activityValue")
            if value not in (None, "", "n/a"):
                activity[entry["name"]] = float(value)
        out["functions"] = dict(sorted(functions.items()))
        out["activity_values"] = dict(sorted(activity.items()))
        if gene in ACTIVITY_GENES:
            table: dict[str, str] = {}
            for row in pheno["diplotypes"]:
                key = _score_key(row["lookupkey"])
                previous = table.setdefault(key, row["generesult"])
                if previous != row["generesult"]:
                    raise ValueError(f"{gene}: score {key} maps to two phenotypes")
            out["activity_phenotypes"] = dict(sorted(table.items()))
        else:
            out["diplotype_phenotypes"] = dict(
                sorted(
                    (_diplotype_key(r["diplotypekey"]), r["generesult"])
                    for r in pheno["diplotypes"]
                )
            )
    return out


def write_json(path: Path, data: Any) -> None:
    text = json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    write_atomic(path, text)


def convert(source: Path, out: Path, genes: Sequence[str] = GENES) -> dict[str, Any]:
    """Convert every gene of ``genes`` from ``source`` into ``out``; return the manifest."""
    out.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, Any] = {"format_version": FORMAT_VERSION, "genes": {}}
    for gene in genes:
        slim = slim_gene(source, gene)
        write_json(out / f"{gene}.json", slim)
        manifest["genes"][gene] = {
            "file": f"{gene}.json",
            "source": slim["provenance"]["source"],
            "version": slim["provenance"]["version"],
            "modification_date": slim["provenance"]["modification_date"],
            "genome_build": slim["genome_build"],
            "source_files": slim["provenance"]["files"],
        }
    versions = sorted({g["version"] for g in manifest["genes"].values()})
    manifest["version"] = versions[0] if len(versions) == 1 else ",".join(versions)
    write_json(out / "MANIFEST.json", manifest)
    return manifest


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, required=True, help="folder with GENE.*.json")
    parser.add_argument("--out", type=Path, required=True, help="package data folder to write")
    args = parser.parse_args(argv)
    manifest = convert(args.source, args.out)
    print(f"wrote {len(manifest['genes'])} genes, definitions version {manifest['version']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
