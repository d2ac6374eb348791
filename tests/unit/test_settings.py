"""One settings module: every setting once, .env.example in step with it, values checked."""

from pathlib import Path

import pytest
from dotenv import dotenv_values

from coach import settings

ROOT = Path(__file__).resolve().parents[2]


def test_env_example_lists_exactly_the_settings_with_their_defaults():
    example = dotenv_values(ROOT / ".env.example")
    assert list(example) == [s.name for s in settings.SETTINGS]  # the same names, in the same order
    assert {k: v or "" for k, v in example.items()} == settings.DEFAULTS


def test_every_setting_explains_itself_and_its_default_parses():
    for s in settings.SETTINGS:
        assert s.doc.endswith(".") and len(s.doc) > 20, s.name
    defaults = settings.parse({})
    assert defaults.rasa_port == 5005 and defaults.rate_per_minute == 30 and defaults.reply_timeout_s == 4.0
    assert defaults.allowed_origins == frozenset() and defaults.retention_days is None
    assert defaults.scenarios_dir == ROOT / "scenarios" and defaults.rasa_speedups is True


def test_dotenv_then_environment_then_overrides(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("COACH_RATE_PER_MINUTE=12\nCOACH_PORTAL_SECRET=from-file\nCOACH_SEED=file\n")
    loaded = settings.load(environ={"COACH_SEED": "env"}, dotenv_path=env_file)
    assert loaded.rate_per_minute == 12 and loaded.portal_secret == "from-file"
    assert loaded.seed == "env"  # a value already in the environment wins over .env
    assert settings.load({"COACH_SEED": "override"}, environ={"COACH_SEED": "env"}, dotenv_path=env_file).seed == "override"


@pytest.mark.parametrize("name, value, words", [
    ("COACH_RATE_PER_MINUTE", "lots", "whole number"),
    ("RASA_PORT", "70000", "port"),
    ("COACH_REPLY_TIMEOUT_S", "0", "at least 0.5"),
    ("TRACKER_STORE", "mongo", "sqlite or postgresql"),
    ("COACH_ALLOWED_ORIGINS", "https://portal.example.org/path", "not one"),
    ("COACH_RASA_SPEEDUPS", "maybe", "on or off"),
])
def test_a_bad_value_names_the_setting_and_what_to_write(name, value, words):
    with pytest.raises(settings.SettingError, match=words) as err:
        settings.load({name: value}, environ={}, dotenv_path=None)
    assert str(err.value).startswith(name)


def test_the_rest_channel_reads_the_portal_secret_from_dotenv_under_a_plain_rasa_run(tmp_path, monkeypatch):
    """`rasa run` with the settings in .env: the REST channel must see COACH_PORTAL_SECRET (it used to
    read the environment before anything had loaded .env)."""
    from channels.guarded_rest import GuardedRestInput
    from coach import runtime

    env_file = tmp_path / ".env"
    env_file.write_text("COACH_PORTAL_SECRET=a-secret-from-dotenv\nCOACH_RATE_PER_MINUTE=9\n")
    monkeypatch.delenv("COACH_PORTAL_SECRET", raising=False)
    monkeypatch.delenv("COACH_RATE_PER_MINUTE", raising=False)
    monkeypatch.setattr(settings, "DOTENV", env_file)
    runtime.reset()
    import channels.guard as guard

    monkeypatch.setattr(guard, "_message_limiter", None)
    channel = GuardedRestInput.from_credentials({})
    assert channel.portal_secret == "a-secret-from-dotenv"
    assert channel.limiter.limit == 9
