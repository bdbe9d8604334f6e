"""Pieces shared by the Rasa action server and the handoff service."""
