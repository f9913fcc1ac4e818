# syntax=docker/dockerfile:1
# The ksit worker image: the compiled worker, its production dependencies only, a prebuilt workflow bundle and
# the Helm CLI, on a distroless Node runtime as user 65532. Nothing in it writes outside /tmp, so it runs with a
# read-only root filesystem once /tmp is a writable volume (the Helm chart and docker-compose.yml mount one).
#
#   docker build -t ksit:dev .
#   docker run --read-only --tmpfs /tmp -e TEMPORAL_ADDRESS=host:7233 ksit:dev            # the worker
#   docker run --read-only --tmpfs /tmp ksit:dev dist/workers/codec-server.js             # other entry points
#
# Versions: NODE_VERSION must match deploy/local/versions.env (a unit test checks); Helm's version is read from
# that file at build time. Helm is built from its Go module (as deploy/local/tools.sh does): `go install` checks
# every module it downloads against the Go checksum database, so the binary is verified without a hand-kept hash.

ARG NODE_VERSION=24.21.0
ARG GO_VERSION=1.26
ARG RUNTIME_IMAGE=gcr.io/distroless/nodejs24-debian12:nonroot

# --- build: compile TypeScript and bundle the workflows (dev dependencies live only here) ---
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# `npm install` with the committed lock, not `npm ci`: npm 11 lock files omit other platforms' optional packages
# and `npm ci` refuses them (see deploy/local/test.sh).
RUN --mount=type=cache,target=/root/.npm npm install --no-audit --no-fund
COPY tsconfig.json ./
COPY shared shared
COPY workflows workflows
COPY activities activities
COPY workers workers
COPY client client
COPY controller controller
RUN npm run build && node dist/workers/bundle-workflows.js /src/dist/workflow-bundle.js

# --- production dependencies, pruned to this platform ---
FROM node:${NODE_VERSION}-bookworm-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY deploy/docker/prune-node-modules.sh /usr/local/bin/prune-node-modules.sh
RUN --mount=type=cache,target=/root/.npm npm install --omit=dev --no-audit --no-fund \
  && prune-node-modules.sh /app/node_modules

# --- the Helm CLI, pinned by deploy/local/versions.env, built from its checksum-verified Go module ---
FROM golang:${GO_VERSION}-bookworm AS helm
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
ARG GOPROXY=https://proxy.golang.org
ENV CGO_ENABLED=0 GOFLAGS=-mod=readonly GOSUMDB=sum.golang.org GOTOOLCHAIN=auto GOPROXY=${GOPROXY}
COPY deploy/local/versions.env /versions.env
RUN --mount=type=cache,target=/root/go/pkg/mod \
  . /versions.env \
  && GOBIN=/out go install -trimpath \
    -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=${HELM_VERSION}" \
    "helm.sh/helm/v3/cmd/helm@${HELM_VERSION}" \
  && /out/helm version --short | grep -q "^${HELM_VERSION}"

# --- jemalloc, from Debian's package: the worker's malloc (see the ENV below) ---
FROM node:${NODE_VERSION}-bookworm-slim AS jemalloc
RUN apt-get update \
  && apt-get install -y --no-install-recommends libjemalloc2 \
  && mkdir /out \
  && cp "$(dpkg -L libjemalloc2 | grep '/libjemalloc.so.2$')" /out/libjemalloc.so.2

# --- runtime: distroless (no shell, no package manager), non-root ---
FROM ${RUNTIME_IMAGE}
LABEL org.opencontainers.image.title="ksit" \
  org.opencontainers.image.description="ksit worker: installs and watches DevOps tools across Kubernetes clusters on Temporal" \
  org.opencontainers.image.licenses="Apache-2.0"
WORKDIR /app
# Owned by root and read-only to the runtime user: the process cannot change its own code.
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/dist/shared ./dist/shared
COPY --from=build /src/dist/workflows ./dist/workflows
COPY --from=build /src/dist/activities ./dist/activities
COPY --from=build /src/dist/workers ./dist/workers
COPY --from=build /src/dist/client ./dist/client
COPY --from=build /src/dist/controller ./dist/controller
COPY --from=build /src/dist/workflow-bundle.js ./dist/workflow-bundle.js
COPY --from=helm /out/helm /usr/local/bin/helm
COPY --from=jemalloc /out/libjemalloc.so.2 /usr/lib/libjemalloc.so.2
# Everything writable lives under /tmp: Helm's cache/config/data, kubeconfig scratch files, HOME.
# Memory (BENCHMARKS.md, memory): jemalloc returns freed native memory that glibc's per-thread arenas hold on to
# (MALLOC_ARENA_MAX bounds those arenas if LD_PRELOAD is removed). NODE_OPTIONS fixes V8's heap limit: V8 derives it,
# and with it how far each heap may grow past its live objects (up to 4x on a large host), from the machine's
# memory, so without it the same worker needs more memory on a larger node. Small young generations (4 MiB
# semi-spaces) cost a little CPU in more frequent minor collections and save about 25 MiB per thread.
ENV LD_PRELOAD=/usr/lib/libjemalloc.so.2 \
  NODE_OPTIONS="--max-old-space-size=1024 --max-semi-space-size=4" \
  NODE_ENV=production \
  HOME=/tmp \
  KSIT_WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js \
  KSIT_HELM_BINARY=/usr/local/bin/helm \
  KSIT_HELM_HOME=/tmp/helm \
  HELM_CACHE_HOME=/tmp/helm/cache \
  HELM_CONFIG_HOME=/tmp/helm/config \
  HELM_DATA_HOME=/tmp/helm/data \
  KSIT_HTTP_PORT=9464 \
  MALLOC_ARENA_MAX=2
USER 65532:65532
# /healthz, /readyz and /metrics
EXPOSE 9464
# The distroless image's entrypoint is node; the command picks the entry point.
CMD ["dist/workers/main.js"]
