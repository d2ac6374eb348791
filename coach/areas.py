"""Life areas: which part of the person's life a learner's turn is about.

The NLU gives a turn's `life_area` (design/practitioner-moves.md); older models do not, so the
person can also tell the area from the words used and from the move. Everything here is plain
word lists and tables, so a trainer can see why a turn was taken to be about, say, money.
"""

from __future__ import annotations

import re
from functools import lru_cache

try:  # the contract's list, where coach.moves has it
    from coach.moves import LIFE_AREAS
except ImportError:  # pragma: no cover - an older coach.moves
    LIFE_AREAS = ("people", "places_community", "activities_interests", "work_skills", "home", "health_body",
                  "daily_routine", "feelings_wellbeing", "money", "safety", "future_hopes", "none")

AREAS = tuple(a for a in LIFE_AREAS if a != "none")  # the areas a fact or a reply line can be about

# The area a fact is about when its file does not say: taken from its kind.
KIND_AREA = {
    "strength": "activities_interests",
    "network": "people",
    "community": "places_community",
    "routine": "daily_routine",
    "worry": "feelings_wellbeing",
    "risk": "safety",
    "outcome": "future_hopes",
}

# Moves whose question is about one area whatever its words ("who do you see?" is about people).
MOVE_AREAS = {
    "ask_strengths": ("activities_interests", "work_skills"),
    "ask_network": ("people",),
    "ask_community": ("places_community",),
    "ask_daily_life": ("daily_routine",),
    "ask_risk": ("safety",),
    "ask_care_needs": ("health_body",),
    "ask_good_life": ("future_hopes",),
    "ask_desired_outcome": ("future_hopes",),
    "ask_what_matters": ("future_hopes",),
}

# For an open question that names no topic ("what matters to you?"), the kinds of fact that
# answer it, best first.
KIND_FIT = {
    "ask_strengths": ("strength",),
    "ask_network": ("network",),
    "ask_community": ("community",),
    "ask_coping": ("strength", "network", "routine"),
    "ask_daily_life": ("routine",),
    "ask_what_matters": ("outcome", "network"),
    "ask_good_life": ("outcome",),
    "ask_desired_outcome": ("outcome",),
    "ask_scaling": ("outcome", "worry"),
    "confirm_outcome": ("outcome",),
    "plan_next_steps": ("outcome", "network"),
    "ask_problems": ("worry", "risk"),
    "ask_care_needs": ("worry", "risk"),
    "ask_risk": ("risk",),
}

# Words that name an area in any scenario (a scenario's own topic words come on top of these).
# Nouns and plain phrases only: "enjoy" or "matter" name no topic.
AREA_WORDS = {
    "people": ("family", "friend", "friends", "neighbour", "neighbours", "son", "daughter", "wife", "husband",
               "brother", "sister", "grandchildren", "grandson", "granddaughter", "mate", "mates", "pet", "pets",
               "who", "whom", "relatives", "partner", "people", "anyone", "someone", "somebody"),
    "places_community": ("club", "clubs", "group", "groups", "church", "chapel", "pub", "shop", "shops", "market",
                         "cafe", "library", "centre", "town", "neighbourhood", "village", "community", "local",
                         "where"),
    "activities_interests": ("hobby", "hobbies", "interest", "interests", "pastime", "pastimes", "fun", "sport",
                             "music"),
    "work_skills": ("job", "jobs", "trade", "career", "skill", "skills", "college", "retired", "learn",
                    "learning", "qualification", "qualifications"),
    "home": ("home", "house", "flat", "bungalow", "move", "moving", "stairs", "bedroom", "kitchen", "garden"),
    "health_body": ("health", "healthy", "eat", "eating", "food", "sleep", "sleeping", "tablets", "medication",
                    "pain", "doctor", "gp", "hospital", "mobility", "legs", "body", "ill", "poorly"),
    "daily_routine": ("routine", "routines", "typical", "usual", "usually", "morning", "mornings", "evening",
                      "evenings", "afternoon", "afternoons", "weekday", "weekdays", "weekend", "weekends"),
    "feelings_wellbeing": ("feel", "feeling", "feelings", "mood", "lonely", "loneliness", "sad", "grief",
                           "confidence", "happy", "upset", "frightened", "scared", "worried",
                           "worry", "worries", "stress", "stressed"),
    "money": ("money", "budget", "pay", "paying", "paid", "cost", "costs", "afford", "bills", "benefits",
              "cash", "bank", "spend", "spending", "savings", "wage", "wages", "pension"),
    "safety": ("safe", "safety", "unsafe", "fall", "falls", "fell", "falling", "harm", "hurt", "risk", "danger",
               "dangerous", "pressure", "exploit", "abuse", "bruise", "bruises"),
    "future_hopes": ("hope", "hopes", "wish", "wishes", "future", "dream", "dreams", "plans", "ahead"),
}


# Words too common to name a topic on their own ("tell me about your days", "what helps?"): a
# fact's topic list may hold them, but they are not counted (the check says so).
GENERIC_TOPICS = frozenset({
    "day", "days", "week", "weeks", "time", "times", "today", "thing", "things", "way", "ways", "good", "better",
    "help", "helps", "helped", "work", "works", "worked", "going", "get", "got", "life", "lot", "back", "out",
    "about", "more", "else", "happen", "happens", "happened", "feel", "feeling", "like", "now", "here", "own",
    "through", "keep", "kept", "tell", "telling", "told", "say", "saying", "said", "bit",
})


def counted_topics(topics) -> tuple[str, ...]:
    """A fact's topic words without the generic ones."""
    return tuple(t for t in topics if t not in GENERIC_TOPICS)


@lru_cache(maxsize=None)
def _area_rx(area: str) -> re.Pattern:
    words = sorted(AREA_WORDS[area], key=len, reverse=True)
    return re.compile(r"(?<![a-z0-9'])(?:" + "|".join(re.escape(w) for w in words) + r")(?![a-z0-9'])")


def named_areas(words_text: str) -> dict[str, int]:
    """Areas whose words appear in a lower-cased, word-joined text, with how many words hit."""
    found = {}
    for area in AREA_WORDS:
        n = len(_area_rx(area).findall(words_text))
        if n:
            found[area] = n
    return found
