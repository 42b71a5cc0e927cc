wildcard_constraints:
    patient="[A-Za-z0-9][A-Za-z0-9_-]*",
    kind="germline|somatic",
    name="[A-Za-z0-9][A-Za-z0-9_-]*",


def cancer_patient(wildcards):
    return CANCER_PATIENTS[wildcards.patient]


def patient_bams(wildcards):
    names = patient_samples(wildcards.patient)
    return {
        "bams": expand(ALIGNMENT, sample=names),
        "bais": expand(ALIGNMENT_INDEX, sample=names),
    }


def optional_path(value):
    """A configured file as an input list: empty when the setting is empty."""
    return [value] if value else []


def somatic_classify_inputs(wildcards):
    inputs = {
        "bcf": f"results/somatic/{wildcards.patient}.norm.bcf",
        "csi": f"results/somatic/{wildcards.patient}.norm.bcf.csi",
        "panel_of_normals": optional_path(config["somatic"]["panel_of_normals"]),
        "population": optional_path(config["somatic"]["population_vcf"]),
        "gtf": [],
        "ref": [],
        "fai": [],
        "hotspots": [],
    }
    if (
        cancer_patient(wildcards).normal is None
        and config["somatic"]["protect_hotspots"]
    ):
        # tumour-only: hotspot codons are located with the gene models and the reference
        inputs["gtf"] = config["reference"]["gtf"]
        inputs["ref"] = "results/reference/genome.fa"
        inputs["fai"] = "results/reference/genome.fa.fai"
        inputs["hotspots"] = optional_path(config["somatic"]["hotspots"])
    return inputs


def delly_filter_command(wildcards, input, output):
    """Paired: delly's somatic filter; tumour-only: every call, as delly made it."""
    patient = cancer_patient(wildcards)
    bcf, out = shlex.quote(input.bcf), shlex.quote(output.bcf)
    if patient.normal is None:
        return f"bcftools view -Ob -o {out} {bcf} && bcftools index -f {out}"
    samples = shlex.quote(f"{output.bcf}.samples.tsv")
    extra = shlex.join(options(config["fusions"]["filter_extra"]))
    return (
        f"printf '%s\\ttumor\\n%s\\tcontrol\\n' {shlex.quote(patient.tumour)} "
        f"{shlex.quote(patient.normal)} > {samples} && "
        f"delly filter -f somatic -s {samples} {extra} -o {out} {bcf} && rm {samples}"
    )


def cnv_inputs(wildcards):
    patient = cancer_patient(wildcards)
    tumour = f"results/qc/mosdepth/{patient.tumour}.regions.bed.gz"
    if patient.normal:
        expected = [f"results/qc/mosdepth/{patient.normal}.regions.bed.gz"]
    else:
        expected = optional_path(config["cnv"]["reference"])
    return {"tumour": tumour, "expected": expected}


def microsatellites_bed():
    return (
        config["signatures"]["microsatellites"]
        or "results/reference/microsatellites.bed"
    )


def signature_inputs(wildcards):
    return {
        "vcf": f"results/annotated/{wildcards.patient}.somatic.vcf.gz",
        "gtf": config["reference"]["gtf"],
        "callable": expand(
            "results/signatures/callable/{sample}.quantized.bed.gz",
            sample=patient_samples(wildcards.patient),
        ),
        "microsatellites": microsatellites_bed(),
    }


def snpeff_input(wildcards):
    if wildcards.kind == "somatic":
        return f"results/somatic/{wildcards.name}.somatic.vcf.gz"
    return f"results/calls/{wildcards.name}.germline.vcf.gz"


def cancer_outputs():
    """Per-patient results of the somatic branch (targets of rule all)."""
    return expand(
        [
            "results/annotated/{patient}.somatic.vcf.gz.tbi",
            "results/fusions/{patient}.fusions.tsv",
            "results/cnv/{patient}.cna.tsv",
            "results/signatures/{patient}.json",
        ],
        patient=list(CANCER_PATIENTS),
    )
