"""Systems: the top level of a BadgeKit install."""
