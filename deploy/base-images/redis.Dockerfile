# Stand-in for redis:7-bookworm: Debian's Redis 7, run as the redis user in /data.
ARG BASE
FROM ${BASE}
# Metadata first, on the small base: with vfs every instruction copies the whole file system below it.
ARG RECIPE
LABEL yjis.recipe=${RECIPE}
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt
CMD ["redis-server"]
WORKDIR /data
COPY local-ca/ /usr/local/share/ca-certificates/
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates redis-server redis-tools \
 && update-ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /data && chown redis:redis /data
USER redis
# (No VOLUME: the compose file mounts a named volume on /data.)
