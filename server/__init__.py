"""The Rasa server as this project runs it: Rasa's own CLI, with measured speed-ups applied first."""
