"""Thin handlers: read typed parameters → call a service function in one transaction → render."""
