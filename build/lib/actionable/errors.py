"""The one base exception of the package and its kinds of bad input.

Every error a user can cause by what they pass in is a subclass of ActionableError;
the CLI prints its message on one line and exits with status 2.
"""


class ActionableError(Exception):
    """Base class: a problem with the user's input or configuration."""


class InputFileError(ActionableError):
    """A file is missing, unreadable or malformed."""


class FormatError(InputFileError):
    """A file is readable but its content breaks the expected format."""


class KnowledgeBaseError(ActionableError):
    """A row of a knowledge file breaks its schema."""


class UsageError(ActionableError):
    """An option value is not allowed (unknown tumour type, genome build, sample...)."""
