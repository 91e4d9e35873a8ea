"""Buyers' photos: checked and cleaned with Pillow (`images`), kept in a media store behind a
small interface (`storage`), recorded in the database and served only to their owner and to
agents (`library`)."""
