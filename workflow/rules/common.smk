import os
import shlex
import sys
from pathlib import Path

from snakemake.exceptions import WorkflowError
from snakemake.logging import logger
from snakemake_interface_executor_plugins.settings import DeploymentMethod

# The workflow's own package (src/actionable) is importable by the workflow and its jobs.
SRC_DIR = str(Path(workflow.basedir) / "src")
if SRC_DIR not in sys.path:
    sys.path.insert(0, SRC_DIR)
# Jobs import it too: every process that parses this file (local or cluster job) sets it again.
os.environ.update(
    PYTHONPATH=os.pathsep.join(filter(None, [SRC_DIR, os.getenv("PYTHONPATH")]))
)

from actionable.workflow.sheets import cancer_patients, load_sheets
from actionable.workflow.startup import apply_defaults, config_problems, gtf_problems
from actionable.workflow.toolcheck import (
    missing_tools,
    snpeff_command,
    snpeff_heap_mb,
    snpeff_job_mem_mb,
)


def stop(title, problems):
    """End the parse with one line per problem, before any job runs."""
    if problems:
        lines = "\n".join(f"  - {p}" for p in problems)
        raise WorkflowError(f"{title}:\n{lines}")


# the schemas in place (not Snakemake's cached copies): they refer to one another
SCHEMAS = Path(workflow.basedir) / "workflow" / "schemas"
CONFIG_SCHEMA = SCHEMAS / "config.schema.yaml"
CONFIG_FILES = [str(f) for f in workflow.overwrite_configfiles] or [
    "config/config.yaml"
]
stop(
    "The configuration needs fixing",
    config_problems(config, CONFIG_SCHEMA, CONFIG_FILES),
)
apply_defaults(config, CONFIG_SCHEMA)
# the gene models are read by jobs much later: a malformed line stops the run now
if workflow.is_main_process:
    stop("The gene models need fixing", gtf_problems(config["reference"]["gtf"]))

samples, units, _problems = load_sheets(
    config["samples"],
    config["units"],
    SCHEMAS / "samples.schema.yaml",
    SCHEMAS / "units.schema.yaml",
)
stop("The sample/unit sheets need fixing", _problems)

USE_CONDA = DeploymentMethod.CONDA in workflow.deployment_settings.deployment_method
# `python -m actionable` runs with the env's python under conda, else with snakemake's own
PYTHON = "python" if USE_CONDA else sys.executable
SNPEFF_DB = config["snpeff"]["database"] or config["reference"]["build"]
BUILD_SNPEFF_DB = not config["snpeff"]["database"]
CALLER = config["calling"]["caller"]
PGX_SITE_MAP = config["pgx"]["site_map"]
# Patients with a tumour sample: paired with their normal when the sheet has one, else
# tumour-only. Keys are patient names (the {patient} wildcard).
CANCER_PATIENTS = {p.patient: p for p in cancer_patients(samples)}
RUN_PGX = config["pgx"]["enabled"] and (
    bool(PGX_SITE_MAP) or config["reference"]["build"] == "GRCh38"
)
PGX_UNAVAILABLE = (
    ""
    if RUN_PGX or not config["pgx"]["enabled"]
    else (
        f"pgx.enabled is true but reference.build is {config['reference']['build']} and "
        "pgx.site_map is empty: the star-allele positions are GRCh38 positions; set "
        "pgx.site_map to map them onto this genome, or pgx.enabled: false"
    )
)
if PGX_UNAVAILABLE and workflow.is_main_process:
    logger.warning(f"Pharmacogenomics will not run: {PGX_UNAVAILABLE}")


def required_tools():
    tools = ["bwa", "samtools", "bcftools", "bgzip", "tabix", "fastp", "fastqc"]
    tools += ["multiqc", "mosdepth", "snpEff", CALLER]
    return tools + (["freebayes", "delly"] if CANCER_PATIENTS else [])


if not USE_CONDA:
    stop("Missing tools", missing_tools(required_tools()))


wildcard_constraints:
    sample="[A-Za-z0-9][A-Za-z0-9_-]*",
    unit="[A-Za-z0-9][A-Za-z0-9_.-]*",
    read="R[12]",


def snpeff_mem_mb(wildcards, attempt):
    """Memory of a snpEff job: its Java heap (snpeff.java_mem_mb, doubled on each retry)
    and a quarter more for the JVM outside the heap."""
    return snpeff_job_mem_mb(config["snpeff"]["java_mem_mb"], attempt)


def snpeff(resources):
    """snpEff command line with the Java heap that fits the job's memory."""
    return snpeff_command(snpeff_heap_mb(resources.mem_mb), USE_CONDA)


# Lookups built once: input functions run for every job, so they only read dictionaries.
UNIT_ROWS = units.to_dict("index")
SAMPLE_UNITS = units.groupby(level="sample", sort=False)["unit"].agg(list).to_dict()

# The final alignment of a sample: CRAM (align.cram, compressed against the reference, which
# every reader of it is given) or BAM.
CRAM = config["align"]["cram"]
ALIGNMENT = "results/bam/{sample}.cram" if CRAM else "results/bam/{sample}.bam"
ALIGNMENT_INDEX = (
    "results/bam/{sample}.cram.crai" if CRAM else "results/bam/{sample}.bam.bai"
)


def options(text):
    """A configured option string (e.g. fastp.extra) as separate words, each quoted when
    it reaches a shell command (`{params.extra:q}`): what it holds is never run."""
    return shlex.split(text)


def unit_fastqs(wildcards):
    unit = UNIT_ROWS[(wildcards.sample, wildcards.unit)]
    return {"r1": unit["fq1"], "r2": unit["fq2"]}


def fastq_link(stem, path):
    """A plain name for a link to a FASTQ file, compressed or not as the file's name says."""
    return f"{stem}.fastq.gz" if path.endswith(".gz") else f"{stem}.fastq"


def raw_fastq(wildcards):
    column = "fq1" if wildcards.read == "R1" else "fq2"
    return UNIT_ROWS[(wildcards.sample, wildcards.unit)][column]


def read_group(wildcards):
    unit = UNIT_ROWS[(wildcards.sample, wildcards.unit)]
    platform = unit["platform"] or config["align"]["platform"]
    sample, lane = wildcards.sample, wildcards.unit
    return f"@RG\\tID:{sample}.{lane}\\tSM:{sample}\\tLB:{sample}\\tPU:{lane}\\tPL:{platform}"


def sample_unit_bams(wildcards):
    return expand(
        "results/bam/units/{sample}.{unit}.bam",
        sample=wildcards.sample,
        unit=SAMPLE_UNITS[wildcards.sample],
    )


def snpeff_database():
    if BUILD_SNPEFF_DB:
        return f"results/reference/snpeff/data/{SNPEFF_DB}/snpEffectPredictor.bin"
    return f"results/reference/snpeff/data/{SNPEFF_DB}"


def germline_samples():
    """Germline and normal samples: tumours get somatic calling instead."""
    return list(samples.loc[samples["type"] != "tumor", "sample"])


def match_germline_samples():
    """Germline samples of patients with a known cancer: their germline calls are matched."""
    germline = samples.loc[samples["type"] == "germline"]
    return list(germline.loc[germline["tumor_type"] != "", "sample"])


def match_names():
    """Everyone `actionable match` runs for: cancer patients and germline samples."""
    return list(CANCER_PATIENTS) + match_germline_samples()


def patient_samples(name):
    """Samples of a cancer patient (tumour, then the normal if there is one), or the
    germline sample `name` itself."""
    if name in CANCER_PATIENTS:
        patient = CANCER_PATIENTS[name]
        return [patient.tumour] + ([patient.normal] if patient.normal else [])
    return [name]


def match_inputs(wildcards):
    """Cancer patients: somatic VCF, fusions, copy number and signatures; germline samples:
    their germline VCF, the other inputs empty."""
    name = wildcards.name
    if name in CANCER_PATIENTS:
        return {
            "vcf": f"results/annotated/{name}.somatic.vcf.gz",
            "fusions": f"results/fusions/{name}.fusions.tsv",
            "cna": f"results/cnv/{name}.cna.tsv",
            "signatures": f"results/signatures/{name}.json",
            "data_check": f"results/qc/data/{name}.json",
        }
    return {
        "vcf": f"results/annotated/{name}.germline.vcf.gz",
        "fusions": [],
        "cna": [],
        "signatures": [],
        "data_check": f"results/qc/data/{name}.json",
    }


def match_tumour_type(wildcards):
    """OncoTree code of the patient's tumour, or of the germline sample's known cancer."""
    name = wildcards.name
    if name in CANCER_PATIENTS:
        return CANCER_PATIENTS[name].tumor_type
    return samples.loc[name, "tumor_type"]


def match_sample(wildcards):
    """The VCF column to match: the tumour's, or the germline sample's."""
    return patient_samples(wildcards.name)[0]


def match_genome():
    """Coordinates of other builds (e.g. the demo panel) are matched by annotation only."""
    build = config["reference"]["build"]
    return build if build in ("GRCh38", "GRCh37") else "none"


def pgx_samples():
    return list(samples.loc[samples["type"].isin(["germline", "normal"]), "sample"])


def multiqc_inputs():
    files = []
    for sample, unit in units.index:
        files.append(f"results/qc/fastp/{sample}.{unit}.fastp.json")
        files += expand(
            "results/qc/fastqc/{sample}.{unit}.{read}_fastqc.zip",
            sample=sample,
            unit=unit,
            read=["R1", "R2"],
        )
    for sample in samples["sample"]:
        files += [
            f"results/qc/samtools_stats/{sample}.txt",
            f"results/qc/mosdepth/{sample}.mosdepth.global.dist.txt",
            f"results/qc/mosdepth/{sample}.mosdepth.summary.txt",
        ]
    for sample in germline_samples():
        files += [
            f"results/qc/bcftools_stats/{sample}.txt",
            f"results/qc/snpeff/{sample}.germline.csv",
        ]
    files += expand(
        "results/qc/snpeff/{patient}.somatic.csv", patient=list(CANCER_PATIENTS)
    )
    return files


def all_outputs():
    return [
        *expand(
            "results/annotated/{sample}.germline.vcf.gz.tbi", sample=germline_samples()
        ),
        "results/qc/multiqc_report.html",
        *cancer_outputs(),
        *(
            expand("results/pgx/{sample}/pgx.json", sample=pgx_samples())
            if RUN_PGX
            else []
        ),
        *expand(
            "results/report/{name}.{ext}", name=match_names(), ext=["html", "fhir.json"]
        ),
        "results/qc/data_check.tsv",
    ]
