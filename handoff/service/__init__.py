"""The service layer: state machine, routing, policy decisions and customer turns.

Transport handlers call exactly one function here; these functions commit first and then
tell clients through a :class:`~handoff.service.notifier.Notifier`.
"""
