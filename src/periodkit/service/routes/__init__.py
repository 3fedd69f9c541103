"""The routes of the service, one module per API."""

from periodkit.service.routes import actions, activities, entities, out_of_office, team_periods
from periodkit.service.routing import Route

ROUTES: tuple[Route, ...] = (
    *team_periods.ROUTES,
    *entities.ROUTES,
    *out_of_office.ROUTES,
    *actions.ROUTES,
    *activities.ROUTES,
)
