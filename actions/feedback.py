"""The coach: a feedback report (interim on request, full after goodbye) and hints."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import constants as c
from actions.context import library, settings
from coach import conversation
from coach.texts import render


def scenario_or_say_why(dispatcher: CollectingDispatcher, tracker: Tracker):
    """This conversation's scenario, or None after telling the learner why there is none."""
    try:
        scenario, _ = conversation.current(library(), tracker.get_slot(c.SLOT_SCENARIO),
                                           tracker.get_slot(c.SLOT_PERSONA_STATE), settings())
    except conversation.ScenarioUnavailable as exc:
        dispatcher.utter_message(text=render("scenario_unavailable", problem=str(exc)), **{c.META_COACH: "notice"})
        return None
    return scenario


class ActionGiveFeedback(Action):
    """Sends the report twice in one turn: readable text, then the feedback_report payload."""

    def name(self) -> Text:
        return c.ACTION_GIVE_FEEDBACK

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        scenario = scenario_or_say_why(dispatcher, tracker)
        if scenario is None:
            return []
        final = (tracker.latest_message.get("intent") or {}).get("name") == "goodbye"
        report, text = conversation.feedback(scenario, tracker.events, final)
        dispatcher.utter_message(text=text, **{c.META_COACH: "report"})
        dispatcher.utter_message(json_message=report)
        return []


class ActionGiveHint(Action):
    """One specific hint for the biggest gap so far, with an example for this person."""

    def name(self) -> Text:
        return c.ACTION_GIVE_HINT

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        scenario = scenario_or_say_why(dispatcher, tracker)
        if scenario is None:
            return []
        text, criterion = conversation.hint(scenario, tracker.events)
        dispatcher.utter_message(text=text, **{c.META_COACH: "hint"})
        dispatcher.utter_message(json_message={"type": c.PAYLOAD_HINT, "criterion": criterion, "text": text})
        return []
