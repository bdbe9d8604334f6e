"""Insights: support metrics, empathy gaps and the designers' loop, read from the store only.

``python -m insights`` prints the report; ``python -m insights.story`` turns a stored
conversation into a Rasa test story; ``python -m insights.tone`` lints the bot's wording.
"""
