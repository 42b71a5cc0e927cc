"""actionable: from annotated variants to evidence-tiered therapies."""

__version__ = "0.1.0"
