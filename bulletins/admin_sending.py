"""Sending a bulletin from the admin: a test to oneself, then to every subscriber."""
