"""The survey domain in plain Python: instruments, scales, validation and integrity rules.

Nothing here imports Flask, WTForms or :mod:`pulse`; the web layer hands plain values in
and gets plain values (or :class:`~surveys.validation.AnswerError`) back.
"""
