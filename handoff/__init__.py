"""The handoff service: the customers' and agents' front door (see docs/protocol.md)."""
