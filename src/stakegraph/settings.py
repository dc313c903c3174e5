"""Every setting of stakegraph, in one pydantic-settings object (env prefix ``STAKEGRAPH_``).

Settings are built by :func:`get_settings`, never at import time, so tests and the CLI can pass
their own values.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import platformdirs
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

__all__ = ["AnalysisSettings", "Settings", "get_settings"]


def _default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("stakegraph", appauthor=False))


class AnalysisSettings(BaseSettings):
    """The numbers of the metric definitions (DESIGN.md, "Analysis"); each one can be changed."""

    model_config = SettingsConfigDict(env_prefix="STAKEGRAPH_ANALYSIS_", extra="ignore")

    half_life_days: float = 90.0
    kind_weights: dict[str, float] = Field(
        default_factory=lambda: {
            "meeting": 1.0,
            "call": 0.8,
            "event": 0.5,
            "email": 0.3,
            "message": 0.2,
        }
    )
    live_tie_threshold: float = 0.5
    senior_seniorities: list[str] = Field(default_factory=lambda: ["c_level", "vp", "director"])
    senior_buying_roles: list[str] = Field(
        default_factory=lambda: ["economic_buyer", "executive_sponsor", "decision_maker"]
    )
    seniority_weights: dict[str, float] = Field(
        default_factory=lambda: {"c_level": 4.0, "vp": 3.0, "director": 2.0, "other": 2.0}
    )
    going_dark_min_days: float = 30.0
    going_dark_gap_factor: float = 3.0
    going_dark_gap_window: int = 10
    spof_strength_share: float = 0.5
    threads_points: list[float] = Field(default_factory=lambda: [40.0, 30.0, 15.0, 0.0])
    senior_coverage_points: float = 30.0
    recency_quiet_days: float = 30.0
    recency_full_days: float = 90.0
    recency_points: float = 20.0
    executive_alignment_points: float = 10.0
    level_medium: float = 30.0
    level_high: float = 60.0
    count_unanswered_outbound_email: bool = False

    # Analysis, alignment (issue 3): what a stance is worth in a function's mean stance, and who
    # counts as executive on each side for executive alignment.
    stance_values: dict[str, float] = Field(
        default_factory=lambda: {"supporter": 1.0, "neutral": 0.0, "detractor": -1.0}
    )
    executive_roles: list[str] = Field(default_factory=lambda: ["executive"])
    executive_seniorities: list[str] = Field(default_factory=lambda: ["c_level", "vp"])


class Settings(BaseSettings):
    """Settings of one stakegraph process."""

    model_config = SettingsConfigDict(
        env_prefix="STAKEGRAPH_", env_file=None, extra="ignore", env_nested_delimiter="__"
    )

    # Storage
    graph_url: str = Field(
        default="",
        description="Empty for the embedded FalkorDB; falkordb://host:port; neo4j:// or bolt://.",
    )
    graph_name: str = "stakegraph"
    data_dir: Path = Field(default_factory=_default_data_dir)
    neo4j_user: str = "neo4j"
    neo4j_password: str = ""
    neo4j_database: str | None = None
    write_batch_size: int = 1000
    server_start_timeout_s: float = 20.0
    # Imports: a bundle file at least this big is read and validated by a worker process while
    # this one writes (0 never uses one), on a machine with at least this many CPUs. The
    # database server, the importing process and the worker each keep a core busy: on two
    # cores the worker only takes CPU from the database (a 232 MB bundle: 22.8 s without the
    # worker, 26.8 s with it).
    import_worker_min_bytes: int = 8_000_000
    import_worker_min_cpus: int = 3

    # Neo4j (store/neo4j.py): how long the driver keeps retrying a transaction that failed for a
    # transient reason (deadlock, leader switch, lost connection), and how long a connect may take.
    neo4j_max_transaction_retry_time_s: float = 30.0
    neo4j_connection_timeout_s: float = 10.0

    # Identity (importers)
    our_domains: Annotated[list[str], NoDecode] = Field(default_factory=list)

    # Service
    host: str = "127.0.0.1"
    port: int = 8765
    max_body_bytes: int = 20 * 1024 * 1024
    report_timeout_s: float = 30.0
    max_account_contacts: int = 20_000
    scan_interval_s: float = 900.0
    delivery_interval_s: float = 1.0

    # Service internals (api/, maps/): report cache, API keys, pages and maps
    report_cache_size: int = Field(default=4096, ge=0, description="Reports kept in memory.")
    report_cache_max_weight: int = Field(
        default=1_000_000,
        ge=1,
        description="Bound on the cache's memory, counted in people and ties (about 1 kB each).",
    )
    report_cache_ttl_s: float = Field(
        default=300.0, gt=0, description="A cached report of 'now' is recomputed after this."
    )
    report_workers: int = Field(default=4, ge=1, description="Threads computing reports.")
    warm_reports_on_start: bool = Field(
        default=True, description="Compute every account's report in the background at start-up."
    )
    portfolio_timeout_s: float = Field(
        default=300.0, gt=0, description="Bound on a portfolio computed by the service."
    )
    page_size_max: int = Field(default=500, ge=1, description="Largest page of GET /v1/accounts.")
    history_months: int = Field(default=12, ge=1, le=60)
    api_key_cache_s: float = Field(
        default=5.0, ge=0, description="How long the service trusts its copy of the key list."
    )
    map_physics_max_nodes: int = Field(
        default=60, ge=0, description="Maps with more people than this are drawn without physics."
    )
    map_max_nodes: int = Field(
        default=1500, ge=10, description="Maps of larger accounts show the people who matter most."
    )

    # Webhooks
    webhook_allow_private: bool = False
    webhook_timeout_s: float = 5.0
    webhook_max_attempts: int = 8
    webhook_backoff_base_s: float = 1.0
    webhook_backoff_max_s: float = 600.0

    # Alerts and webhook delivery (stakegraph.alerts)
    public_url: str = Field(
        default="", description="The service's address as users reach it, for links in alerts."
    )
    webhook_lease_s: float = Field(
        default=30.0,
        gt=0,
        description="A claimed delivery is tried again after this if its worker died mid-try "
        "(at least twice the webhook timeout).",
    )
    delivery_batch_size: int = Field(default=50, ge=1, description="Deliveries claimed at once.")
    alert_key_buying_roles: list[str] = Field(
        default_factory=lambda: [
            "economic_buyer",
            "executive_sponsor",
            "decision_maker",
            "champion",
        ],
        description="A contact holding one of these is key: their role changes raise an alert.",
    )
    alert_warm_paths: int = Field(
        default=3, ge=1, description="Warm paths to a successor, each from a different one of us."
    )
    alert_sweep_hours: float = Field(
        default=24.0,
        ge=0,
        description="A scan examines role changes this recent that no alerting looked at.",
    )

    # Portfolio
    workers: int = 0

    analysis: AnalysisSettings = Field(default_factory=AnalysisSettings)

    @field_validator("our_domains", mode="before")
    @classmethod
    def _split_domains(cls, value: object) -> object:
        if isinstance(value, str):
            return [d.strip().lower().lstrip("@") for d in value.split(",") if d.strip()]
        return value

    @property
    def embedded(self) -> bool:
        """True when stakegraph runs its own FalkorDB server."""
        return not self.graph_url


def get_settings(**overrides: object) -> Settings:
    """Build the settings from the environment, with explicit ``overrides`` taking precedence."""
    return Settings(**overrides)  # type: ignore[arg-type]
