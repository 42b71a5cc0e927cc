"""The bundled demo genome: a synthetic panel of real cancer and pharmacogenes.

`genes` holds what is real about each gene, `genome` builds the contigs and gene models,
`variants` makes the germline truth and the PGx site map, `tumour` designs the tumour/normal
patient DEMO_P2 (somatic variants, fusions, copy number, cell populations), `reads` simulates
sequencing reads.
"""
