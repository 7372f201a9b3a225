"""Neighbourhood estimates: load responses as arrays, hand them to ``analysis``, store rows."""
