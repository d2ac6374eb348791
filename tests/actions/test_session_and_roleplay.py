"""Session start and the persona action, through the real SDK objects."""

from actions.roleplay import ActionPersonaGoodbye, ActionPersonaReply
from actions.session import ActionSessionStart
from tests.actions.conftest import make_tracker


def slot_events(events):
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


async def test_session_start_sends_brief_then_opening_line(dispatcher, domain):
    events = await ActionSessionStart().run(dispatcher, make_tracker(), domain)
    assert events[0]["event"] == "session_started"
    assert (events[-1]["event"], events[-1]["name"]) == ("action", "action_listen")
    slots = slot_events(events)
    assert slots["scenario_id"] == "mini-test"
    assert slots["persona_state"]["rapport"] == 0.4 and slots["persona_state"]["turn"] == 0
    brief, line = dispatcher.messages
    assert brief["text"].startswith("Role-play: Test person\n\nYou are visiting Ada.")
    assert line["text"] in ("Ada: Come in.", "Ada: Oh, hello.")


async def test_session_start_with_unknown_scenario_says_so(dispatcher, domain):
    events = await ActionSessionStart().run(dispatcher, make_tracker(metadata={"scenario": "no-such"}), domain)
    assert slot_events(events)["scenario_id"] == "mini-test"
    assert "no scenario called 'no-such'" in dispatcher.messages[0]["text"]


async def test_session_start_with_no_usable_scenario_explains(dispatcher, domain, monkeypatch, tmp_path):
    from actions import context

    (tmp_path / "bad.yml").write_text("id: [broken\n")
    monkeypatch.setenv("COACH_SCENARIOS_DIR", str(tmp_path))
    context.settings.cache_clear()
    context.library.cache_clear()
    events = await ActionSessionStart().run(dispatcher, make_tracker(), domain)
    (msg,) = dispatcher.messages
    assert "could not be loaded" in msg["text"] and "bad.yml" in msg["text"]
    assert "persona_state" not in slot_events(events)


async def test_persona_reply_discloses_and_records_the_turn(dispatcher, domain):
    start_events = await ActionSessionStart().run(dispatcher, make_tracker(), domain)
    state = slot_events(start_events)["persona_state"]
    dispatcher.messages.clear()
    tracker = make_tracker("what do you enjoy doing?", "ask_strengths", "open",
                           slots={"scenario_id": "mini-test", "persona_state": state})
    events = await ActionPersonaReply().run(dispatcher, tracker, domain)
    slots = slot_events(events)
    assert slots["persona_state"]["disclosed"] == {"garden": 1}
    assert slots["persona_turn"]["move"] == "ask_strengths" and slots["persona_turn"]["form"] == "open"
    assert slots["persona_turn"]["disclosed"] == ["garden"] and slots["persona_turn"]["mood"] == "wary"
    (msg,) = dispatcher.messages
    assert msg["text"] in ("Ada: I grow roses, prize-winning ones.", "Ada: The garden is my pride and joy, the roses especially.")


async def test_persona_reply_without_state_starts_fresh(dispatcher, domain):
    tracker = make_tracker("who do you see most?", "ask_network", "open")
    events = await ActionPersonaReply().run(dispatcher, tracker, domain)
    assert slot_events(events)["persona_state"]["disclosed"] == {"sister": 1}


async def test_fallback_is_answered_in_character_and_discloses_nothing(dispatcher, domain):
    tracker = make_tracker("zzkq", "nlu_fallback", "none")
    events = await ActionPersonaReply().run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["text"] in ("Ada: Sorry, say that again?", "Ada: You've lost me there.")
    assert slot_events(events)["persona_turn"]["disclosed"] == []


async def test_goodbye_closes_in_character(dispatcher, domain):
    tracker = make_tracker("thanks, bye for now", "goodbye", "none")
    await ActionPersonaGoodbye().run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["text"] in ("Ada: Bye then.", "Ada: Mind how you go.")
