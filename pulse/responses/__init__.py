"""Responses that arrive other than through the web form: imports from elsewhere."""
