"""Checks the workflow runs before any job: the configuration against its schema, the files
it names, and the gene models. Each problem is one line: file, key, what is wrong, what is
allowed or what to do.
"""

from __future__ import annotations

import copy
import shlex
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from referencing import Registry, Resource

from actionable.calling.gtf import read_transcripts
from actionable.errors import ActionableError

# Files the configuration names: key path, and what the file is for (said when it is missing).
REQUIRED_FILES = {
    "reference.fasta": "the genome FASTA",
    "reference.gtf": "the gene models (GTF)",
}
OPTIONAL_FILES = {
    "pgx.site_map": "the PGx site map (or leave it empty for GRCh38)",
    "calling.regions": "a BED of the regions to call (or leave it empty)",
    "somatic.panel_of_normals": "a panel-of-normals VCF (or leave it empty)",
    "somatic.population_vcf": "a population VCF (or leave it empty)",
    "somatic.hotspots": "a hotspots TSV (or leave it empty)",
    "fusions.exclude": "a delly exclusion BED (or leave it empty)",
    "cnv.reference": "a mosdepth regions file of a normal (or leave it empty)",
    "signatures.microsatellites": "a microsatellite BED (or leave it empty)",
}
# Option strings passed on to tools word by word.
OPTION_KEYS = (
    "calling.mpileup_extra",
    "calling.freebayes_extra",
    "somatic.freebayes_extra",
    "fastp.extra",
    "fusions.filter_extra",
)


def _load_schema(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text())


def _validator(schema_path: Path) -> jsonschema.Draft202012Validator:
    """A validator that resolves references to the schemas beside `schema_path`."""
    schema_dir = schema_path.resolve().parent

    def retrieve(uri: str) -> Resource:
        return Resource.from_contents(_load_schema(schema_dir / uri.rsplit("/", 1)[-1]))

    schema = _load_schema(schema_path)
    schema["$id"] = schema_path.resolve().as_uri()
    return jsonschema.Draft202012Validator(schema, registry=Registry(retrieve=retrieve))


def _key(path: Iterable[Any]) -> str:
    return ".".join(str(part) for part in path) or "(top level)"


def _allowed(schema: Mapping[str, Any]) -> str:
    if "enum" in schema:
        return "one of " + ", ".join(str(value) for value in schema["enum"])
    parts = []
    if "type" in schema:
        parts.append(f"a {schema['type']}")
    if "minimum" in schema:
        parts.append(f">= {schema['minimum']}")
    if "maximum" in schema:
        parts.append(f"<= {schema['maximum']}")
    if "pattern" in schema:
        parts.append(f"matching {schema['pattern']}")
    text = " ".join(parts)
    if "description" in schema:
        text += f" ({' '.join(str(schema['description']).split())})"
    return text


def _error_line(error: jsonschema.ValidationError) -> tuple[str, str]:
    """Key path and 'what is wrong; what is allowed' of one schema error."""
    path = list(error.absolute_path)
    if error.validator == "required":
        missing = error.message.split("'")[1]
        spec = error.schema.get("properties", {}).get(missing, {})
        return _key([*path, missing]), f"missing; give {_allowed(spec)}"
    if error.validator == "additionalProperties":
        known = sorted(error.schema.get("properties", {}))
        extra = sorted(set(error.instance) - set(known))
        return _key(path), (
            f"unknown key(s) {', '.join(extra)}; allowed: {', '.join(known)} "
            "(config/README.md lists every key)"
        )
    return _key(path), f"{error.instance!r} is not allowed; allowed: {_allowed(error.schema)}"


def _lookup(config: Mapping[str, Any], key: str) -> Any:
    value: Any = config
    for part in key.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def config_problems(
    config: Mapping[str, Any], schema_path: str | Path, sources: list[str]
) -> list[str]:
    """One line per problem of the configuration: schema errors, option strings that cannot
    be split into words, configured files that do not exist. `sources` names the config
    file(s) in the messages."""
    where = ", ".join(sources) or "the configuration"
    validator = _validator(Path(schema_path))
    problems = []
    for error in sorted(validator.iter_errors(config), key=lambda e: list(e.absolute_path)):
        key, text = _error_line(error)
        problems.append(f"{where}: {key}: {text}")
    if problems:
        return problems
    for key in OPTION_KEYS:
        value = _lookup(config, key)
        try:
            shlex.split(value or "")
        except ValueError as exc:
            problems.append(
                f"{where}: {key}: cannot split {value!r} into options ({exc}); "
                "allowed: options as on a command line, quotes balanced"
            )
    files = {**REQUIRED_FILES, **{k: v for k, v in OPTIONAL_FILES.items() if _lookup(config, k)}}
    for key, what in files.items():
        value = _lookup(config, key)
        if not Path(value).is_file():
            problems.append(
                f"{where}: {key}: file {value} does not exist; set {key} to {what} "
                "(relative paths start from the directory snakemake runs in)"
            )
    return problems


def apply_defaults(config: dict[str, Any], schema_path: str | Path) -> None:
    """Fill the keys the configuration leaves out with the schema's defaults, section by
    section (a valid configuration only)."""

    def fill(instance: dict[str, Any], schema: Mapping[str, Any]) -> None:
        for key, spec in schema.get("properties", {}).items():
            if "default" in spec:
                instance.setdefault(key, copy.deepcopy(spec["default"]))
            if isinstance(instance.get(key), dict):
                fill(instance[key], spec)

    fill(config, _load_schema(Path(schema_path)))


def gtf_problems(gtf: str | Path) -> list[str]:
    """The first malformed line of the gene models, as a message naming file and line."""
    try:
        read_transcripts(gtf)
    except ActionableError as exc:
        return [f"{exc}; fix the line or use the GTF of the genome's provider"]
    return []
