"""Maintainers' tools: the demo generator, the knowledge-base coordinate builder and the
PGx definition converter. Not part of the installed package."""
