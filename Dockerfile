# The image web, worker and migrate run (docker-compose.yml). Build: docker compose build

# --- GOV.UK Frontend and the app's stylesheet, built as ./dev builds them: npm ci, then Sass ------------
FROM node:20-bookworm-slim AS frontend
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY static/scss static/scss
RUN mkdir -p static/vendor/govuk-frontend static/build \
 && cp -r node_modules/govuk-frontend/dist/govuk/assets static/vendor/govuk-frontend/assets \
 && cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js static/vendor/govuk-frontend/ \
 && npx --no-install sass --no-source-map --style=compressed --quiet-deps \
      --load-path=node_modules static/scss/app.scss static/build/app.css

# --- the application ----------------------------------------------------------------------------------
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint's libraries and fonts, as ./dev installs them; pg_dump and pg_restore (15, as the server)
# for ./manage.py backup and restore.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation shared-mime-info poppler-utils \
      postgresql-client \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --system --create-home --uid 10001 app
WORKDIR /app

# The same exact pins as development and CI.
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY --chown=app:app . .
COPY --from=frontend --chown=app:app /build/static/vendor static/vendor
COPY --from=frontend --chown=app:app /build/static/build static/build

ENV DJANGO_SETTINGS_MODULE=config.settings.prod \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/var/media \
    BACKUP_DIR=/app/var/backups

# Hashed, compressed static files for WhiteNoise. The settings need these variables to load; the real
# values come from .env when the containers run.
RUN DJANGO_SECRET_KEY=collectstatic-only DJANGO_ALLOWED_HOSTS=localhost EMAIL_HOST=localhost \
      DEFAULT_FROM_EMAIL=build@localhost python manage.py collectstatic --noinput \
 && mkdir -p var/media var/backups \
 && chown -R app:app var

USER app
EXPOSE 8000
CMD ["gunicorn", "--config", "config/gunicorn.py", "config.wsgi"]
