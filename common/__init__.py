"""What every package of the project shares and nothing of the project may be imported into:
the one exception tree (`common.errors`)."""
