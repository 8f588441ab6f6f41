"""Scrutiny panels, cases, reviews and the access audit (DESIGN.md §6). The models arrive with the
scrutiny issue; the app exists now so the dependency direction (scrutiny -> content -> agencies) is
fixed from the start."""
