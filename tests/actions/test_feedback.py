"""The coach's actions over whole scripted conversations with the mini scenario."""

from tests.actions.harness import Conversation

O, C, N = "open", "closed", "none"

STRONG = [
    ("hello Ada, I'm Sam from the wellbeing team", "introduce", N),
    ("what do you enjoy doing with your time?", "ask_strengths", O),
    ("the garden and the roses really matter to you", "reflect", N),
    ("who do you see most of these days?", "ask_network", O),
    ("your sister sounds like a steady voice", "reflect", N),
    ("where do you go when you get out, is there a choir or a group you sing with?", "ask_community", O),
    ("singing has been part of you for forty years", "reflect", N),
    ("what would a really good summer look like for you?", "ask_good_life", O),
    ("entering the roses again would mean a lot", "reflect", N),
    ("what matters most to you about the garden?", "ask_what_matters", O),
    ("so: your roses, your sister's calls, the choir, and the show", "summarise", N),
    ("can I write down that you want to enter your roses in the village show again?", "confirm_outcome", C),
]
CHECKLIST = [
    ("hello", "greet", N),
    ("I'm here to do your needs assessment", "introduce", N),
    ("are you managing your tablets?", "ask_care_needs", C),
    ("can you get upstairs?", "ask_care_needs", C),
    ("do you need help washing?", "ask_care_needs", C),
    ("we can set up a care package and a referral", "offer_service", N),
]


async def run_script(script):
    conv = Conversation()
    await conv.start()
    for turn in script:
        await conv.say(*turn)
    return conv


async def test_goodbye_gives_persona_close_then_text_and_payload_report():
    conv = await run_script(STRONG)
    messages = await conv.say("thanks Ada, I'll leave you in peace", "goodbye", N)
    assert messages[0]["text"] in ("Ada: Bye then.", "Ada: Mind how you go.")
    assert messages[1]["text"].startswith("Your feedback on this conversation with Ada")
    report = conv.report(messages)
    assert report["type"] == "feedback_report" and report["final"] is True and report["scenario"] == "mini-test"
    v = {c["id"]: c["verdict"] for c in report["criteria"]}
    assert v["started_with_strengths"] == v["powerful_questions"] == v["desired_outcomes"] == "met"
    assert report["outcomes"][0]["disclosed"] and report["outcomes"][0]["confirmed"]
    # every piece of evidence quotes a learner turn, numbered from 1
    learner = [e["text"] for e in conv.events if e["event"] == "user"]
    for c in report["criteria"]:
        for ev in c["evidence"]:
            assert learner[ev["turn"] - 1] == ev["text"]


async def test_checklist_through_the_actions():
    conv = await run_script(CHECKLIST)
    messages = await conv.say("bye then", "goodbye", N)
    report = conv.report(messages)
    v = {c["id"]: c["verdict"] for c in report["criteria"]}
    assert v["started_with_strengths"] == v["powerful_questions"] == v["desired_outcomes"] == "not_met"
    assert conv.slots["persona_state"]["rapport"] < 0.4
    assert report["figures"]["outcomes_disclosed"] == 0


async def test_interim_feedback_then_the_role_play_goes_on():
    conv = await run_script(STRONG[:4])
    messages = await conv.say("how am I doing?", "request_feedback", C)
    report = conv.report(messages)
    assert report["final"] is False
    assert messages[0]["text"].startswith("Feedback so far")
    more = await conv.say("what would a good summer be?", "ask_good_life", O)
    assert more[0]["text"].startswith("Ada: ")
    assert conv.slots["persona_state"]["turn"] == 5  # feedback turns do not advance the persona


async def test_hint_targets_the_biggest_gap_with_a_scenario_example():
    conv = await run_script(STRONG[:5])
    messages = await conv.say("give me a hint", "request_hint", N)
    assert messages[1]["custom"] == {"type": "hint", "criterion": "desired_outcomes", "text": messages[0]["text"]}
    assert "What would you like to be different?" in messages[0]["text"]
    messages = await conv.say("another hint please", "request_hint", N)
    later = await conv.say("bye", "goodbye", N)
    assert conv.report(later)["hints_used"] == 2


async def test_hint_at_the_very_start_still_helps():
    conv = Conversation()
    await conv.start()
    messages = await conv.say("help what do i ask", "request_hint", O)
    assert messages[0]["text"].startswith("Hint - ") and "Try something like" in messages[0]["text"]
