"""Briefing packs: a 2-6 page PDF per area and period, one at a time, in bulk or on a schedule.

``content`` reads what a pack shows (published estimates, topic shares, approved quotes,
priorities, actions) into plain data; ``render`` lays it out with fpdf2; ``operations``
builds, audits and stores packs for the command line, the background runs and the scheduler.
"""
