"""Helpers for the pgx tests: small VCFs written as text."""
