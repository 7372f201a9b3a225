"""Scheduled jobs, run by ``flask --app pulse scheduler`` in a process of their own."""
