"""Numbers and models in plain Python + numpy: weighting, estimates, suppression, change."""
