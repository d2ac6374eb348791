"""Drive the real actions turn by turn, keeping events and slots as Rasa would."""

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.feedback import ActionClose, ActionGiveFeedback, ActionGiveHint
from actions.roleplay import ActionPersonaGoodbye, ActionPersonaReply
from actions.session import ActionSessionStart

ROUTES = {
    "goodbye": [ActionPersonaGoodbye(), ActionClose()],  # data/rules/coach.yml
    "request_feedback": [ActionGiveFeedback()],
    "request_hint": [ActionGiveHint()],
}


# What rasa-sdk puts in every message; anything else an action adds is the bot event's metadata.
BOT_MESSAGE_KEYS = {"text", "custom", "buttons", "elements", "image", "attachment", "template", "response",
                    "quick_replies"}


class Conversation:
    def __init__(self, sender="learner-h", metadata=None):
        self.sender = sender
        self.events: list[dict] = []
        self.slots = {"scenario_id": None, "persona_state": None, "persona_turn": None,
                      "session_started_metadata": metadata}
        self.latest: dict = {}
        self.messages: list[dict] = []

    def tracker(self) -> Tracker:
        return Tracker(self.sender, dict(self.slots), self.latest, list(self.events), False, None, {}, "action_listen")

    async def run(self, action) -> list[dict]:
        """Log the action as Rasa does: the action, then its bot messages (their extra keys kept as
        the bot event's metadata), then the events it returned."""
        dispatcher = CollectingDispatcher()
        events = await action.run(dispatcher, self.tracker(), {})
        self.events.append({"event": "action", "name": action.name()})
        for m in dispatcher.messages:
            extra = {k: v for k, v in m.items() if k not in BOT_MESSAGE_KEYS and v is not None}
            self.events.append({"event": "bot", "text": m.get("text"),
                                "data": {"custom": m.get("custom"), "buttons": m.get("buttons")}, "metadata": extra})
        for e in events:
            if e["event"] == "slot":
                self.slots[e["name"]] = e["value"]
            self.events.append(e)
        self.messages.extend(dispatcher.messages)
        return dispatcher.messages

    async def start(self):
        return await self.run(ActionSessionStart())

    async def say(self, text: str, intent: str, form: str, moves=None, life_area: str | None = None) -> list[dict]:
        """The learner's turn, parsed as `intent` and `form`; `moves` as (name, words) pairs for a
        compound turn, as the NLU gives them."""
        self.latest = {"text": text, "intent": {"name": intent, "confidence": 0.95}, "entities": [],
                       "question_form": {"name": form, "confidence": 0.9}}
        if moves:
            self.latest["moves"] = [{"name": name, "confidence": 0.9, "text": words} for name, words in moves]
        if life_area:
            self.latest["life_area"] = {"name": life_area, "confidence": 0.9}
        self.events.append({"event": "user", "text": text, "parse_data": self.latest,
                            "metadata": self.slots["session_started_metadata"] or {}})
        out = []
        for action in ROUTES.get(intent, [ActionPersonaReply()]):
            out += await self.run(action)
        return out

    def report(self, messages: list[dict]) -> dict:
        return next(m["custom"] for m in messages if (m.get("custom") or {}).get("type") == "feedback_report")
