"""Signals that let the floors above take part in inspection changes without this floor importing them."""

from django.dispatch import Signal

team_member_leaving = Signal()
"""Sent with `membership` before a person is taken off a team, inside the transaction. A receiver that
raises ValidationError (for example, because cases are still allocated to the person) stops it."""
