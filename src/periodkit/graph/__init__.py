"""Entity graphs: owned periods, dependencies on parents, and effective validity.

``entity_graph`` holds ``EntityGraph``; ``propagation`` the validity rule on
flat int64 arrays; ``records`` the entity records and period writes it reads.
"""

from periodkit.graph.entity_graph import EntityGraph

__all__ = ["EntityGraph"]
