"""The person answers the learner in character, and closes in character on goodbye."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import constants as c
from actions.context import library, settings
from coach import conversation
from coach.texts import render


class ActionPersonaReply(Action):
    """Every role-play move: the persona engine decides the reply from the tracker's state."""

    def name(self) -> Text:
        return c.ACTION_PERSONA_REPLY

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        try:
            scenario, state = conversation.current(
                library(), tracker.get_slot(c.SLOT_SCENARIO), tracker.get_slot(c.SLOT_PERSONA_STATE), settings()
            )
        except conversation.ScenarioUnavailable as exc:
            dispatcher.utter_message(text=render("scenario_unavailable", problem=str(exc)), **{c.META_COACH: "notice"})
            return []
        turn, record = conversation.take_turn(scenario, state, tracker.latest_message, tracker.sender_id, settings())
        # `persona` travels with the line (Rasa keeps it as the bot message's metadata), so the web
        # chat can show the name and mood without reading the conversation back.
        dispatcher.utter_message(text=render("persona_line", name=scenario.short_name, line=turn.reply),
                                 **{c.META_PERSONA: conversation.said(scenario, turn.state, record, turn.reply)})
        if self.name() == c.ACTION_PERSONA_REPLY and conversation.closed_in_character(turn):
            # The person took the turn as a goodbye ("same time next thursday?") though the NLU read
            # something else: the same choice a typed goodbye gets (finish, or keep talking).
            text, buttons = conversation.finish_choice(scenario)
            dispatcher.utter_message(text=text, buttons=buttons, **{c.META_COACH: "choice"})
        events = [SlotSet(c.SLOT_PERSONA_STATE, turn.state), SlotSet(c.SLOT_PERSONA_TURN, record)]
        if tracker.get_slot(c.SLOT_SCENARIO) != scenario.id:  # keep the tracker lean: set it only when new
            events.insert(0, SlotSet(c.SLOT_SCENARIO, scenario.id))
        return events


class ActionPersonaGoodbye(ActionPersonaReply):
    """Goodbye: the person closes in character (action_close follows with the report or the choice).

    Finishing from the choice a typed goodbye brought (the /goodbye command right after it), the
    person has already said goodbye, so they say nothing more and their state is left as it is.
    """

    def name(self) -> Text:
        return c.ACTION_PERSONA_GOODBYE

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        if not conversation.typed_goodbye(tracker.latest_message) and conversation.choice_offered(tracker.events):
            return []
        return await super().run(dispatcher, tracker, domain)
