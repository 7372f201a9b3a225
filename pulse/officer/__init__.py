"""The officer workspace: overview, area pages, comments, labelling and priorities."""
