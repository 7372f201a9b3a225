"""The officer workspace. For now only its entry page; trend views, maps and priorities follow."""
