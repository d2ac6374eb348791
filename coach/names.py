"""Names shared by the domain, rules, actions, channels and pages: one place for each.

Slots, actions, the chat's commands, custom payload types and the metadata keys that travel with
messages are a contract with domain.yml, data/rules/ and web/. The actions re-export them
(actions/constants.py); the Rasa server's channels import them from here.
"""

# Slots (domain.yml)
SLOT_SCENARIO = "scenario_id"
SLOT_PERSONA_STATE = "persona_state"
SLOT_PERSONA_TURN = "persona_turn"
SLOT_SESSION_METADATA = "session_started_metadata"

# Actions (domain.yml, data/rules/)
ACTION_SESSION_START = "action_session_start"
ACTION_PERSONA_REPLY = "action_persona_reply"
ACTION_PERSONA_GOODBYE = "action_persona_goodbye"
ACTION_GIVE_FEEDBACK = "action_give_feedback"
ACTION_CLOSE = "action_close"  # after the person's goodbye: the final report, or the choice to finish
ACTION_GIVE_HINT = "action_give_hint"
ACTION_LISTEN = "action_listen"

# The commands the chat's buttons send; any other '/...' text is read as words.
CMD_SESSION_START = "/session_start"
CMD_HINT = "/request_hint"
CMD_FEEDBACK = "/request_feedback"
CMD_GOODBYE = "/goodbye"
# "Keep talking" under the choice a typed goodbye brings: nothing happens in the conversation, so
# the channels answer it themselves with a short note (channels/guard.py) and Rasa never sees it.
CMD_KEEP_TALKING = "/keep_talking"
COMMANDS = frozenset({CMD_SESSION_START, CMD_HINT, CMD_FEEDBACK, CMD_GOODBYE, CMD_KEEP_TALKING})

# Custom payload types (design/feedback-rubric.md)
PAYLOAD_REPORT = "feedback_report"
PAYLOAD_HINT = "hint"

# Metadata keys. On a learner message: which scenario to start and who the learner is. On a bot
# message (Rasa keeps an action's extra keys as the bot event's metadata): `persona` marks the
# person's line (their name, mood and the line itself); `coach` marks the coach's own text with
# its kind (one of COACH_KINDS). `choice` is the question after a typed goodbye (finish and get
# feedback, or keep talking), sent with Rasa's `buttons`.
META_SCENARIO = "scenario"
META_LEARNER = "learner"
META_PERSONA = "persona"
META_COACH = "coach"
COACH_KINDS = ("brief", "report", "hint", "notice", "choice")
