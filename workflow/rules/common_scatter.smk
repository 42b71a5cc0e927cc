# Scatter-gather variant calling: settings and input functions (no rules).
#
# The genome is split into blocks (cut only between contigs or in N-runs, never inside a
# calling.regions interval) grouped into calling.scatter chunks, all written into
# results/reference/regions/ by actionable.workflow.regions:
#   blocks/NNNNNN.bed   a block: its targets, or its whole stretch
#   NNNN.blocks         the chunk's block files, in reference order
#   NNNN.bed            the positions whose records the chunk keeps
# A chunk job calls its chunk; the chunks' records are appended in chunk order (reference
# order) before the usual normalisation.
#
# freebayes always runs this way, one process per block (its QUAL/ODDS depend on what the
# process analysed before, so each block is called alone whatever the scatter); bcftools
# piles up each position on its own and keeps one job per sample unless calling.scatter
# >= 2 or calling.regions asks for chunks.

SCATTER = config["calling"]["scatter"]
CALLING_REGIONS = config["calling"]["regions"]
BCFTOOLS_BY_CHUNK = SCATTER > 1 or bool(CALLING_REGIONS)
GERMLINE_BY_CHUNK = CALLER == "freebayes" or BCFTOOLS_BY_CHUNK
REGION_CHUNKS = [f"{i:04d}" for i in range(1, SCATTER + 1)]


wildcard_constraints:
    chunk="[0-9]{4}",


def _region_options(extra, options):
    """Region options in a caller's extra options (the workflow sets the regions)."""
    words = extra.replace("=", " ").split()
    return sorted({word for word in words if word in options})


# freebayes always gets its regions from the workflow, bcftools mpileup when it runs by chunk
for _section, _key, _options in (
    ("calling", "mpileup_extra", ("-r", "-R", "--regions", "--regions-file")),
    ("calling", "freebayes_extra", ("-t", "--targets", "-r", "--region")),
    ("somatic", "freebayes_extra", ("-t", "--targets", "-r", "--region")),
):
    _found = _region_options(config[_section][_key], _options)
    if _found and (BCFTOOLS_BY_CHUNK or _key == "freebayes_extra"):
        raise WorkflowError(
            f"{_section}.{_key} has {', '.join(_found)}: the workflow gives the callers "
            "their regions; put a BED of the regions to call in calling.regions instead"
        )


def chunk_file(suffix):
    """Params function: this chunk's file in the regions directory (.bed or .blocks)."""
    return lambda wildcards, input: f"{input.regions}/{wildcards.chunk}{suffix}"


def germline_chunk_calls(wildcards):
    return expand(
        "results/calls/regions/{sample}/{chunk}.bcf",
        sample=wildcards.sample,
        chunk=REGION_CHUNKS,
    )


def somatic_chunk_calls(wildcards):
    return expand(
        "results/somatic/regions/{patient}/{chunk}.bcf",
        patient=wildcards.patient,
        chunk=REGION_CHUNKS,
    )


def chunk_runtime(minutes):
    """Runtime of a chunk job: an even share of the whole call's, doubled for uneven
    chunks, at least an hour."""
    return max(60, minutes * 2 // SCATTER) if SCATTER > 1 else minutes
