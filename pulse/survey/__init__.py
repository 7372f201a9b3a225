"""The resident survey: choosing an area, consent, the questions, and thanks."""
