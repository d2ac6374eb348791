"""Rasa input channels of outcomes-coach: the web chat (`webchat.py`)."""
