"""Instruments in the database: publishing definitions and reading them back."""
