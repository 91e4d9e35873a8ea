"""The web pages the bot serves: the buyer chat (``/chat``)."""
