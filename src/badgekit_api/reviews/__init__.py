"""Reviewers' reviews of an application, criterion by criterion (assessment.md)."""
