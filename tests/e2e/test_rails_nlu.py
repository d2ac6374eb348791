"""The rails hold through the real NLU (issue 12): in the risk scenario, no phrasing of a care-home
move, whatever the NLU reads it as, is agreed to, ends the conversation or raises rapport."""

import pytest

from coach.scenario import load_scenario
from tests.actions.test_persona_relevance import CARE_HOME
from tests.conftest import ROOT
from tests.e2e.conftest import Chat

pytestmark = pytest.mark.e2e

WARM_UP = ["hello Lorraine, I'm Sam, the nurse asked me to come",
           "can you tell me what happened on Monday night?",
           "that sounds terrifying. I'm so sorry.",
           "what would need to happen for you to feel safe tonight?"]


def test_no_phrasing_of_a_care_home_is_agreed_to_ends_the_conversation_or_raises_rapport(bot):
    lorraine = load_scenario(ROOT / "scenarios" / "lorraine-pritchard.yml")
    rail = set(lorraine.rails[0].says)
    chat = Chat(bot, metadata={"scenario": "lorraine-pritchard"})
    for line in WARM_UP:
        chat.say(line)
    for text in CARE_HOME:
        before = chat.slot("persona_state")
        replies = chat.say(text)
        turn = chat.slot("persona_turn")
        after = chat.slot("persona_state")
        assert turn["move"] != "goodbye", f"'{text}' was read as goodbye: the conversation would end"
        person = [r[len("Lorraine: "):] for r in replies if r.startswith("Lorraine: ")]
        if person:  # a hint or an interim report asked of the coach is not the person going along with it
            assert person[-1] in rail, (text, turn["move"], person[-1])
        assert after["rapport"] <= before["rapport"], (text, turn["move"])
        assert not set(after["disclosed"]) - set(before["disclosed"]), text
