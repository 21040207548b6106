# Stand-in for node:20-bookworm-slim: Debian's Node.js and npm.
ARG BASE
FROM ${BASE}
# Metadata first, on the small base: with vfs every instruction copies the whole file system below it.
ARG RECIPE
LABEL yjis.recipe=${RECIPE}
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
    npm_config_cafile=/etc/ssl/certs/ca-certificates.crt
CMD ["node"]
COPY local-ca/ /usr/local/share/ca-certificates/
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates nodejs npm \
 && update-ca-certificates \
 && rm -rf /var/lib/apt/lists/*
