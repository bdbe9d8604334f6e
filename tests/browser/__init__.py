"""Headless-Chromium tests of the customer widget and the agent console."""
