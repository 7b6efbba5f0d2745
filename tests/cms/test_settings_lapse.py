"""The reminder offsets and the lapse policy come from the environment; bad values stop
start-up with a message naming the variable."""

from tests.cms.test_settings import READ_SETTINGS, read_settings, run_python

NAMES = ("PLEDGE_FORMS_REMINDER_MONTHS", "PLEDGE_FORMS_LAPSED_POLICY")


def test_defaults_and_values_from_the_environment(tmp_path):
    assert read_settings("cms.settings.dev", {}, NAMES, tmp_path) == {
        "PLEDGE_FORMS_REMINDER_MONTHS": [12, 24, 33],
        "PLEDGE_FORMS_LAPSED_POLICY": "listed",
    }
    env = {
        "PLEDGE_FORMS_REMINDER_MONTHS": " 6, 18 ",
        "PLEDGE_FORMS_LAPSED_POLICY": "hidden",
    }
    assert read_settings("cms.settings.dev", env, NAMES, tmp_path) == {
        "PLEDGE_FORMS_REMINDER_MONTHS": [6, 18],
        "PLEDGE_FORMS_LAPSED_POLICY": "hidden",
    }


def test_bad_values_stop_start_up_with_a_clear_message(tmp_path):
    for env, message in (
        ({"PLEDGE_FORMS_REMINDER_MONTHS": "12,soon"}, "whole months"),
        ({"PLEDGE_FORMS_REMINDER_MONTHS": "0,12"}, "months of 1 or more"),
        ({"PLEDGE_FORMS_LAPSED_POLICY": "gone"}, '"listed" or "hidden"'),
    ):
        result = run_python(
            "cms.settings.dev", env, "-c", READ_SETTINGS, *NAMES, tmp_path=tmp_path
        )
        assert result.returncode != 0
        assert message in result.stderr
