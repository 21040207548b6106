# The image web, worker, beat and migrate run (docker-compose.yml). Build: docker compose build
# The base images are build arguments whose defaults are the official images; ./dev deploy-check passes
# local stand-ins (deploy/base-images/) on machines that cannot reach a registry.
ARG NODE_IMAGE=node:20-bookworm-slim
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- GOV.UK Frontend and the app's stylesheet: `npm run build`, the same script ./dev runs -------------
FROM ${NODE_IMAGE} AS frontend
# Few instructions: with storage drivers that copy every layer (vfs) each one copies the whole file system.
COPY package.json package-lock.json /build/
COPY static/scss /build/static/scss
RUN cd /build && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build

# --- the application ----------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE}
# Settings and metadata first, while the file system is small: with storage drivers that copy every layer
# (vfs, as on the machines without a registry) each instruction costs a copy of everything below it.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.prod \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/var/media \
    BACKUP_DIR=/app/var/backups
WORKDIR /app
EXPOSE 8000
CMD ["gunicorn", "--config", "config/gunicorn.py", "config.wsgi"]

# WeasyPrint's libraries and the fonts ./dev installs (DejaVu as well as Liberation, so that symbols such as
# ☆ render as on the development machines, not as an empty box); pg_dump and pg_restore (15, as the server)
# for ./manage.py backup and restore. Then the production pins only (requirements.txt: no test or lint
# tools) and the unprivileged user the processes run as.
COPY requirements.txt /tmp/requirements.txt
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation fonts-dejavu-core fonts-dejavu-extra \
      shared-mime-info poppler-utils postgresql-client \
 && rm -rf /var/lib/apt/lists/* \
 && pip install -r /tmp/requirements.txt \
 && pip check \
 && rm /tmp/requirements.txt \
 && useradd --system --create-home --uid 10001 app

COPY --chown=app:app . .
COPY --from=frontend --chown=app:app /build/static/ static/

# Hashed, compressed static files for WhiteNoise. The settings need these variables to load; the real
# values (and every secret) come from .env when the containers run: the image holds none.
RUN DJANGO_SECRET_KEY=collectstatic-only DJANGO_ALLOWED_HOSTS=localhost EMAIL_HOST=localhost \
      DEFAULT_FROM_EMAIL=build@localhost python manage.py collectstatic --noinput -v 0 \
 && mkdir -p var/media var/backups var/beat \
 && chown -R app:app var

USER app
