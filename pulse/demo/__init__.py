"""The demonstration database: Lewisham's wards and a year of simulated responses."""
