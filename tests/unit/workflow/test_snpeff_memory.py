"""snpEff jobs: the configured Java heap on the first attempt, doubled on each retry, and a
job memory (mem_mb) that leaves the JVM room outside the heap."""

from __future__ import annotations

import pytest

from actionable.workflow.toolcheck import (
    MIN_JAVA_HEAP_MB,
    snpeff_command,
    snpeff_heap_mb,
    snpeff_job_mem_mb,
)


@pytest.mark.parametrize("java_mem_mb", [256, 257, 1000, 2048, 4800, 8191, 32768])
def test_heap_is_the_setting_then_doubles(java_mem_mb: int) -> None:
    for attempt in (1, 2, 3):
        mem_mb = snpeff_job_mem_mb(java_mem_mb, attempt)
        heap = snpeff_heap_mb(mem_mb)
        assert heap == java_mem_mb * 2 ** (attempt - 1)
        assert heap * 1.25 <= mem_mb < heap * 1.25 + 1


def test_default_setting_keeps_the_human_sized_job() -> None:
    assert snpeff_job_mem_mb(4800) == 6000
    assert snpeff_job_mem_mb(4800, attempt=2) == 12000


def test_small_memory_still_gives_a_usable_heap() -> None:
    assert snpeff_heap_mb(100) == MIN_JAVA_HEAP_MB
    assert snpeff_job_mem_mb(1) == snpeff_job_mem_mb(MIN_JAVA_HEAP_MB)


def test_command_carries_the_heap() -> None:
    assert snpeff_command(4800, use_conda=True) == "snpEff -Xmx4800m"
    assert "-Xmx4800m" in snpeff_command(4800, use_conda=False)
