"""What a milestone does once an earner holds enough of its badges."""

ISSUE = "issue"  # award its primary badge
QUEUE_APPLICATION = "queue-application"  # file an application for it, to be reviewed
