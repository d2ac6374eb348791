"""Signed learner identities from the training portal.

When COACH_PORTAL_SECRET is set, the portal gives each learner a token it signs with that secret
(HMAC-SHA256), and the chat sends it with every request. The server then takes the learner id
from the token only, refuses requests without a valid one, and lets a learner read and write only
conversations that began under their own id. The token is

    v1.<learner id>.<expiry, Unix seconds>.<hex HMAC-SHA256 of "v1.<learner id>.<expiry>">

so a portal in any language can make one in a few lines (scripts/portal_token.py shows how).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time

# Matched whole (fullmatch): with match() and "$", "alex\n" would pass as a look-alike of "alex".
LEARNER_ID = re.compile(r"[A-Za-z0-9_@.:-]{1,128}")


class IdentityError(ValueError):
    """A missing, malformed, forged or expired learner token; the message says which."""


def sign(secret: str, learner: str, expires: int) -> str:
    if not LEARNER_ID.fullmatch(learner):
        raise IdentityError("A learner id is 1 to 128 letters, digits or _ @ . : -")
    payload = f"v1.{learner}.{int(expires)}"
    mac = hmac.new(secret.encode("utf-8"), payload.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"{payload}.{mac}"


def make_token(secret: str, learner: str, hours: float = 12) -> str:
    return sign(secret, learner, int(time.time() + hours * 3600))


def verify(secret: str, token: str | None, now: float | None = None) -> str:
    """The learner id a valid token names; IdentityError otherwise."""
    if not token or not isinstance(token, str):
        raise IdentityError("This chat needs a learner token from your training portal; open it from the portal.")
    parts = token.strip().split(".")
    if len(parts) < 4 or parts[0] != "v1":
        raise IdentityError("The learner token is not in the expected form; open the chat from the portal again.")
    learner, expires, mac = ".".join(parts[1:-2]), parts[-2], parts[-1]
    if not expires.isdigit() or not LEARNER_ID.fullmatch(learner):
        raise IdentityError("The learner token is not in the expected form; open the chat from the portal again.")
    good = sign(secret, learner, int(expires)).rsplit(".", 1)[1]
    if not hmac.compare_digest(good, mac):
        raise IdentityError("The learner token is not valid for this coach.")
    if int(expires) < (now if now is not None else time.time()):
        raise IdentityError("The learner token has expired; open the chat from the portal again.")
    return learner


def bearer(header: str | None) -> str | None:
    """The token in an 'Authorization: Bearer <token>' header, if any."""
    if header and header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return None


def owner(events: list[dict]) -> str | None:
    """The learner a conversation began under (metadata.learner of its first message)."""
    from coach.transcript import started_by

    return started_by(events)
