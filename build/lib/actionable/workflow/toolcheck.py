"""Start-up check that the command-line tools a run needs are on PATH."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

# Debian/Ubuntu install snpEff as a jar; its wrapper script mangles standard output,
# so the jar is run through java directly when it is there.
DEBIAN_SNPEFF_JAR = Path("/usr/share/java/snpeff.jar")

# tool on PATH -> (conda env file, Debian/Ubuntu package)
TOOLS: dict[str, tuple[str, str]] = {
    "bwa": ("envs/bwa.yaml", "bwa"),
    "samtools": ("envs/samtools.yaml", "samtools"),
    "bcftools": ("envs/bcftools.yaml", "bcftools"),
    "bgzip": ("envs/bcftools.yaml", "tabix"),
    "tabix": ("envs/bcftools.yaml", "tabix"),
    "fastp": ("envs/fastp.yaml", "fastp"),
    "fastqc": ("envs/fastqc.yaml", "fastqc"),
    "multiqc": ("envs/multiqc.yaml", "multiqc"),
    "mosdepth": ("envs/mosdepth.yaml", "mosdepth"),
    "freebayes": ("envs/freebayes.yaml", "freebayes"),
    "delly": ("envs/delly.yaml", "delly"),
}


# The JVM needs memory outside its heap (metaspace, code cache, threads, GC): a snpEff job
# asks for the heap and a quarter more.
_SNPEFF_JOB_PER_HEAP = (5, 4)
MIN_JAVA_HEAP_MB = 256


def snpeff_job_mem_mb(java_mem_mb: int, attempt: int = 1) -> int:
    """Memory (MB) of a snpEff job whose first attempt gets a heap of `java_mem_mb`; the heap
    doubles on each retry. `snpeff_heap_mb` of the result gives the heap back."""
    heap = max(MIN_JAVA_HEAP_MB, java_mem_mb) * 2 ** (max(attempt, 1) - 1)
    num, den = _SNPEFF_JOB_PER_HEAP
    return -(-heap * num // den)  # rounded up


def snpeff_heap_mb(job_mem_mb: int) -> int:
    """Java heap (MB) that leaves a snpEff job of `job_mem_mb` room for the JVM itself."""
    num, den = _SNPEFF_JOB_PER_HEAP
    return max(MIN_JAVA_HEAP_MB, job_mem_mb * den // num)


def snpeff_command(java_mem_mb: int, use_conda: bool) -> str:
    """The command line that starts snpEff in this environment."""
    if not use_conda and DEBIAN_SNPEFF_JAR.is_file():
        return f"java -Xmx{java_mem_mb}m -jar {DEBIAN_SNPEFF_JAR}"
    return f"snpEff -Xmx{java_mem_mb}m"


def missing_tools(tools: Iterable[str]) -> list[str]:
    """One message per tool that is not on PATH, naming both ways to get it."""
    messages = []
    for tool in sorted(set(tools)):
        if tool == "snpEff":
            if shutil.which("snpEff") or (DEBIAN_SNPEFF_JAR.is_file() and shutil.which("java")):
                continue
            env, package = "envs/snpeff.yaml", "snpeff"
        elif shutil.which(tool):
            continue
        else:
            env, package = TOOLS[tool]
        messages.append(
            f"{tool} is not on PATH: run with '--sdm conda' (uses {env}) "
            f"or install it (Debian/Ubuntu: apt-get install {package})"
        )
    return messages
