"""The bundled demo genome: a synthetic panel of real cancer and pharmacogenes.

`genes` holds what is real about each gene, `genome` builds the contigs and gene models,
`variants` makes the germline truth and the PGx site map, `reads` simulates sequencing reads.
"""
