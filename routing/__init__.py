"""Routing: the staff-editable routing table, its validation, and what the bot replies."""
