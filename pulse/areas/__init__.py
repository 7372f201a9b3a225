"""Areas: the tree, boundaries, population margins and collection waves."""
