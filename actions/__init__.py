"""Custom actions for outcomes-coach (rasa-sdk). Thin: the logic lives in the `coach` package."""
