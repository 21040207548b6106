# Stand-in for postgres:15-bookworm: Debian's PostgreSQL 15, with an entrypoint that creates the cluster,
# the user and the database from POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB on first start, as the
# official image's does, then runs the server as the postgres user.
ARG BASE
FROM ${BASE}
# Metadata first, on the small base: with vfs every instruction copies the whole file system below it.
ARG RECIPE
LABEL yjis.recipe=${RECIPE}
ENV PATH=/usr/lib/postgresql/15/bin:$PATH \
    PGDATA=/var/lib/postgresql/data \
    NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt
STOPSIGNAL SIGINT
CMD ["postgres"]
ENTRYPOINT ["docker-entrypoint.sh"]
COPY postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
COPY local-ca/ /usr/local/share/ca-certificates/
RUN mkdir -p /etc/postgresql-common/createcluster.d \
 && echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.d/stand-in.conf \
 && apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates postgresql-15 \
 && update-ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/lib/postgresql/data /var/run/postgresql \
 && chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql \
 && chmod 0755 /usr/local/bin/docker-entrypoint.sh
# (No VOLUME: the compose file mounts a named volume on PGDATA.)
