"""Entity graphs: owned periods, dependencies on parents, and effective validity.

``entity_graph`` holds ``EntityGraph``; ``propagation`` the validity rule on
flat int64 arrays; ``records`` the entity records and period writes it reads;
``view`` the typed view of one entity and its rendering.
"""

from periodkit.graph.entity_graph import EntityGraph

__all__ = ["EntityGraph"]
