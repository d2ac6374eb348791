"""outcomes-coach core: persona, scenarios, question forms and (later) feedback.

Plain Python with no Rasa imports, so the same logic serves the Rasa actions, the NLU
component, command-line tools, tests and benchmarks.
"""
