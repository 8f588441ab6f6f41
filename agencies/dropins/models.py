"""Drop-in schedules, sessions and bookings (DESIGN.md §5)."""
