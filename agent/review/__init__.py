"""Human review of flagged claims: SQLite state, decisions, and publishing.

``ReviewDesk`` is the entry point used by the CLI (``agent review …``, ``agent publish``)
and the web page (``agent serve``).
"""

from agent.review.desk import Published, ReviewDesk, review_db_path
from agent.review.store import Decision, Item, ReviewStore

__all__ = ["Decision", "Item", "Published", "ReviewDesk", "ReviewStore", "review_db_path"]
