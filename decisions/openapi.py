"""The OpenAPI 3.1 description of /api/v1/, served at /api/v1/openapi.json."""

from __future__ import annotations

from typing import Any

ERRORS = {
    "description": "Bad input: one entry per problem, fields as dotted paths",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}},
}


def answer(description: str, schema: str | None = None) -> dict[str, Any]:
    if schema is None:
        return {"description": description}
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def body(schema: str) -> dict[str, Any]:
    return {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def operation(summary: str, responses: dict[str, Any], **extra: Any) -> dict[str, Any]:
    common = {
        "401": answer("Missing or invalid API token", "Errors"),
        "404": answer("Not found in your organisations", "Errors"),
    }
    return {"summary": summary, "responses": {**responses, **common}, **extra}


def path_id(name: str, kind: str = "integer") -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": kind}}


def openapi_document() -> dict[str, Any]:
    project_id = [path_id("project_id")]
    scenario_id = [path_id("scenario_id")]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Tunecase API",
            "version": "1",
            "description": (
                "Scenario-format v1 in, result v1 out. Authenticate with "
                "`Authorization: Bearer <token>`."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": {
            "/evaluate": {
                "post": operation(
                    "Evaluate a scenario without storing anything",
                    {"200": answer("The result", "Result"), "400": ERRORS},
                    requestBody=body("Scenario"),
                )
            },
            "/projects": {
                "get": operation("List projects", {"200": answer("Projects", "ProjectList")}),
                "post": operation(
                    "Create a project",
                    {"201": answer("Created", "Project"), "400": ERRORS, "403": ERRORS},
                    requestBody=body("ProjectInput"),
                ),
            },
            "/projects/{project_id}": {
                "parameters": project_id,
                "get": operation("Read a project", {"200": answer("The project", "Project")}),
                "patch": operation(
                    "Change a project",
                    {"200": answer("Changed", "Project"), "400": ERRORS, "403": ERRORS},
                    requestBody=body("ProjectInput"),
                ),
                "delete": operation("Delete a project", {"204": answer("Deleted"), "403": ERRORS}),
            },
            "/projects/{project_id}/scenarios": {
                "parameters": project_id,
                "get": operation("List scenarios", {"200": answer("Scenarios", "ScenarioList")}),
                "post": operation(
                    "Create a scenario from scenario-format JSON",
                    {"201": answer("Created", "StoredScenario"), "400": ERRORS, "403": ERRORS},
                    requestBody=body("Scenario"),
                ),
            },
            "/scenarios/{scenario_id}": {
                "parameters": scenario_id,
                "get": operation("Read a scenario", {"200": answer("It", "StoredScenario")}),
                "put": operation(
                    "Replace a scenario's inputs",
                    {"200": answer("Replaced", "StoredScenario"), "400": ERRORS, "403": ERRORS},
                    requestBody=body("Scenario"),
                ),
                "delete": operation("Delete a scenario", {"204": answer("Deleted"), "403": ERRORS}),
            },
            "/scenarios/{scenario_id}/result": {
                "parameters": scenario_id,
                "get": operation("The newest result", {"200": answer("It", "StoredResult")}),
                "post": operation(
                    "Compute a result (poll the job)",
                    {"202": answer("Queued", "Job"), "400": ERRORS, "403": ERRORS},
                ),
            },
            "/jobs/{job_id}": {
                "parameters": [path_id("job_id")],
                "get": operation("A computation's progress", {"200": answer("It", "Job")}),
            },
            **evidence_paths(project_id, scenario_id),
            "/catalogs": {
                "get": operation("Published catalog versions", {"200": answer("Them")}),
            },
            "/catalogs/{slug}": {
                "parameters": [path_id("slug", "string")],
                "get": operation("A catalog version with every row", {"200": answer("It")}),
            },
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Errors": {
                    "type": "object",
                    "required": ["errors"],
                    "properties": {
                        "errors": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["field", "message"],
                                "properties": {
                                    "field": {"type": "string"},
                                    "message": {"type": "string"},
                                },
                            },
                        }
                    },
                },
                "Scenario": {
                    "type": "object",
                    "description": "tunecase.scenario/v1; only training.base_model is required",
                    "required": ["training"],
                    "properties": {
                        "schema": {"const": "tunecase.scenario/v1"},
                        "name": {"type": "string"},
                        "catalog": {"type": "string"},
                        "horizon_months": {"type": "integer", "minimum": 1},
                        "use_case": {"enum": ["behavior", "task", "format", "knowledge"]},
                        "prompting": {"type": "object"},
                        "data": {"type": "object"},
                        "training": {
                            "type": "object",
                            "required": ["base_model"],
                            "properties": {"base_model": {"type": "string"}},
                        },
                        "inference": {"type": "object"},
                        "costs": {"type": "object"},
                        "velocity": {"type": "object"},
                        "constraints": {"type": "object"},
                        "uncertainty": {"type": "object"},
                    },
                },
                "Result": {
                    "type": "object",
                    "description": "tunecase.result/v1",
                    "properties": {
                        "schema": {"const": "tunecase.result/v1"},
                        "catalog_version": {"type": "string"},
                        "payback_months": {"type": ["number", "null"]},
                        "breakeven_month": {"type": ["integer", "null"]},
                        "framework": {"type": "object"},
                    },
                },
                "ProjectInput": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string", "maxLength": 120},
                        "description": {"type": "string"},
                        "organisation": {"type": "integer"},
                        "archived": {"type": "boolean"},
                    },
                },
                "Project": {"type": "object"},
                "ProjectList": {"type": "object"},
                "StoredScenario": {"type": "object"},
                "ScenarioList": {"type": "object"},
                "StoredResult": {"type": "object"},
                "Job": {"type": "object"},
                **EVIDENCE_SCHEMAS,
            },
        },
    }


# --- Evidence: measured quality, measured runs, calibration, portfolios ---------------------

EVIDENCE_SCHEMAS: dict[str, Any] = {
    "EvaluationInput": {
        "type": "object",
        "description": (
            "scenario-format `evaluation`: a test set and/or candidates to add. Or send "
            "per-example outcomes as JSON Lines with Content-Type application/x-ndjson: "
            '{"id", "candidate": "baseline"|"base"|"finetuned", "correct": bool} per line'
        ),
        "properties": {
            "test_set": {
                "type": "object",
                "properties": {
                    "examples": {"type": "integer", "minimum": 1},
                    "description": {"type": "string"},
                },
            },
            "candidates": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["candidate", "accuracy"],
                    "properties": {
                        "candidate": {"enum": ["baseline", "base", "finetuned"]},
                        "model": {"type": "string"},
                        "accuracy": {"type": "number", "minimum": 0, "maximum": 1},
                        "format_reliability": {"type": ["number", "null"]},
                        "measured_on": {"type": "string", "format": "date"},
                        "notes": {"type": "string"},
                        "correct": {"type": "integer"},
                        "total": {"type": "integer"},
                    },
                },
            },
        },
    },
    "Evaluation": {
        "type": "object",
        "description": "Test set, every stored result, and the newest per candidate with "
        "its 95% Wilson interval (summary)",
    },
    "MeasuredRun": {
        "type": "object",
        "description": "scenario-format `measured_runs` item; peak_memory_gb is per GPU",
        "required": ["gpu", "tokens", "wall_hours", "base_model"],
        "properties": {
            "gpu": {"type": "string"},
            "gpus": {"type": "integer", "minimum": 1},
            "tokens": {"type": "integer", "minimum": 1},
            "wall_hours": {"type": "number", "exclusiveMinimum": 0},
            "peak_memory_gb": {"type": ["number", "null"]},
            "cost": {"type": ["number", "null"]},
            "method": {"enum": ["full", "lora", "qlora"]},
            "base_model": {"type": "string"},
            "lora_rank": {"type": "integer"},
            "batch_size": {"type": "integer"},
            "sequence_length": {"type": "integer"},
        },
    },
    "MeasuredRunList": {"type": "object"},
    "Calibration": {
        "type": "object",
        "description": "Per (gpu, method) the fitted MFU and memory factor with run counts; "
        "per run the estimate vs actual before and after calibration",
    },
    "PortfolioInput": {
        "type": "object",
        "required": ["name", "scenarios"],
        "properties": {
            "name": {"type": "string", "maxLength": 120},
            "scenarios": {"type": "array", "items": {"type": "integer"}, "minItems": 2},
            "latency_target_seconds": {"type": ["number", "null"]},
        },
    },
    "Portfolio": {
        "type": "object",
        "description": "With `result`: adapters vs merged vs API, monthly and cumulative, "
        "and the recommendation with its reason",
    },
    "PortfolioList": {"type": "object"},
}


def evidence_paths(project_id: list[dict[str, Any]], scenario_id: list[dict[str, Any]]) -> dict:
    return {
        "/scenarios/{scenario_id}/evaluation": {
            "parameters": scenario_id,
            "get": operation("Measured quality", {"200": answer("It", "Evaluation")}),
            "post": operation(
                "Add a test set, results or per-example outcomes (all or nothing)",
                {"201": answer("Added", "Evaluation"), "400": ERRORS, "403": ERRORS},
                requestBody=body("EvaluationInput"),
            ),
        },
        "/projects/{project_id}/runs": {
            "parameters": project_id,
            "get": operation("Measured training runs", {"200": answer("Them", "MeasuredRunList")}),
            "post": operation(
                "Record a measured training run",
                {"201": answer("Recorded", "MeasuredRun"), "400": ERRORS, "403": ERRORS},
                requestBody=body("MeasuredRun"),
            ),
        },
        "/projects/{project_id}/calibration": {
            "parameters": project_id,
            "get": operation(
                "Estimate vs actual, fitted MFU", {"200": answer("It", "Calibration")}
            ),
        },
        "/projects/{project_id}/portfolios": {
            "parameters": project_id,
            "get": operation("Adapter portfolios", {"200": answer("Them", "PortfolioList")}),
            "post": operation(
                "Create a portfolio of scenarios on one base model",
                {"201": answer("Created", "Portfolio"), "400": ERRORS, "403": ERRORS},
                requestBody=body("PortfolioInput"),
            ),
        },
        "/portfolios/{portfolio_id}": {
            "parameters": [path_id("portfolio_id")],
            "get": operation("Adapters vs merged vs API", {"200": answer("It", "Portfolio")}),
        },
    }
