"""Images of badges and containers: stored uploads or links, served publicly."""
