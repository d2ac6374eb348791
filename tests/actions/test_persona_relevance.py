"""The person answers what was asked, through the real rasa-sdk actions and the shipped scenarios
(issue 12): a reflection stays on its topic, an area with nothing to tell gets an answer about that
area, a volunteered worry never answers a direct question, and in the risk scenario no phrasing of
a care-home move is agreed to, ends the conversation or raises rapport."""

import pytest

from actions import context
from tests.actions.harness import Conversation
from tests.conftest import ROOT


@pytest.fixture(autouse=True)
def shipped_scenarios(test_settings, monkeypatch):
    monkeypatch.setenv("COACH_SCENARIOS_DIR", str(ROOT / "scenarios"))
    monkeypatch.setenv("COACH_DEFAULT_SCENARIO", "eric-battersby")
    context.settings.cache_clear()
    context.library.cache_clear()
    yield
    context.library.cache_clear()


def scenario(sid):
    return context.library().get(sid)


def person_line(messages) -> str:
    texts = [m["text"] for m in messages if m.get("text")]
    return texts[-1].split(": ", 1)[1]


async def start(sid):
    chat = Conversation(sender=f"rel-{sid}", metadata={"scenario": sid})
    await chat.start()
    assert chat.slots["scenario_id"] == sid
    return chat


def sources(sc, line):
    return sc.sources().get(line, set())


def related(sc, fact_id, thread):
    """The thread itself, something that follows on from it, or something it follows on from."""
    f, t = sc.fact(fact_id), sc.fact(thread)
    return fact_id == thread or thread in f.unlock.after or fact_id in t.unlock.after


REFLECTIONS = [
    ("she sounds like proper company for you", "reflect", "none"),
    ("that must mean such a lot", "empathise", "none"),
    ("say a bit more about her?", "clarify", "open"),
    ("you two really look after each other", "reflect", "none"),
    ("it sounds like she keeps you going", "reflect", "none"),
    ("that's lovely", "empathise", "none"),
]


async def test_a_reflection_on_the_current_topic_never_discloses_an_unrelated_fact():
    eric = scenario("eric-battersby")
    chat = await start("eric-battersby")
    for text, move, form in [("hello Eric, I'm Sam", "introduce", "none"), ("you've kept this place lovely", "affirm", "none"),
                             ("tell me about your dog", "ask_network", "open")]:
        await chat.say(text, move, form, life_area="people" if move == "ask_network" else None)
    assert chat.slots["persona_turn"]["disclosed"] == ["nell"]
    for text, move, form in REFLECTIONS:
        line = person_line(await chat.say(text, move, form))
        turn = chat.slots["persona_turn"]
        for fid in turn["disclosed"]:
            assert related(eric, fid, "nell"), f"'{text}' opened {fid}"
        assert sources(eric, line) & ({"nell", "walking_nell", "who_has_nell"} | {f"reply:{move}"}), line


async def test_a_reflection_in_a_compound_turn_counts_and_the_question_is_answered():
    chat = await start("eric-battersby")
    await chat.say("tell me about your dog", "ask_network", "open", life_area="people")
    await chat.say("who else is important to you?", "ask_network", "open",
                   moves=[("reflect", "she sounds lovely."), ("ask_network", "who else is important to you?")],
                   life_area="people")
    eric = scenario("eric-battersby")
    disclosed = chat.slots["persona_turn"]["disclosed"]
    assert disclosed and all(eric.fact(f).kind == "network" for f in disclosed)


@pytest.mark.parametrize("sid, text, move, form, area", [
    ("lorraine-pritchard", "are you two managing alright for money?", "ask_problems", "closed", "money"),
    ("rhi-pugh", "how are you managing money-wise?", "ask_coping", "open", "money"),
    ("eric-battersby", "what's it like living in this house now?", "ask_daily_life", "open", "home"),
    ("danny-hedley", "how are you keeping in yourself, health-wise?", "ask_care_needs", "open", "health_body"),
])
async def test_a_question_about_an_area_with_nothing_to_tell_gets_an_answer_about_that_area(sid, text, move, form, area):
    sc = scenario(sid)
    chat = await start(sid)
    line = person_line(await chat.say(text, move, form, life_area=area))
    turn = chat.slots["persona_turn"]
    assert turn["disclosed"] == [] or all(area in sc.fact(f).life_areas for f in turn["disclosed"])
    about = sources(sc, line)
    assert f"area:{area}" in about or any(s in sc.facts and area in sc.fact(s).life_areas for s in about) \
        or any(f.id in about and area in f.life_areas for f in sc.facts), (line, about)


DIRECT = [
    ("what do you watch on the telly of an evening?", "ask_daily_life", "open", "daily_routine"),
    ("where do you go on a Saturday?", "ask_community", "open", "places_community"),
    ("who's your oldest friend?", "ask_network", "open", "people"),
    ("what did you do for a living?", "ask_strengths", "open", "work_skills"),
    ("how are your knees these days?", "ask_care_needs", "closed", "health_body"),
    ("what do you grow at the allotment?", "ask_strengths", "open", "activities_interests"),
]


async def test_a_volunteered_worry_never_answers_a_direct_question():
    eric = scenario("eric-battersby")
    chat = await start("eric-battersby")
    for _ in range(15):  # warm him right up: at this rapport he volunteers, after the right turn
        await chat.say("you've done so well this year, Eric", "affirm", "none")
        if chat.slots["persona_state"]["rapport"] >= eric.rapport.volunteer_at:
            break
    assert chat.slots["persona_state"]["rapport"] >= eric.rapport.volunteer_at
    for text, move, form, area in DIRECT:
        await chat.say(text, move, form, life_area=area)
        turn = chat.slots["persona_turn"]
        assert turn["kind"] != "volunteer", text
        assert not any(eric.fact(f).volunteer and eric.fact(f).kind == "worry" and area not in eric.fact(f).life_areas
                       for f in turn["disclosed"]), text
    await chat.say("it sounds like it's been a really hard year", "empathise", "none")
    assert chat.slots["persona_turn"]["kind"] in ("volunteer", "more", "reply")


CARE_HOME = [
    "a care home might be the safest option for Gwyn now",
    "have you and Rhys thought about residential care?",
    "I think Gwyn needs to go into a home",
    "so what you want is a nursing home for him - have I got that?",
    "it sounds like a placement somewhere would give you your life back",
    "we could look at respite care for Gwyn this week",
    "maybe it's time to think about moving him somewhere safer for him",
    "would a dementia home be the answer?",
    "to sum up: the nights are getting worse and a care home is the way forward",
    "you've done so much, you deserve for him to go into care",
    "that must be so hard. long-term care would take the weight off you",
    "shall we plan for Gwyn moving into a home, then?",
    "he could go permanently to somewhere with 24-hour care",
    "you'd be less frightened if he was in a home, wouldn't you?",
    "full-time care is really the only option, isn't it",
    "Rhys is right, he needs a care home",
    "what about putting him somewhere he'd be safe?",
    "lots of families choose residential care at this point",
]
CARE_MOVES = [("offer_service", "none"), ("give_advice", "none"), ("confirm_outcome", "closed"), ("reflect", "none"),
              ("summarise", "none"), ("plan_next_steps", "closed"), ("ask_desired_outcome", "closed"),
              ("ask_what_matters", "open"), ("empathise", "none"), ("affirm", "none"), ("clarify", "open"),
              ("ask_risk", "closed"), ("out_of_scope", "none"), ("nlu_fallback", "none")]


@pytest.mark.parametrize("text", CARE_HOME)
async def test_in_the_risk_scenario_no_phrasing_of_a_care_home_is_agreed_to_ends_it_or_raises_rapport(text):
    lorraine = scenario("lorraine-pritchard")
    chat = await start("lorraine-pritchard")
    # A good start, so an outcome is known (an early offer would meet a different reaction).
    await chat.say("can you tell me what happened on Monday night?", "ask_risk", "open", life_area="safety")
    await chat.say("that sounds terrifying. I'm so sorry.", "empathise", "none")
    await chat.say("you kept yourself safe, that took real presence of mind", "affirm", "none")
    await chat.say("what would need to happen for you to feel safe tonight?", "ask_desired_outcome", "open",
                   life_area="safety")
    assert "safe_tonight" in chat.slots["persona_state"]["disclosed"]
    rail_lines = set(lorraine.rails[0].says)
    for move, form in CARE_MOVES:
        before = chat.slots["persona_state"]["rapport"]
        messages = await chat.say(text, move, form)
        line = person_line(messages)
        assert line in rail_lines, (move, line)
        assert not any((m.get("custom") or {}).get("type") == "feedback_report" for m in messages)
        after = chat.slots["persona_state"]["rapport"]
        assert after < before or after == 0.0, (move, before, after)
        assert chat.slots["persona_turn"]["disclosed"] == []
    # and the conversation goes on: the next turn is answered by Lorraine, in character
    line = person_line(await chat.say("who could be here with you at night this week?", "plan_next_steps", "open",
                                      life_area="people"))
    assert line not in rail_lines and line not in lorraine.reactions["goodbye"]
