"""Signals the drop-ins send for others to observe (metrics), with ids and outcomes only."""

from django.dispatch import Signal

# Every booking attempt, once: outcome is "booked" or "waitlisted" (sent when the booking's
# transaction commits) or "refused" (sent as the refusal is raised), code the refusal's code.
booking_attempted = Signal()
