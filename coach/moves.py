"""The practitioner moves and question forms: the contract in design/practitioner-moves.md."""

OPENING = ("greet", "introduce", "agree_agenda", "small_talk", "goodbye")
STRENGTHS = (
    "ask_strengths",
    "ask_network",
    "ask_community",
    "ask_coping",
    "ask_daily_life",
    "ask_what_matters",
    "ask_good_life",
    "ask_desired_outcome",
    "ask_scaling",
    "confirm_outcome",
    "plan_next_steps",
)
DEFICIT = (
    "ask_problems",
    "ask_care_needs",
    "ask_risk",
    "offer_service",
    "give_advice",
    "explain_process",
)
LISTENING = ("reflect", "summarise", "affirm", "empathise", "clarify")
META = ("request_feedback", "request_hint", "out_of_scope")

ALL_MOVES = OPENING + STRENGTHS + DEFICIT + LISTENING + META
# Moves the persona answers in character (everything but the learner talking to the coach).
ROLEPLAY_MOVES = tuple(m for m in ALL_MOVES if m not in META and m != "goodbye")

# Service-led moves that close doors when they come before strengths and outcomes.
SERVICE_MOVES = ("offer_service", "give_advice", "explain_process")

QUESTION_FORMS = ("open", "closed", "leading", "multiple", "none")
QUESTION_LIKE = ("open", "closed", "leading", "multiple")

FACT_KINDS = ("strength", "network", "community", "routine", "worry", "risk", "outcome")

NLU_FALLBACK = "nlu_fallback"

# Moves that take the turn away from the person (the learner closing or talking to the coach):
# the NLU gives one only above a confidence chosen for that purpose (see config.yml).
LEAVING_ROLEPLAY = ("goodbye",) + META

# The areas of the person's life a turn is about (design/practitioner-moves.md, "Life area").
LIFE_AREAS = (
    "people",
    "places_community",
    "activities_interests",
    "work_skills",
    "home",
    "health_body",
    "daily_routine",
    "feelings_wellbeing",
    "money",
    "safety",
    "future_hopes",
    "none",
)
