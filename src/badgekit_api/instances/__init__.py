"""Badge instances: awarding a badge to an earner, listing and revoking awards."""
