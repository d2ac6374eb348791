"""Session start: pick the scenario, show the brief and the person's opening line."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import constants as c
from actions.context import library, settings
from coach import conversation
from coach.texts import render


class ActionSessionStart(Action):
    def name(self) -> Text:
        return c.ACTION_SESSION_START

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        metadata = tracker.get_slot(c.SLOT_SESSION_METADATA) or {}
        requested = metadata.get("scenario") if isinstance(metadata, dict) else None
        events: List[Dict[Text, Any]] = [SessionStarted()]
        try:
            start = conversation.start(library(), requested or tracker.get_slot(c.SLOT_SCENARIO), tracker.sender_id, settings())
        except conversation.ScenarioUnavailable as exc:
            dispatcher.utter_message(text=render("scenario_unavailable", problem=str(exc)), **{c.META_COACH: "notice"})
            return events + [ActionExecuted(c.ACTION_LISTEN)]
        sc = start.scenario
        if start.requested_unknown:
            dispatcher.utter_message(text=render("scenario_unknown", requested=start.requested_unknown, title=sc.title),
                                     **{c.META_COACH: "notice"})
        dispatcher.utter_message(text=render("scenario_brief", title=sc.title, brief=sc.brief, name=sc.short_name),
                                 **{c.META_COACH: "brief"})
        dispatcher.utter_message(text=render("persona_line", name=sc.short_name, line=start.opening_line),
                                 **{c.META_PERSONA: conversation.said(sc, start.state, None, start.opening_line)})
        return events + [
            SlotSet(c.SLOT_SCENARIO, sc.id),
            SlotSet(c.SLOT_PERSONA_STATE, start.state),
            SlotSet(c.SLOT_PERSONA_TURN, None),
            ActionExecuted(c.ACTION_LISTEN),
        ]
