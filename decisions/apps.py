from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "decisions"

    def ready(self):
        from decisions.recompute import on_catalog_published
        from pricing.signals import catalog_published

        catalog_published.connect(on_catalog_published, dispatch_uid="recompute-on-publish")
