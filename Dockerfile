# Stopline in a container: the console and the server built (`npm run build`: dist/web and
# dist/server/stopline.mjs, so the server runs as JavaScript, without tsx) and the dev
# dependencies left behind in a build stage; the image runs as the unprivileged `node` user,
# keeps its data in a volume at /var/lib/stopline, and checks its own health with a Node script
# (no curl in the image). bin/stopline runs dist/server while it matches src/ (copied for that
# check and the public pages' stylesheet).
# test/operations/container-start.test.ts runs the final stage's ENV, ENTRYPOINT, CMD and
# HEALTHCHECK as processes, so keep them simple enough for it to read.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# The SQLite driver compiles when no prebuilt binary fits.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
# `stopline backup` and `restore` on PostgreSQL run pg_dump and pg_restore, which must be of the
# server's major version or newer: the client of compose.yaml's PostgreSQL 17, from the
# PostgreSQL project's Debian repository (Debian bookworm ships 15).
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && install -d /usr/share/postgresql-common/pgdg \
 && curl -fsSL -o /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc https://www.postgresql.org/media/keys/ACCC4CF8.asc \
 && echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] https://apt.postgresql.org/pub/repos/apt bookworm-pgdg main" > /etc/apt/sources.list.d/pgdg.list \
 && apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client-17 \
 && apt-get purge -y curl && apt-get autoremove -y \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
ENV HOST=0.0.0.0
ENV PORT=8080
ENV STOPLINE_DATA_DIR=/var/lib/stopline
WORKDIR /app
# Owned by root and read-only to the service: only the data folder is writable.
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/bin ./bin
COPY --from=build /app/src ./src
COPY --from=build /app/policies ./policies
COPY --from=build /app/dist ./dist
RUN mkdir -p /var/lib/stopline && chown node:node /var/lib/stopline && chmod 0700 /var/lib/stopline
USER node
VOLUME /var/lib/stopline
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["node", "bin/healthcheck.mjs"]
ENTRYPOINT ["node", "bin/stopline"]
CMD ["serve"]
