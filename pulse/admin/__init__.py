"""Admin console: flagged responses, waves and their progress (admin role only)."""
