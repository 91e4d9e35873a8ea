"""`python -m bot.migrate`: the settings' database, or the one given, upgraded to head."""

from bot import migrate
from tests.bot.store.test_migrations import _schema_diff


def test_command_line_upgrades_the_given_database(make_database, capsys):
    database = make_database("cli.db")
    assert migrate.main(["--url", str(database.url)]) == 0
    assert "revision 0011" in capsys.readouterr().out
    assert _schema_diff(database) == []
