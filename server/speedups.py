"""Speed-ups for the fixed work Rasa 3.6 does on every turn, measured with bench/latency.py.

Each one keeps Rasa's behaviour and results exactly (tests/test_speedups.py compares them with
Rasa's own code) and removes only repeated work:

- ``Event.resolve_by_type`` walked every subclass of ``Event`` (``inspect.isabstract`` on each)
  for every event read back from the tracker store. Here the name-to-class map is built once and
  rebuilt only when a name is missing, so event classes defined later are still found.
- ``RemoteAction._validate_action_result`` called ``jsonschema.validate``, which checks the
  action response schema against the JSON Schema meta-schema and builds a new validator on every
  action call. The schema is a constant, so it is checked once and its validator kept.

The tracker store's share is in stores/sql_tracker.py, a tracker store class Rasa loads by name.

Rasa is pinned (requirements.txt); ``apply()`` refuses any other Rasa minor version, so an
upgrade cannot silently run with these replaced. COACH_RASA_SPEEDUPS=off runs Rasa unchanged
(``COACH_RASA_SPEEDUPS=off make bench-latency`` measures Rasa without them).
"""

from __future__ import annotations

import logging
from typing import Any, Dict, Optional, Text, Type

logger = logging.getLogger(__name__)

SUPPORTED_RASA = "3.6."
_applied = False


def apply() -> bool:
    """Install the speed-ups once; returns False (changing nothing) on an unsupported Rasa."""
    global _applied
    import rasa

    if _applied:
        return True
    from coach.settings import current

    if not current().rasa_speedups:
        logger.info("COACH_RASA_SPEEDUPS is off: Rasa runs unchanged.")
        return False
    if not rasa.__version__.startswith(SUPPORTED_RASA):
        logger.warning("Speed-ups written for Rasa %sx; this is Rasa %s, so none are applied.",
                       SUPPORTED_RASA, rasa.__version__)
        return False
    _cache_event_types()
    _cache_action_response_validator()
    _applied = True
    return True


def _cache_event_types() -> None:
    from rasa.shared.core import events
    from rasa.shared.utils.common import all_subclasses

    by_name: Dict[Text, Type[events.Event]] = {}

    def rebuild() -> None:
        by_name.clear()
        for cls in all_subclasses(events.Event):  # first match wins, as in Rasa's loop
            by_name.setdefault(cls.type_name, cls)

    def resolve_by_type(type_name: Text, default: Optional[Type[events.Event]] = None
                        ) -> Optional[Type[events.Event]]:
        """Returns an event class by its type name (Rasa's ``Event.resolve_by_type``)."""
        if type_name not in by_name:
            rebuild()
        if type_name in by_name:
            return by_name[type_name]
        if type_name == "topic":
            return None  # Rasa's backwards compatibility for old TopicSet events
        if default is not None:
            return default
        raise ValueError(f"Unknown event name '{type_name}'.")

    events.Event.resolve_by_type = staticmethod(resolve_by_type)


def _cache_action_response_validator() -> None:
    from jsonschema import exceptions, validators
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema)

    def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
        """Rasa's check of an action server's response, with the validator built once."""
        error = exceptions.best_match(validator.iter_errors(result))
        if error is not None:
            error.message += (
                f". Failed to validate Action server response from API, "
                f"make sure your response from the Action endpoint is valid. "
                f"For more information about the format visit "
                f"{DOCS_BASE_URL}/custom-actions"
            )
            raise error
        return True

    RemoteAction._validate_action_result = _validate_action_result

