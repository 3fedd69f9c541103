"""The routes of the service, one module per API.

The out-of-office API (``/out_of_office_periods``) gets its own module here,
``out_of_office``, whose ``ROUTES`` join the table below.
"""

from periodkit.service.routes import actions, activities, entities, team_periods
from periodkit.service.routing import Route

ROUTES: tuple[Route, ...] = (
    *team_periods.ROUTES,
    *entities.ROUTES,
    *actions.ROUTES,
    *activities.ROUTES,
)
