from badgekit_api.cli import app

app()
