"""Reaching residents: links, posters, leaflets and social posts for an area or a wave."""
