# syntax=docker/dockerfile:1
# Comptoir: build a virtualenv in one stage, run it as a non-root user in a slim one.
#   docker build -t comptoir .
#   docker run --env-file comptoir.env comptoir            # serve (GraphQL, REST, downloads)
#   docker run --env-file comptoir.env comptoir migrate    # the one-off migration step
#   docker run --env-file comptoir.env comptoir worker     # background jobs
# Configuration is the environment (see the README's table); DATABASE_URL and
# COMPTOIR_SECRET_KEY are required in production (the image sets COMPTOIR_ENV=production).

ARG PYTHON_VERSION=3.11

FROM python:${PYTHON_VERSION}-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
RUN python -m venv /opt/comptoir
# Dependencies first, so code changes do not reinstall them.
COPY pyproject.toml README.md ./
RUN mkdir server models resolvers schema rest_compat migrations \
    && /opt/comptoir/bin/pip install . \
    && /opt/comptoir/bin/pip uninstall --yes comptoir
COPY server ./server
COPY models ./models
COPY resolvers ./resolvers
COPY schema ./schema
COPY rest_compat ./rest_compat
COPY migrations ./migrations
RUN /opt/comptoir/bin/pip install --no-deps . \
    && /opt/comptoir/bin/comptoir schema > /dev/null

FROM python:${PYTHON_VERSION}-slim-bookworm AS runtime
RUN groupadd --system --gid 10001 comptoir \
    && useradd --system --uid 10001 --gid comptoir --home-dir /var/lib/comptoir \
       --create-home --shell /usr/sbin/nologin comptoir
COPY --from=build /opt/comptoir /opt/comptoir
ENV PATH=/opt/comptoir/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    COMPTOIR_ENV=production \
    COMPTOIR_HOST=0.0.0.0 \
    COMPTOIR_PORT=8000 \
    COMPTOIR_DATA_DIR=/var/lib/comptoir \
    COMPTOIR_LOG_JSON=true \
    COMPTOIR_GRAPHIQL=false
USER 10001:10001
WORKDIR /var/lib/comptoir
EXPOSE 8000
# Ready means "this replica can answer": the process is up and reaches its database.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; port = os.environ.get('COMPTOIR_PORT', '8000'); sys.exit(urllib.request.urlopen(f'http://127.0.0.1:{port}/readyz', timeout=4).status != 200)"]
ENTRYPOINT ["comptoir"]
# Replicas neither migrate (the migrate service does, once) nor run jobs (workers do).
CMD ["serve", "--no-migrate", "--no-worker"]
