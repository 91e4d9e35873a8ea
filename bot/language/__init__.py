"""The buyer's language: which language a message is in (`identify`), the locales the bot
formats amounts and dates for (`locales`), and the message catalogue every buyer-facing text
comes from (`catalogue`)."""
