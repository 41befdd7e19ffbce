# One image for every app; the compose file picks the app with APP.
FROM node:20-bookworm-slim
RUN npm install -g pnpm@10
WORKDIR /srv
COPY . .
RUN pnpm install --frozen-lockfile --prod=false
ENV NODE_ENV=production
ARG APP=ingest
ENV APP=${APP}
# tsx compiles TypeScript at start-up; there is no separate build step to drift from the source.
CMD ["sh", "-c", "exec node --import tsx apps/${APP}/src/main.ts"]
