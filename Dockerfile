# The stakegraph API service (REST under /v1, browser pages under /), for docker-compose.yml.
# The image holds the installed distribution only: no sources, no test extras.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /build
COPY pyproject.toml README.md ./
COPY src/ src/
COPY api/ api/
COPY cypher/ cypher/
RUN pip install . && rm -rf /build

# Run as an unprivileged user whose home is the data directory (a volume in compose).
RUN useradd --system --create-home --home-dir /var/lib/stakegraph --shell /usr/sbin/nologin stakegraph
USER stakegraph
WORKDIR /var/lib/stakegraph
ENV STAKEGRAPH_DATA_DIR=/var/lib/stakegraph

EXPOSE 8765
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8765/healthz', timeout=4)"]

# Bound beyond loopback, the service refuses to start until an API key exists:
# docker compose run --rm api stakegraph keys create --scope admin --name ops
CMD ["stakegraph", "serve", "--host", "0.0.0.0"]
