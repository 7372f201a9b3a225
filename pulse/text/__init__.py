"""Residents' free text in the application: comments, topics, labels and model versions.

The models themselves live in analysis/text (plain Python); this package stores what goes in
and what comes out.
"""
