"""Typed reading of the package's JSON files, with errors that name the file and the field.

The readers of findings.json, pgx.json and the signatures JSON share it: `load_json` reads and
parses a file, `JsonFields` gives typed access to one object of it, `check_schema_version`
refuses a document of another major version.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from actionable.errors import FormatError, InputFileError


class JsonFields:
    """Typed access to one JSON object, with errors that name the file and the field."""

    def __init__(self, path: Path, where: str, obj: Any) -> None:
        if not isinstance(obj, dict):
            raise FormatError(f"{path}: {where} must be a JSON object")
        self.path, self.where, self.obj = path, where, obj

    def _name(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def _fail(self, key: str, what: str) -> FormatError:
        return FormatError(f"{self.path}: field {self._name(key)} {what}")

    def str(self, key: str, *, required: bool = True) -> str | None:
        value = self.obj.get(key)
        if value is None:
            if required:
                raise self._fail(key, "is missing (a string is required)")
            return None
        if not isinstance(value, str):
            raise self._fail(key, f"must be a string, not {type(value).__name__}")
        return value

    def req_str(self, key: str) -> str:
        value = self.str(key)
        assert value is not None
        return value

    def number(self, key: str) -> float | None:
        value = self.obj.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            raise self._fail(key, f"must be a number, not {value!r}")
        return float(value)

    def integer(self, key: str) -> int | None:
        value = self.obj.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._fail(key, f"must be an integer, not {value!r}")
        return value

    def boolean(self, key: str, default: bool = False) -> bool:
        value = self.obj.get(key, default)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self._fail(key, f"must be true or false, not {value!r}")
        return value

    def list(self, key: str, *, required: bool = True) -> list[Any]:
        value = self.obj.get(key)
        if value is None:
            if required:
                raise self._fail(key, "is missing (a list is required)")
            return []
        if not isinstance(value, list):
            raise self._fail(key, f"must be a list, not {type(value).__name__}")
        return value

    def obj_or_none(self, key: str) -> JsonFields | None:
        value = self.obj.get(key)
        if value is None:
            return None
        return JsonFields(self.path, self._name(key), value)


def load_json(path: Path, what: str) -> Any:
    """The parsed content of `path`; InputFileError/FormatError name the file and `what`."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputFileError(f"{path}: {what} file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(f"{path}: cannot read {what} file ({exc})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(
            f"{path}: line {exc.lineno}: not valid JSON ({exc.msg}); expected {what}"
        ) from None


def check_schema_version(top: JsonFields, what: str, version: str = "1") -> None:
    """Refuse a document whose `schema_version` is present and not `version`."""
    found = top.obj.get("schema_version")
    if found is not None and str(found) != version:
        raise FormatError(
            f"{top.path}: field schema_version is {found!r}; this report reads {what} "
            f"schema version {version}"
        )
