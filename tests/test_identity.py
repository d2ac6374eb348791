"""Signed learner tokens: made by the portal, checked by the chat."""

import pytest

from channels.identity import IdentityError, bearer, make_token, owner, sign, verify

SECRET = "portal-secret-for-tests"


def test_a_valid_token_names_its_learner():
    assert verify(SECRET, make_token(SECRET, "alex.smith@trust")) == "alex.smith@trust"


@pytest.mark.parametrize("token, words", [
    (None, "needs a learner token"),
    ("", "needs a learner token"),
    ("garbage", "expected form"),
    ("v1.alex.notanumber.abc", "expected form"),
    ("v2.alex.99999999999.abc", "expected form"),
])
def test_malformed_tokens_are_refused(token, words):
    with pytest.raises(IdentityError, match=words):
        verify(SECRET, token)


def test_forged_and_expired_tokens_are_refused():
    good = make_token(SECRET, "alex")
    forged = good.replace("v1.alex.", "v1.bo.")
    with pytest.raises(IdentityError, match="not valid"):
        verify(SECRET, forged)
    with pytest.raises(IdentityError, match="not valid"):
        verify("another-secret", good)
    with pytest.raises(IdentityError, match="expired"):
        verify(SECRET, sign(SECRET, "alex", 1000), now=2000)


def test_bearer_and_owner():
    assert bearer("Bearer abc.def") == "abc.def" and bearer("Basic x") is None and bearer(None) is None
    events = [{"event": "session_started"}, {"event": "user", "text": "hi", "metadata": {"learner": "alex"}}]
    assert owner(events) == "alex" and owner([]) is None
