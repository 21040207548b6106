# Stand-in for redis:7-bookworm: Debian's Redis 7, run as the redis user in /data.
ARG BASE
FROM ${BASE}
COPY local-ca/ /usr/local/share/ca-certificates/
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates redis-server redis-tools \
 && update-ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /data && chown redis:redis /data
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt
WORKDIR /data
VOLUME /data
USER redis
CMD ["redis-server"]
