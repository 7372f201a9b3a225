"""Site-wide pages: home, privacy notice, accessibility statement, health."""
