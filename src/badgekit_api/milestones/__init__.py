"""Milestones: a primary badge earned by holding enough of a set of support badges."""
