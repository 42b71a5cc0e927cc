"""Subcommands of the `actionable` CLI, one module each."""
