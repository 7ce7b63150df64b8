"""Events other apps react to. `pricing` knows nothing of scenarios; `decisions`
listens for a published catalog to recompute the scenarios that follow "latest"."""

from django.dispatch import Signal

# Sent inside the publishing transaction with `version` (a CatalogVersion).
catalog_published = Signal()
