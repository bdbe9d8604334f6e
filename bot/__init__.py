"""The Rasa assistant: custom actions (``bot.actions``), channels and training data."""
