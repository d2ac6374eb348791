"""The coach: a feedback report (interim on request, full on finishing), the choice after a typed
goodbye, and hints."""

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


def send_report(dispatcher: CollectingDispatcher, tracker: Tracker, scenario, final: bool) -> None:
    """The report twice in one turn: readable text, then the feedback_report payload."""
    report, text = conversation.feedback(scenario, tracker.events, final)
    dispatcher.utter_message(text=text, **{c.META_COACH: "report"})
    dispatcher.utter_message(json_message=report)


class ActionGiveFeedback(Action):
    """The report on request: interim while the role-play goes on."""

    def name(self) -> Text:
        return c.ACTION_GIVE_FEEDBACK

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        scenario = scenario_or_say_why(dispatcher, tracker)
        if scenario is None:
            return []
        send_report(dispatcher, tracker, scenario, final=False)
        return []


class ActionClose(Action):
    """After the person's goodbye. The /goodbye command (the chat's Finish button, or Finish in the
    choice) ends the conversation with the final report. A goodbye the learner typed may be a
    misread or a mid-visit "see you next week", so it gets a choice instead: finish and get
    feedback (/goodbye), or keep talking (/keep_talking; the role-play simply goes on)."""

    def name(self) -> Text:
        return c.ACTION_CLOSE

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        scenario = scenario_or_say_why(dispatcher, tracker)
        if scenario is None:
            return []
        if conversation.typed_goodbye(tracker.latest_message):
            text, buttons = conversation.finish_choice(scenario)
            dispatcher.utter_message(text=text, buttons=buttons, **{c.META_COACH: "choice"})
        else:
            send_report(dispatcher, tracker, scenario, final=True)
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
