import { z } from 'zod';
import { csv, envFragment } from '@switchboard/runtime';

export const ingestEnv = envFragment('ingest', 'api', {
  PORT: z.coerce.number().int().min(0).max(65535).default(3000).describe('Port of the ingest API.'),
  HOST: z.string().default('0.0.0.0').describe('Interface the ingest API listens on.'),
  INGEST_API_KEYS: csv
    .pipe(z.array(z.string().min(16, 'each API key must be at least 16 characters')).min(1, 'set at least one key'))
    .describe('Comma-separated API keys (16+ characters); callers send `Authorization: Bearer <key>`.'),
  REDIS_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(3_000)
    .describe('How long a request waits for Redis before answering 503.'),
  INGEST_SIGNING_SECRETS: csv
    .pipe(z.array(z.string().min(16, 'each signing secret must be at least 16 characters')).min(1))
    .optional()
    .describe(
      'Comma-separated secrets for Zendesk-style signed webhooks (two during a rotation); set, every POST must be signed.',
    ),
  INGEST_SIGNATURE_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .min(10)
    .max(3_600)
    .default(300)
    .describe('How old a signed request may be.'),
});
