"""The coach's actions over whole scripted conversations with the mini scenario."""

from coach import transcript
from coach.names import CMD_GOODBYE, CMD_KEEP_TALKING
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


def reports(conv):
    return [m["custom"] for m in conv.messages if (m.get("custom") or {}).get("type") == "feedback_report"]


async def test_a_typed_goodbye_gets_the_close_and_a_choice_then_finish_gives_one_final_report():
    conv = await run_script(STRONG)
    messages = await conv.say("thanks Ada, I'll leave you in peace", "goodbye", N)
    assert [m["text"] for m in messages][0] in ("Ada: Bye then.", "Ada: Mind how you go.")
    choice = messages[1]
    assert len(messages) == 2 and reports(conv) == []  # no report yet
    assert choice["coach"] == "choice" and choice["text"].startswith("Ada has said goodbye.")
    assert [(b["title"], b["payload"]) for b in choice["buttons"]] == [
        ("Finish and get feedback", CMD_GOODBYE), ("Keep talking", CMD_KEEP_TALKING)]
    turn = conv.slots["persona_state"]["turn"]
    messages = await conv.say(CMD_GOODBYE, "goodbye", N)  # Finish, from the choice
    # the person has said goodbye already: only the report, and the person's state stays as it was
    assert messages[0]["text"].startswith("Your feedback on this conversation with Ada")
    assert not any(m["text"] and m["text"].startswith("Ada: ") for m in messages)
    assert conv.slots["persona_state"]["turn"] == turn
    report = conv.report(messages)
    assert reports(conv) == [report]
    # the typed goodbye was the last turn; pressing Finish is not a turn of its own
    assert report["figures"]["turns"] == len(STRONG) + 1
    read = transcript.read(conv.events)
    assert read.turns[-1].text == "thanks Ada, I'll leave you in peace" and read.finished
    assert report["type"] == "feedback_report" and report["final"] is True and report["scenario"] == "mini-test"
    v = {c["id"]: c["verdict"] for c in report["criteria"]}
    assert v["started_with_strengths"] == v["powerful_questions"] == v["desired_outcomes"] == "met"
    assert report["outcomes"][0]["disclosed"] and report["outcomes"][0]["confirmed"]
    # every piece of evidence quotes a learner turn, numbered from 1
    learner = [e["text"] for e in conv.events if e["event"] == "user"]
    for c in report["criteria"]:
        for ev in c["evidence"]:
            # the whole turn, or in a compound turn the earning move's own words from it
            assert ev.get("turn_text", ev["text"]) == learner[ev["turn"] - 1] and ev["text"] in learner[ev["turn"] - 1]


async def test_the_goodbye_command_closes_in_character_and_reports_at_once():
    conv = await run_script(STRONG[:4])
    messages = await conv.say(CMD_GOODBYE, "goodbye", N)  # the chat's own Finish button
    assert messages[0]["text"] in ("Ada: Bye then.", "Ada: Mind how you go.")
    assert messages[1]["text"].startswith("Your feedback on this conversation with Ada")
    assert conv.report(messages)["final"] is True and not any(m.get("buttons") for m in messages)


async def test_after_a_typed_goodbye_the_learner_can_keep_talking_and_is_asked_again_next_time():
    conv = await run_script(STRONG[:1])
    await conv.say("right, see you next week then", "goodbye", N)
    assert transcript.read(conv.events).finished  # said goodbye and left it there
    # the learner types on (Keep talking sends nothing to the conversation): the person answers
    messages = await conv.say("oh, before I go - what do you enjoy doing with your time?", "ask_strengths", O)
    assert messages[0]["text"].startswith("Ada: ") and conv.slots["persona_turn"]["disclosed"] == ["garden"]
    assert not transcript.read(conv.events).finished
    # a goodbye typed later gets the close and the choice again, and a turn after it is answered
    again = await conv.say("thanks Ada, bye for now", "goodbye", N)
    assert again[0]["text"].startswith("Ada: ") and again[1]["coach"] == "choice"
    messages = await conv.say(CMD_GOODBYE, "goodbye", N)
    assert [r["final"] for r in reports(conv)] == [True] and messages[0]["coach"] == "report"
    assert transcript.read(conv.events).finished


async def test_a_goodbye_command_long_after_a_choice_gets_the_persons_close():
    conv = await run_script(STRONG[:1])
    await conv.say("see you thursday", "goodbye", N)
    await conv.say("what do you enjoy doing with your time?", "ask_strengths", O)
    messages = await conv.say(CMD_GOODBYE, "goodbye", N)  # not an answer to the choice any more
    assert messages[0]["text"] in ("Ada: Bye then.", "Ada: Mind how you go.") and messages[1]["coach"] == "report"


async def test_checklist_through_the_actions():
    conv = await run_script(CHECKLIST)
    messages = await conv.say("/goodbye", "goodbye", N)
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
    later = await conv.say("/goodbye", "goodbye", N)
    assert conv.report(later)["hints_used"] == 2


async def test_hint_at_the_very_start_still_helps():
    conv = Conversation()
    await conv.start()
    messages = await conv.say("help what do i ask", "request_hint", O)
    assert messages[0]["text"].startswith("Hint - ") and "Try something like" in messages[0]["text"]


# --- regressions from the conversation contract (issue 10) ----------------------------------

JARGON_CHECKLIST = [
    ("hello", "greet", N),
    ("I'm from adult social care, here about your case", "introduce", N),
    ("are you managing your tablets?", "ask_care_needs", C),
    ("can you get upstairs?", "ask_care_needs", C),
    ("which services do you have at the moment?", "ask_care_needs", O),
    ("we could look at more services for you", "offer_service", N),
]


async def test_asking_for_a_hint_does_not_change_a_score():
    """The coach's own hint text says "services"; it is not the person's word, so it must not
    exempt the learner's "services" from the jargon count (it did: not_met became partly)."""
    plain = await run_script(JARGON_CHECKLIST)
    with_hint = Conversation()
    await with_hint.start()
    for turn in JARGON_CHECKLIST[:4]:
        await with_hint.say(*turn)
    hint = await with_hint.say("give me a hint", "request_hint", N)
    assert "service" in hint[0]["text"].lower() or "service" in str(hint)  # the hint itself talks of services
    for turn in JARGON_CHECKLIST[4:]:
        await with_hint.say(*turn)
    a = {c["id"]: c for c in plain.report(await plain.say("/goodbye", "goodbye", N))["criteria"]}
    b = {c["id"]: c for c in with_hint.report(await with_hint.say("/goodbye", "goodbye", N))["criteria"]}
    assert a["plain_language"]["verdict"] == "not_met"
    assert (b["plain_language"]["verdict"], b["plain_language"]["score"]) == \
        (a["plain_language"]["verdict"], a["plain_language"]["score"])


async def test_an_early_hint_never_points_at_a_criterion_going_well_or_not_judged():
    """A learner who opened with strengths is not told to start with strengths: the criterion is
    not judged yet (too early), and its own note says the start is strengths-first."""
    conv = await run_script(STRONG[:2])
    messages = await conv.say("give me a hint", "request_hint", N)
    text, payload = messages[0]["text"], messages[1]["custom"]
    assert "start with what is strong" not in text.lower()
    report = conv.report(await conv.say("how am I doing?", "request_feedback", N))
    verdicts = {c["id"]: c["verdict"] for c in report["criteria"]}
    assert verdicts["started_with_strengths"] == "not_judged"
    assert payload["criterion"] is None or verdicts[payload["criterion"]] not in ("met", "not_judged")


async def test_hints_only_ever_name_a_judged_criterion_that_is_not_met():
    conv = Conversation()
    await conv.start()
    for turn in STRONG + CHECKLIST:
        await conv.say(*turn)
        messages = await conv.say("hint please", "request_hint", N)
        criterion = messages[1]["custom"]["criterion"]
        report = conv.report(await conv.say("feedback?", "request_feedback", N))
        if criterion is not None:
            shown = next(c for c in report["criteria"] if c["id"] == criterion)
            assert shown["verdict"] in ("partly", "not_met"), (turn, criterion, shown["verdict"])


async def test_the_persons_lines_are_found_by_metadata_not_by_their_name():
    """Every line of the person's carries `persona` metadata; the coach's texts carry `coach`."""
    from coach.transcript import read

    conv = await run_script(STRONG[:3])
    await conv.say("hint", "request_hint", N)
    transcript = read(conv.events)
    people = [line for line in transcript.lines if line.who == "person"]
    assert len(people) == 4  # the opening line and three replies
    assert all(line.name == "Ada" and not line.text.startswith("Ada:") for line in people)
    kinds = [line.kind for line in transcript.lines if line.who == "coach"]
    assert kinds == ["brief", "hint", "hint"]  # the hint's text, then its card
    assert transcript.persona_lines == [line.text for line in people]


async def test_arranging_the_next_visit_read_as_a_plan_gets_the_close_and_the_same_choice():
    conv = await run_script(STRONG)
    messages = await conv.say("thanks Ada. same time next week?", "plan_next_steps", C)
    assert messages[0]["text"] in ("Ada: Bye then.", "Ada: Mind how you go.")
    assert messages[1]["coach"] == "choice" and reports(conv) == []
    messages = await conv.say(CMD_GOODBYE, "goodbye", N)  # Finish, from the choice
    assert messages[0]["text"].startswith("Your feedback on this conversation with Ada")
    assert not any(m["text"] and m["text"].startswith("Ada: ") for m in messages)
    # A plan that is no goodbye gets no choice.
    conv = await run_script(STRONG[:6])
    messages = await conv.say("what could we try first?", "plan_next_steps", O)
    assert not any(m.get("coach") == "choice" for m in messages)
