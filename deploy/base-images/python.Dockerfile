# Stand-in for python:3.11-slim-bookworm: Debian's Python 3.11 in a virtual environment on PATH, so that
# `python`, `pip` and the installed scripts work as in the official image.
ARG BASE
FROM ${BASE}
# Metadata first, on the small base: with vfs every instruction copies the whole file system below it.
ARG RECIPE
LABEL yjis.recipe=${RECIPE}
ENV PATH=/usr/local/python/bin:$PATH \
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
    NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
CMD ["python3"]
COPY local-ca/ /usr/local/share/ca-certificates/
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates python3 python3-venv \
 && update-ca-certificates \
 && python3 -m venv /usr/local/python \
 && rm -rf /var/lib/apt/lists/*
