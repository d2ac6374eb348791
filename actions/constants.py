"""Names shared by the domain, rules and actions, in one place."""

SLOT_SCENARIO = "scenario_id"
SLOT_PERSONA_STATE = "persona_state"
SLOT_PERSONA_TURN = "persona_turn"
SLOT_SESSION_METADATA = "session_started_metadata"

ACTION_SESSION_START = "action_session_start"
ACTION_PERSONA_REPLY = "action_persona_reply"
ACTION_PERSONA_GOODBYE = "action_persona_goodbye"
ACTION_GIVE_FEEDBACK = "action_give_feedback"
ACTION_GIVE_HINT = "action_give_hint"
ACTION_LISTEN = "action_listen"

