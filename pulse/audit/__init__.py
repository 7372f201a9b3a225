"""The audit log: who took which data out, in what scope, and how many rows."""
from .operations import actor_for, record

__all__ = ["record", "actor_for"]
