"""Settings for a `send_bulletins` run in a process of its own against the test database (tests/
test_bulletin_sending.py): the test settings, mail to the test's SMTP server, no pace."""

import os

from config.mail import SMTP, mail_settings
from config.settings.test import *  # noqa: F403

globals().update(
    mail_settings(
        SMTP, host="127.0.0.1", port=int(os.environ["TEST_SMTP_PORT"]), use_tls=False, timeout=5
    )
)
BULLETIN_EMAILS_PER_MINUTE = 0
