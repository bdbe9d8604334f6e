"""rasa_sdk custom actions, one module per feature.

The action server (``python -m bot.serve_actions``) registers every ``Action`` subclass
found here. Actions are thin: they read the turn (:mod:`bot.actions.turn`), call store
functions through :mod:`bot.actions.runtime`, and phrase the reply with
:mod:`bot.actions.voice`.
"""
