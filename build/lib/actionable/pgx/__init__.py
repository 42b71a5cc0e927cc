"""Germline pharmacogenomics: star alleles from VCF genotypes -> phenotypes -> CPIC advice.

Modules: ``definitions`` (packaged CPIC/ClinPGx allele definitions), ``genotypes`` (VCF
reader at the definition positions), ``caller`` (diplotypes, DPYD activity score),
``recommendations`` (per phenotype and drug), ``report`` (pgx.json), ``sites`` (bcftools
sites file and demo -> GRCh38 remapping for the workflow), ``convert`` (data slimming).
"""
