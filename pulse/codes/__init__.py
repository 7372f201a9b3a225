"""Single-use codes for leaflets and letters: issuing, entering, and spending them once."""
