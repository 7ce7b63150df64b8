from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand

from decisions.engine import ScenarioError
from decisions.evaluation import scenario_evaluate_json
from decisions.services import ImportRejected, decode_scenario_file


class Command(BaseCommand):
    help = (
        "Evaluate a scenario-format JSON file (or - for standard input) and print the result "
        "JSON. Bad input prints the errors object and exits 2."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="scenario JSON file, or - to read standard input")
        parser.add_argument(
            "--catalog", help="catalog version slug (default: the scenario's, else latest)"
        )

    def handle(self, *args, **options):
        try:
            data = decode_scenario_file(self.read(options["file"]))
            result = scenario_evaluate_json(data, catalog=options["catalog"])
        except (ScenarioError, ImportRejected) as exc:
            self.stdout.write(json.dumps({"errors": exc.errors}, indent=2))
            sys.exit(2)
        self.stdout.write(json.dumps(result, indent=2))

    def read(self, name: str) -> bytes:
        if name == "-":
            return sys.stdin.buffer.read()
        try:
            with open(name, "rb") as handle:
                return handle.read()
        except OSError as exc:
            raise ImportRejected(
                [{"field": "file", "message": f"cannot read {name}: {exc.strerror}"}]
            ) from None
