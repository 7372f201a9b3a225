"""Site-wide pages: home, privacy, health."""
