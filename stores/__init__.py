"""Custom Rasa stores."""
