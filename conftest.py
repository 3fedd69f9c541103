"""Hypothesis profiles: ``ci`` (default, fast) and ``thorough`` (deep searches).

Choose with ``PERIODKIT_HYPOTHESIS_PROFILE=thorough pytest``.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough", max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("PERIODKIT_HYPOTHESIS_PROFILE", "ci"))
