"""What every patch of Rasa here checks first: the exact Rasa version and the hash of the code it
replaces or wraps, so an upgrade can never run a patch on code it was not written for."""

from __future__ import annotations

import hashlib
import inspect
from typing import Any, Mapping

RASA_VERSION = "3.6.21"


class PatchRefused(RuntimeError):
    """The installed Rasa is not the one a patch was written and checked for."""


def source_hash(function: Any) -> str:
    """SHA-256 of a function's source, as the patches record their targets'."""
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()


def check(patch: str, targets: Mapping[str, tuple[Any, str]]) -> None:
    """Raise PatchRefused unless Rasa is RASA_VERSION and each target {name: (function, sha256)} is
    exactly the code `patch` was written for."""
    import rasa

    if rasa.__version__ != RASA_VERSION:
        raise PatchRefused(f"{patch} was written for Rasa {RASA_VERSION}; this is Rasa {rasa.__version__}. "
                           "Check the patch against the new code and update it.")
    for name, (function, expected) in targets.items():
        found = source_hash(function)
        if found != expected:
            raise PatchRefused(f"{name} is not the code {patch} was written for (sha256 {found}, expected "
                               f"{expected}). Check the patch against it and update it.")
