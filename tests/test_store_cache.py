"""The trainer pages judge a conversation again only when it or the scenarios changed."""

from channels import store


def test_unchanged_conversations_are_not_judged_again(monkeypatch):
    built = []

    def judge(sender, events, scenario_for):
        built.append(sender)
        return None if sender == "empty" else {"sender": sender, "events": len(events)}

    monkeypatch.setattr(store.results, "session_from_events", judge)
    monkeypatch.setattr(store, "_built", store.OrderedDict())
    a = [{"event": "user", "timestamp": 1.0}]
    b = [{"event": "user", "timestamp": 2.0}]
    found = [("a", a), ("b", b), ("empty", [])]
    first = store.build_sessions(found, None, ("v1",))
    assert built == ["a", "b", "empty"] and [s["sender"] for s in first] == ["a", "b"]

    again = store.build_sessions(found, None, ("v1",))
    assert built == ["a", "b", "empty"]           # nothing judged again
    assert again[0] is first[0] and again[1] is first[1]

    b_longer = b + [{"event": "bot", "timestamp": 3.0}]
    store.build_sessions([("a", a), ("b", b_longer)], None, ("v1",))
    assert built[-1] == "b" and built.count("a") == 1  # only the conversation with a new event

    store.build_sessions([("a", a)], None, ("v2",))      # a scenario changed: judged afresh
    assert built.count("a") == 2


def test_the_cache_is_bounded(monkeypatch):
    monkeypatch.setattr(store.results, "session_from_events", lambda s, e, f: {"sender": s})
    monkeypatch.setattr(store, "_built", store.OrderedDict())
    monkeypatch.setattr(store, "CACHE_SIZE", 3)
    store.build_sessions([(str(i), [{"timestamp": i}]) for i in range(10)], None, ())
    assert len(store._built) == 3
