"""Door-to-door and offline collection: assisted mode, the JSON submit endpoint, the web app."""
