"""Earners' applications for a badge, with their evidence (assessment.md)."""
